"""Triage measured against the synthetic ground truth, and each indicator on the planted groups.

The figures (recall of planted offenders, passive members wrongly flagged, victims found) are
printed so a run shows them (`pytest -s`); the floors asserted are what the rules must keep.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from nigehbaan.chats.analysis import MemberResult, Result, analyse
from nigehbaan.chats.identity import Seen, resolve
from nigehbaan.chats.media import MediaHashes
from nigehbaan.chats.model import ChatFormat, MemberRef, Message
from nigehbaan.chats.registry import open_chats
from tests.chats.groups import FSI, PDI, RANK, export_path, truth, write_groups

LAYOUTS = ("whatsapp-android-en", "whatsapp-android-es", "whatsapp-ios-en", "whatsapp-ios-es",
           "telegram-desktop")
CODES = ("created_group", "renamed_group", "admin", "added_members", "add_burst",
         "joined_by_link", "shared_media", "forwarded_media", "first_poster", "requested_media",
         "requested_meeting", "posted_group_links", "removed_members", "never_posted",
         "left_soon", "addressed_by_requests", "number_posted_by_others", "central_position")
FLOORS = {"admin": 0.33, "joined_by_link": 0.8, "shared_media": 0.9, "never_posted": 0.9,
          "left_soon": 0.5}
"""Codes the export cannot always show, or this test cannot always map: planted co-admins who
only add members (no export line shows their rights); members whose display name two people
share on Telegram (kept apart, so the truth cannot be mapped by name); and a contact saved as
`Name: Work`, whose Android join line the parser reads as a message of `Name`."""
IOS_ES_FLOORS = {"number_posted_by_others": 0.6}
"""The number of a saved contact posted in the Spanish iOS group (2 of its 3 planted), where
mentions name the contact too: nothing in the export ties that number to that name."""


@pytest.fixture(scope="module")
def groups(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("synth-media")
    return root, write_groups(root, with_media=True)


def run(path: Path, **options: Any) -> Result:
    """Parse and triage as the importer does, hashing attached media for re-share detection."""
    stream = next(iter(open_chats(path)))
    with MediaHashes(path) as hashes:
        return analyse(stream, stream.header.format, content_key=hashes, **options)


def members_of(tmp_path: Path, lines: list[str], name: str = "WhatsApp Chat with Walk.txt",
               **options: Any) -> dict[str, MemberResult]:
    """`run` on a small export written from `lines`: its members by key."""
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return {m.person.key: m for m in run(path, **options).members.values()}


def _ids(member: MemberResult) -> set[str]:
    person = member.person
    if person.phone_e164:
        return {person.phone_e164}
    if person.telegram_id:
        return {person.telegram_id}
    return set()


def mapping(result: Result, gt: dict[str, Any]) -> dict[str, list[MemberResult]]:
    """Truth member id → our members: by number or Telegram id, else by a unique label."""
    by_label: dict[str, set[str]] = {}
    for m in gt["members"]:
        for name in m["display_names"]:
            by_label.setdefault(name, set()).add(m["member_id"])
    found: dict[str, list[MemberResult]] = {}
    for member in result.members.values():
        ids = _ids(member) & {m["member_id"] for m in gt["members"]}
        if not ids:
            labels = [by_label.get(a, set()) for a in member.person.aliases]
            ids = set().union(*labels) if labels else set()
            if len(ids) != 1:
                continue
        for truth_id in ids:
            found.setdefault(truth_id, []).append(member)
    return found


def predicted(members: list[MemberResult]) -> str:
    return max((m.triage.category for m in members), key=RANK.__getitem__, default="unmatched")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_triage_against_ground_truth(groups: tuple[Path, dict[str, Any]], layout: str) -> None:
    root, manifest = groups
    kind = "telegram_json" if layout.startswith("telegram") else "zip"
    gt = truth(root, layout)
    mapped = mapping(run(export_path(root, manifest, layout, kind)), gt)
    table = Counter((m["role"], predicted(mapped.get(m["member_id"], []))) for m in gt["members"])
    by_role = Counter(m["role"] for m in gt["members"])
    recall = table[("offender", "priority_suspect")] / by_role["offender"]
    passive_flagged = table[("passive", "priority_suspect")] / by_role["passive"]
    others_flagged = table[("other", "priority_suspect")] / by_role["other"]
    victims = table[("victim", "possible_victim")] / by_role["victim"]
    print(f"\n{layout}: offender recall {recall:.0%}, passive flagged {passive_flagged:.0%}, "
          f"other flagged {others_flagged:.0%}, victims found {victims:.0%}; {dict(table)}")
    assert recall >= 0.8
    assert passive_flagged == 0
    assert others_flagged <= 0.1
    assert victims >= 0.99


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_planted_indicator_is_found(groups: tuple[Path, dict[str, Any]],
                                         layout: str) -> None:
    root, manifest = groups
    kind = "telegram_json" if layout.startswith("telegram") else "zip"
    gt = truth(root, layout)
    mapped = mapping(run(export_path(root, manifest, layout, kind)), gt)
    figures = {}
    for code in CODES:
        planted = [m for m in gt["members"] if code in m["indicators"]]
        if not planted:
            continue
        hit = sum(1 for m in planted if any(code in {i.code for i in ours.indicators}
                                            for ours in mapped.get(m["member_id"], [])))
        figures[code] = hit / len(planted)
    print(f"\n{layout} indicator recall: " + ", ".join(f"{c} {v:.0%}" for c, v in
                                                     figures.items()))
    floors = FLOORS | (IOS_ES_FLOORS if layout == "whatsapp-ios-es" else {})
    low = {code: value for code, value in figures.items() if value < floors.get(code, 1.0)}
    assert low == {}


def test_evidence_cites_the_planted_lines(groups: tuple[Path, dict[str, Any]]) -> None:
    """WhatsApp positions are lines: a request indicator cites the very line planted."""
    root, manifest = groups
    gt = truth(root, "whatsapp-android-en")
    mapped = mapping(run(export_path(root, manifest, "whatsapp-android-en", "txt")), gt)
    for member in gt["members"]:
        for code in ("requested_media", "posted_group_links", "created_group"):
            planted = set(member["indicators"].get(code, []))
            if not planted:
                continue
            cited = {p for ours in mapped[member["member_id"]] for i in ours.indicators
                     if i.code == code for p in i.evidence}
            assert planted <= cited, (member["member_id"], code)


def test_text_only_export_still_finds_most_offenders(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Without media bytes re-sharers are hard to tell apart: the floor is lower, not zero."""
    root = tmp_path_factory.mktemp("synth-text")
    manifest = write_groups(root, with_media=False)
    gt = truth(root, "whatsapp-android-en")
    mapped = mapping(run(export_path(root, manifest, "whatsapp-android-en", "txt")), gt)
    offenders = [m for m in gt["members"] if m["role"] == "offender"]
    found = sum(1 for m in offenders if predicted(mapped.get(m["member_id"], []))
                == "priority_suspect")
    print(f"\ntext-only whatsapp-android-en: {found}/{len(offenders)} offenders flagged")
    assert found / len(offenders) >= 0.6


