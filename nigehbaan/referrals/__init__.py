"""International cooperation: incoming referrals and platform reports, arrival look-ups, signed
country packages with a CASE/UCO bundle, and the status of each outgoing referral.

Other capabilities contribute through providers (`lookups`, `sections`): the case register's
providers live in `register_providers`; chats and evidence add one module each.
"""
