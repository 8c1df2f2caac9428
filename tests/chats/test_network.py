"""Identity resolution and the network figures, on small hand-made records and synth groups."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from nigehbaan.chats.analysis import analyse
from nigehbaan.chats.identity import Seen, resolve
from nigehbaan.chats.model import ChatFormat, EventKind, MemberRef, Message, Record, SystemEvent
from nigehbaan.chats.network import pagerank, positions, recruitment_tree
from nigehbaan.chats.registry import open_chats
from nigehbaan.chats.triage.collector import Edge
from tests.chats.groups import export_path, write_groups

T0 = datetime(2023, 3, 4, 9, 0)


def tg(user: str, name: str) -> MemberRef:
    return MemberRef(f"tg:{user}", name, telegram_id=user)


def named(label: str) -> MemberRef:
    return MemberRef(f"name:{label}", label)


def test_telegram_name_merges_into_the_one_id_posting_under_it() -> None:
    creator, ali = tg("user1", "Sara"), tg("user2", "Ali")
    records: list[Record] = [
        SystemEvent(0, "{}", T0, False, EventKind.CREATED, creator, (named("Ali"),
                                                                      named("Bilal"))),
        Message(1, "{}", T0 + timedelta(minutes=1), False, ali, "hello"),
        Message(2, "{}", T0 + timedelta(minutes=2), False, tg("user3", "Twin"), "a"),
        Message(3, "{}", T0 + timedelta(minutes=3), False, tg("user4", "Twin"), "b"),
        SystemEvent(4, "{}", T0, False, EventKind.ADDED, creator, (named("Twin"),)),
    ]
    result = analyse(records, ChatFormat.TELEGRAM)
    assert result.identity.of("name:Ali") == "tg:user2"
    assert result.identity.of("name:Bilal") == "name:Bilal"
    assert result.identity.of("name:Twin") == "name:Twin"  # two ids: never guess
    ali_result = result.members["tg:user2"]
    assert ali_result.tally.messages == 1
    assert [j.method for j in ali_result.tally.joins] == ["added"]
    assert result.counted_members == 6


def test_owner_is_one_member_and_their_number_joins_them() -> None:
    owner = MemberRef("owner", "You", is_owner=True)
    number = MemberRef("tel:+923001234567", "@923001234567", "+923001234567", "PK")
    friend = MemberRef("tel:+34612345678", "+34 612 34 56 78", "+34612345678", "ES")
    records: list[Record] = [SystemEvent(0, "x", T0, True, EventKind.ADDED, owner, (friend,)),
               Message(1, "x", T0, True, friend, "@923001234567 thanks", mentions=(number,)),
               Message(2, "x", T0, True, MemberRef("owner", "Imran", is_owner=True), "hi")]
    plain = analyse(records, ChatFormat.WHATSAPP)
    assert plain.members["tel:+923001234567"].person.mention_only
    assert plain.counted_members == 2
    known = analyse(records, ChatFormat.WHATSAPP, owner_phone="+92 300 1234567")
    person = known.members["owner"].person
    assert person.phone_e164 == "+923001234567" and person.country == "PK"
    assert set(person.aliases) >= {"@923001234567", "Imran", "You"}
    assert "tel:+923001234567" not in known.members


def test_resolve_keeps_unrelated_keys_apart() -> None:
    seen = {"name:A": Seen(named("A")), "tel:+1": Seen(MemberRef("tel:+1", "+1"))}
    identity = resolve(seen, ChatFormat.WHATSAPP)
    assert identity.canonical == {"name:A": "name:A", "tel:+1": "tel:+1"}


def test_recruitment_tree_and_positions() -> None:
    edges = [Edge("added", "a", "b", 1), Edge("added", "a", "c", 2), Edge("added", "c", "d", 3),
             Edge("added", "b", "d", 4), Edge("mention", "d", "a", 5)]
    tree = recruitment_tree("abcde", edges)
    assert sorted(tree.edges()) == [("a", "b"), ("a", "c"), ("c", "d")]
    from nigehbaan.chats.network import interaction_graph
    graph = interaction_graph("abcde", edges)
    figures = positions(graph)
    assert figures["a"].degree == 3 and figures["e"].degree == 0
    assert abs(sum(pagerank(graph).values()) - 1) < 1e-6
    chain = interaction_graph("xyz", [Edge("mention", "x", "y", 1), Edge("mention", "y", "z", 2)])
    assert positions(chain)["y"].removal_effect == 1


@pytest.mark.parametrize("layout,parsed_more", [("telegram-desktop", True),
                                                ("whatsapp-android-en", True)])
def test_synth_groups_count_people_not_labels(tmp_path: Path, layout: str,
                                              parsed_more: bool) -> None:
    manifest = write_groups(tmp_path, with_media=False)
    kind = "telegram_json" if layout.startswith("telegram") else "txt"
    stream = next(iter(open_chats(export_path(tmp_path, manifest, layout, kind))))
    result = analyse(stream, stream.header.format)
    parsed = stream.report().members
    print(f"\n{layout}: {parsed} keys parsed, {result.counted_members} members after "
          f"resolution (truth {manifest['members']})")
    assert (parsed > result.counted_members) is parsed_more
    assert abs(result.counted_members - manifest["members"]) <= 0.1 * manifest["members"]
