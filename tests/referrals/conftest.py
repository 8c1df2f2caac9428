"""Fixtures of the referral tests: the in-process command line (shared with the CLI tests) and a
case with a seized chat group (`chat_case`)."""

from __future__ import annotations

from tests.cli.conftest import cli
from tests.referrals.chat_case import chat_case, groups

__all__ = ["chat_case", "cli", "groups"]