def test_pattern_lists_catch_every_planted_request_and_no_chit_chat() -> None:
    from nigehbaan.chats.triage.patterns import default_patterns, languages
    from nigehbaan.synth.chat_phrases import CHIT_CHAT, all_request_phrases

    patterns = default_patterns()
    assert {"en", "ur_roman", "ur", "es"} <= set(languages())
    assert [p for p in all_request_phrases() if not patterns.find(p)] == []
    assert [c for lines in CHIT_CHAT.values() for c in lines if patterns.find(c)] == []
    assert patterns.find("Join: HTTPS://chat.whatsapp.com/AbC123")[0].pattern.kind == "group_link"


def test_named_mentions_address_the_member_and_post_no_number(tmp_path: Path) -> None:
    """A request that mentions a saved contact by name (`@<isolate>Sana<isolate>`, as newer
    exports write it) addresses that member; mentioning an unsaved number by name speaks to
    its owner and does not count as their number posted, while the number typed plainly does."""
    members = members_of(tmp_path, [
        "[13/03/2023, 14:00:00] Sana: hi",
        "[13/03/2023, 14:00:30] +92 300 1111111: salaam",
        "[13/03/2023, 14:00:40] +92 300 2222222: hello",
        f"[13/03/2023, 14:01:00] Kamran: @{FSI}Sana{PDI} send me your pics",
        f"[13/03/2023, 14:02:00] Kamran: @{FSI}+92 300 1111111{PDI} welcome",
        "[13/03/2023, 14:03:00] Kamran: call her on +92 300 2222222",
    ], name="_chat.txt")
    codes = {key: {i.code for i in m.indicators} for key, m in members.items()}
    assert "addressed_by_requests" in codes["name:Sana"]
    assert members["name:Sana"].triage.category == "possible_victim"
    assert "number_posted_by_others" not in codes["tel:+923001111111"]
    assert "number_posted_by_others" in codes["tel:+923002222222"]


def test_a_settings_change_shows_an_admin(tmp_path: Path) -> None:
    """Only admins may change a group's settings or reset its link: a co-admin who does is
    an admin on the record, citing that line; a member who pins a message is not."""
    members = members_of(tmp_path, [
        "13/03/2023, 09:12 - You created group \"Walk\"",
        "13/03/2023, 09:13 - You added Kamran, Sana",
        "13/03/2023, 09:14 - Kamran changed this group's settings to allow only admins to send "
        "messages to this group",
        "13/03/2023, 09:15 - Sana pinned a message",
        "13/03/2023, 09:16 - Kamran reset this group's invite link",
    ])
    admin = [i for i in members["name:Kamran"].indicators if i.code == "admin"]
    assert [i.evidence for i in admin] == [(3, 5)]
    assert "admin" not in {i.code for i in members["name:Sana"].indicators}


