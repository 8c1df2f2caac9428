"""Every kind of bad input the report form can carry, read without saving anything."""

from __future__ import annotations

import json

import pytest

from nigehbaan.intake import contacts
from nigehbaan.intake.forms import (
    NEED_DESCRIPTION,
    NOT_A_CHOICE,
    NOT_HASHES,
    TOO_LONG,
    read_message,
    read_report,
)
from nigehbaan.intake.hashentries import MAX_ENTRIES, NotHashes, parse_entries

SHA = "a" * 64
MD5 = "b" * 32
PDQ = "c" * 64


def entry(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {"sha256": SHA, "md5": MD5, "pdq": PDQ, "quality": 80, "size": 10}
    item.update(changes)
    return item


def test_only_a_description_is_needed() -> None:
    draft, problems = read_report({"description": "  someone added me to a group  "})
    assert problems == [] and draft.description == "someone added me to a group"
    assert not draft.safeguarding


def test_empty_report_names_the_description() -> None:
    _, problems = read_report({"platform": "WhatsApp"})
    assert [(p.field, p.message) for p in problems] == [("description", NEED_DESCRIPTION)]


def test_hashes_alone_are_a_report() -> None:
    draft, problems = read_report({"hashes": json.dumps([entry()])})
    assert problems == [] and len(draft.hashes) == 1


@pytest.mark.parametrize(("role", "spreading", "safeguarding"), [
    ("child", "", True), ("parent", "yes", True), ("other", "no", False), ("", "unsure", False)])
def test_safeguarding_flag(role: str, spreading: str, safeguarding: bool) -> None:
    draft, _ = read_report({"description": "x", "reporter_role": role,
                            "spreading_now": spreading})
    assert draft.safeguarding is safeguarding


@pytest.mark.parametrize("name", ["description", "platform", "groups", "people", "contact"])
def test_oversized_answers_are_named(name: str) -> None:
    _, problems = read_report({"description": "x", name: "y" * 20_001})
    assert (name, TOO_LONG) in [(p.field, p.message) for p in problems]


@pytest.mark.parametrize("name", ["reporter_role", "age_band", "spreading_now"])
def test_choices_outside_the_list_are_refused(name: str) -> None:
    draft, problems = read_report({"description": "x", name: "<script>alert(1)</script>"})
    assert [(p.field, p.message) for p in problems] == [(name, NOT_A_CHOICE)]
    assert getattr(draft, name) == ""


def test_control_characters_and_nul_bytes_are_removed() -> None:
    draft, problems = read_report({"description": "a\x00b\x07c\r\nd\te"})
    assert problems == [] and draft.description == "abc\nd\te"


def test_messages_must_have_words_and_a_limit() -> None:
    assert read_message({"body": "  \x00 "})[1][0].field == "body"
    assert read_message({"body": "x" * 5001})[1][0].message == TOO_LONG
    assert read_message({"body": "hello"}) == ("hello", [])


@pytest.mark.parametrize("upload", [
    "not json", "{}", json.dumps({"sha256": SHA}), json.dumps(["a"]),
    json.dumps([entry(sha256="a" * 63)]), json.dumps([entry(sha256="g" * 64)]),
    json.dumps([entry(md5="b" * 64)]), json.dumps([entry(pdq="c" * 63)]),
    json.dumps([entry(quality=101)]), json.dumps([entry(quality=-1)]),
    json.dumps([entry(quality=True)]), json.dumps([entry(quality="80")]),
    json.dumps([entry(pdq=None)]), json.dumps([entry(quality=None)]),
    json.dumps([entry(size=-5)]), json.dumps([entry(name="IMG_0001.jpg")]),
    json.dumps([entry(pdq_displayed="z")]), json.dumps([entry()] * (MAX_ENTRIES + 1)),
    "[" + "1," * 100_000 + "1]",
])
def test_uploads_that_are_not_hashes_are_refused_whole(upload: str) -> None:
    with pytest.raises(NotHashes):
        parse_entries(upload)
    draft, problems = read_report({"description": "x", "hashes": upload})
    assert [(p.field, p.message) for p in problems] == [("hashes", NOT_HASHES)]
    assert draft.hashes == []


def test_hash_entries_are_normalised_and_deduplicated() -> None:
    upper = entry(sha256=SHA.upper(), pdq=None, quality=None)
    parsed = parse_entries(json.dumps([upper, entry()]))
    assert len(parsed) == 1 and parsed[0].sha256 == SHA and parsed[0].pdq is None


@pytest.mark.parametrize(("typed", "kind", "value", "valid"), [
    ("+92 300 1234567", "phone", "+923001234567", True),
    ("0300-1234567", "phone", "+923001234567", True),
    ("۰۳۰۰ ۱۲۳۴۵۶۷", "phone", "+923001234567", True),
    ("+92 300 123", "phone", "", False),  # too short for Pakistan: kept, flagged
    ("03 12", "text", "", True),  # too few digits to be read as a phone number
    ("12345678901234567", "phone", "", False),
    ("@Some_Handle", "handle", "some_handle", True),
    ("https://chat.whatsapp.com/AbCdEf", "link", "https://chat.whatsapp.com/AbCdEf", True),
])
def test_contacts_are_kept_as_typed_and_flagged(typed: str, kind: str, value: str,
                                                valid: bool) -> None:
    item = contacts.classify(typed, "PK")
    assert (item.kind, item.value, item.valid, item.raw) == (kind, value, valid, typed)
    assert (item.problem != "") is (not valid)


def test_links_are_found_in_running_text() -> None:
    items = contacts.read_items("group 'kite club' at t.me/kiteclub and 0300 1234567", "PK")
    assert [i.kind for i in items] == ["link"]
    items = contacts.read_items("t.me/kiteclub\n0300 1234567\nnot a number", "PK")
    assert [i.kind for i in items] == ["link", "phone"]
