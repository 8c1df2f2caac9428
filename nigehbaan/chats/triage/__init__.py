"""Member triage: indicators collected while an export streams by, and the advice built on them.

Triage is advice, never a verdict: every indicator names the records it rests on, and the
category names the rule that produced it, so an analyst can check both before deciding.
"""