def test_a_message_deleted_by_an_admin_names_the_admin(tmp_path: Path) -> None:
    """`This message was deleted by admin ~Bolanle.` is the sender's deleted message, and shows
    that Bolanle, a push name, moderates the group: an admin, citing the line."""
    members = members_of(tmp_path, [
        "13/03/2023, 09:12 - You created group \"Walk\"",
        "13/03/2023, 09:13 - Sana: hello",
        "13/03/2023, 09:14 - ~ Bolanle: welcome",
        "13/03/2023, 09:15 - Sana: This message was deleted by admin ~Bolanle.",
        "13/03/2023, 09:16 - Kamran: This message was deleted by admin Imran Qureshi.",
    ])
    records = list(next(iter(open_chats(tmp_path / "WhatsApp Chat with Walk.txt"))))
    deleted = [(r.sender.key if r.sender else "", r.deleted_by.key, r.text, r.deleted)
               for r in records if isinstance(r, Message) and r.deleted_by is not None]
    assert deleted == [("name:Sana", "name:~Bolanle", "", True),
                       ("name:Kamran", "name:Imran Qureshi", "", True)]
    admin = [i for i in members["name:~Bolanle"].indicators if i.code == "admin"]
    assert [(i.evidence, i.detail) for i in admin] == [
        ((4,), "acted as an admin (1×): deleted a message of Sana")]
    assert members["name:Sana"].tally.messages == 2
    assert not members["name:Imran Qureshi"].person.mention_only


def test_a_changed_number_follows_the_latest_and_announcing_it_posts_no_ones(
        tmp_path: Path) -> None:
    """After `A changed to B` and back to A the person is A, shown and keyed by it; a member
    giving their own new number before the change has not had their number posted by others."""
    members = members_of(tmp_path, [
        "13/03/2023, 09:12 - You created group \"Walk\"",
        "13/03/2023, 09:13 - +92 300 1111111: my new number is +34 612 345 678",
        "13/03/2023, 09:14 - +92 300 1111111 changed to +34 612 345 678",
        "13/03/2023, 09:15 - +34 612 345 678: old one +92 300 1111111 is off",
        "13/03/2023, 09:16 - +34 612 345 678 changed to +92 300 1111111",
    ])
    person = members["tel:+923001111111"]
    assert "tel:+34612345678" not in members
    assert person.person.phone_e164 == "+923001111111" and person.person.country == "PK"
    assert person.person.display_name == "+92 300 1111111" and person.tally.messages == 2
    assert "number_posted_by_others" not in {i.code for i in person.indicators}


def test_the_owners_given_number_wins_over_a_number_they_changed_from(tmp_path: Path) -> None:
    members = members_of(tmp_path, [
        "13/03/2023, 09:12 - You created group \"Walk\"",
        "13/03/2023, 09:13 - +92 300 1111111: hi",
        "13/03/2023, 09:14 - +92 300 1111111 changed to +34 612 345 678",
        "13/03/2023, 09:15 - +34 612 345 678: new phone",
    ], owner_phone="+34 612 345 678")
    owner = members["owner"].person
    assert owner.phone_e164 == "+34612345678" and owner.country == "ES"
    assert members["owner"].tally.messages == 2


def test_a_member_only_mentioned_by_name_is_counted(tmp_path: Path) -> None:
    """`mention_only` sets aside numbers only ever mentioned as digits (probably a contact
    saved by name); a name in a mention is that member, so they count."""
    members = members_of(tmp_path, [
        "13/03/2023, 09:12 - You created group \"Walk\"",
        f"13/03/2023, 09:13 - Kamran: @{FSI}Bilal Shop{PDI} hello",
        "13/03/2023, 09:14 - Kamran: @923009999999 hello",
    ])
    assert not members["name:Bilal Shop"].person.mention_only
    assert members["tel:+923009999999"].person.mention_only


def test_a_long_chain_of_number_changes_ends_on_the_last_number() -> None:
    """A crafted export of thousands of number changes ends on one person keyed by the last
    number (joins are union-find; how long they take is for benchmarks, not this test)."""
    keys = [f"tel:+92300{n:07d}" for n in range(3001)]
    seen = {key: Seen(MemberRef(key, key[4:], key[4:], "PK")) for key in keys}
    identity = resolve(seen, ChatFormat.WHATSAPP, renumbered=list(pairwise(keys)))
    assert set(identity.canonical.values()) == {keys[-1]}
    assert identity.people[keys[-1]].phone_e164 == keys[-1][4:]
