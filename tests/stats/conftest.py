"""Fixtures of the statistics tests: the chat-group case the referral tests use too."""

from __future__ import annotations

from tests.referrals.chat_case import chat_case, groups

__all__ = ["chat_case", "groups"]
