"""Identity resolution and the network figures: hand-made records, synth groups, and seeded
random graphs whose figures are checked against networkx and a node-by-node reference."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from nigehbaan.chats import graph_arrays
from nigehbaan.chats.analysis import analyse
from nigehbaan.chats.identity import Seen, resolve
from nigehbaan.chats.model import ChatFormat, EventKind, MemberRef, Message, Record, SystemEvent
from nigehbaan.chats.network import (
    BETWEENNESS_SAMPLE,
    REMOVAL_CANDIDATES,
    positions,
    recruitment_tree,
)
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


def weighted(edges: nx.Graph, seed: int, isolated: int = 0, loops: int = 0) -> nx.DiGraph:
    """A directed, weighted copy with string labels in shuffled order, so index order, label
    order and networkx's node order all differ."""
    rng = random.Random(seed)
    labels = {node: f"m{rng.randrange(10**6):06d}-{node}" for node in edges}
    order = list(edges) + [f"lone{i}" for i in range(isolated)]
    rng.shuffle(order)
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(labels.get(node, node) for node in order)
    pairs = list(edges.edges()) + [(node, node) for node in rng.sample(list(edges), loops)]
    for u, v in pairs:
        source, target = (u, v) if edges.is_directed() or rng.random() < 0.5 else (v, u)
        graph.add_edge(labels[source], labels[target], weight=rng.randint(1, 9))
        if rng.random() < 0.2:
            graph.add_edge(labels[target], labels[source], weight=rng.randint(1, 9))
    return graph


CASES: dict[str, Callable[[], nx.DiGraph]] = {
    "sparse, disconnected": lambda: weighted(nx.gnm_random_graph(120, 110, seed=1), 1, 5, 3),
    "dense": lambda: weighted(nx.gnm_random_graph(60, 600, seed=2, directed=True), 2),
    "tree and strangers": lambda: weighted(nx.random_labeled_tree(90, seed=3), 3, 2),
    "two halves": lambda: weighted(nx.disjoint_union(nx.gnm_random_graph(40, 80, seed=4),
                                                     nx.gnm_random_graph(30, 45, seed=5)), 4),
    "large sparse": lambda: weighted(nx.gnm_random_graph(400, 420, seed=6), 6, 20, 5),
    "single node": lambda: weighted(nx.empty_graph(1), 7),
    "single node, self loop": lambda: weighted(nx.empty_graph(1), 7, loops=1),
    "two nodes": lambda: weighted(nx.path_graph(2), 8),
    "two strangers": lambda: weighted(nx.empty_graph(2), 8),
    "star": lambda: weighted(nx.star_graph(12), 9),
    "path": lambda: weighted(nx.path_graph(15), 10, loops=2),
    "cycle": lambda: weighted(nx.cycle_graph(9), 11),
    "no edges": lambda: weighted(nx.empty_graph(6), 12, 3),
}


def simple(graph: nx.DiGraph) -> nx.Graph:
    plain = nx.Graph(graph.to_undirected())
    plain.remove_edges_from(nx.selfloop_edges(plain))
    return plain


def arrays_of(graph: nx.DiGraph) -> graph_arrays.Undirected:
    return graph_arrays.undirected(graph, graph_arrays.node_index(graph))


def in_order(figures: dict[str, float], graph: nx.Graph) -> list[float]:
    return [figures[node] for node in graph]


def pagerank(graph: nx.DiGraph, damping: float = 0.85, rounds: int = 100) -> dict[str, float]:
    """Our array PageRank (`graph_arrays.pagerank`, what `positions` uses) by node."""
    index = graph_arrays.node_index(graph)
    rank = graph_arrays.pagerank(graph_arrays.directed(graph, index), damping, rounds)
    return dict(zip(index, rank.tolist(), strict=True))


def reference_pagerank(graph: nx.DiGraph, damping: float = 0.85, rounds: int = 100,
                       tolerance: float = 1e-10) -> dict[str, float]:
    """The node-by-node power iteration positions() used before it moved to numpy."""
    nodes = list(graph)
    n = len(nodes)
    out = {node: sum(d["weight"] for _, _, d in graph.out_edges(node, data=True))
           for node in nodes}
    rank = dict.fromkeys(nodes, 1 / n)
    for _ in range(rounds):
        dangling = damping * sum(rank[node] for node in nodes if not out[node]) / n
        fresh = dict.fromkeys(nodes, (1 - damping) / n + dangling)
        for source, target, data in graph.edges(data=True):
            fresh[target] += damping * rank[source] * data["weight"] / out[source]
        change = sum(abs(fresh[node] - rank[node]) for node in nodes)
        rank = fresh
        if change < tolerance * n:
            break
    return rank


def reference_removal(plain: nx.Graph, rank: dict[str, float]) -> dict[str, int]:
    """Remove each of the most central cut vertices in turn and measure what is left."""
    if plain.number_of_edges() == 0:
        return {}
    main = max(len(c) for c in nx.connected_components(plain))
    cut = sorted(nx.articulation_points(plain), key=lambda node: (-rank[node], node))
    effect = {}
    for node in cut[:REMOVAL_CANDIDATES]:
        rest = plain.copy()
        rest.remove_node(node)
        largest = max((len(c) for c in nx.connected_components(rest)), default=0)
        effect[node] = max(0, main - 1 - largest)
    return effect


@pytest.mark.parametrize("case", sorted(CASES))
def test_exact_betweenness_matches_networkx(case: str) -> None:
    graph = CASES[case]()
    plain = simple(graph)
    expected = in_order(nx.betweenness_centrality(plain), plain)
    ours = graph_arrays.betweenness(arrays_of(graph))
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(graph_arrays.betweenness(arrays_of(graph), k=len(plain)),
                               expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("case", [c for c in sorted(CASES) if c not in
                                  ("single node", "single node, self loop", "two strangers",
                                   "two nodes")])
@pytest.mark.parametrize("share", [0.05, 0.3, 0.9])
def test_sampled_betweenness_matches_networkx(case: str, share: float) -> None:
    graph = CASES[case]()
    plain = simple(graph)
    k = max(1, min(len(plain) - 1, round(share * len(plain))))
    expected = in_order(nx.betweenness_centrality(plain, k=k, seed=0), plain)
    ours = graph_arrays.betweenness(arrays_of(graph), k=k, seed=0)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)


def test_sample_follows_the_graph_node_order() -> None:
    graph = CASES["large sparse"]()
    reordered: nx.DiGraph = nx.DiGraph()
    reordered.add_nodes_from(sorted(graph))
    reordered.add_edges_from(graph.edges(data=True))
    by_node = {}
    for version in (graph, reordered):
        plain = simple(version)
        expected = nx.betweenness_centrality(plain, k=20, seed=0)
        ours = graph_arrays.betweenness(arrays_of(version), k=20, seed=0)
        np.testing.assert_allclose(ours, in_order(expected, plain), rtol=0, atol=1e-12)
        by_node[version is graph] = dict(zip(version, ours.tolist(), strict=True))
    assert by_node[True] != by_node[False]
    other_seed = graph_arrays.betweenness(arrays_of(graph), k=20, seed=1)
    assert not np.allclose(other_seed, list(by_node[True].values()))


def test_one_sampled_source_gives_networkx_nan_for_it() -> None:
    graph = CASES["star"]()
    plain = simple(graph)
    expected = in_order(nx.betweenness_centrality(plain, k=1, seed=0), plain)
    ours = graph_arrays.betweenness(arrays_of(graph), k=1, seed=0)
    assert int(np.isnan(ours).sum()) == 1
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)


def test_sources_split_into_batches_sum_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = CASES["two halves"]()
    whole = graph_arrays.betweenness(arrays_of(graph))
    monkeypatch.setattr(graph_arrays, "SOURCE_BATCH", 7)
    np.testing.assert_allclose(graph_arrays.betweenness(arrays_of(graph)), whole, rtol=0,
                               atol=1e-12)
    assert whole.max() > 0


def test_sample_larger_than_the_group_is_refused() -> None:
    """As networkx refuses it (its `random.sample` is ours too): a clamped sample would quietly
    give other figures than networkx for the same arguments."""
    with pytest.raises(ValueError, match="Sample larger than population"):
        graph_arrays.betweenness(arrays_of(CASES["star"]()), k=40)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("damping,rounds", [(0.85, 100), (0.5, 3), (0.99, 1000)])
def test_pagerank_matches_the_node_by_node_iteration(case: str, damping: float,
                                                     rounds: int) -> None:
    graph = CASES[case]()
    expected = reference_pagerank(graph, damping, rounds)
    ours = pagerank(graph, damping, rounds)
    assert list(ours) == list(expected)
    np.testing.assert_allclose(list(ours.values()), list(expected.values()), rtol=1e-12,
                               atol=0)
    assert abs(sum(ours.values()) - 1) < 1e-9


@pytest.mark.parametrize("case", sorted(CASES))
def test_positions_match_networkx_figures(case: str) -> None:
    graph = CASES[case]()
    plain = simple(graph)
    rank = reference_pagerank(graph)
    k = BETWEENNESS_SAMPLE if len(plain) > BETWEENNESS_SAMPLE else None
    between = nx.betweenness_centrality(plain, k=k, seed=0)
    cores = nx.core_number(plain)
    effect = reference_removal(plain, rank)
    figures = positions(graph)
    assert list(figures) == list(graph)
    for node, position in figures.items():
        assert position.pagerank == pytest.approx(rank[node], rel=1e-12)
        assert position.betweenness == pytest.approx(between[node], rel=0, abs=1e-12)
        assert (position.core, position.degree) == (cores[node], plain.degree(node))
        assert position.removal_effect == effect.get(node, 0)
        assert type(position.core) is int and type(position.pagerank) is float


@pytest.mark.parametrize("graph", [
    nx.path_graph(3000), nx.gnm_random_graph(500, 4000, seed=3),
    nx.barabasi_albert_graph(800, 4, seed=3), nx.complete_graph(30),
    nx.disjoint_union(nx.star_graph(20), nx.empty_graph(5)), nx.empty_graph(0),
], ids=["path", "random", "scale-free", "complete", "star-and-isolated", "empty"])
def test_core_numbers_match_networkx(graph: nx.Graph) -> None:
    """The bucket algorithm that replaced the peel (4.2 s on a chain of 50,000 senders) gives
    networkx's numbers on every shape, a chain included. Correctness only: its speed is
    measured, not asserted."""
    ours = graph_arrays.core_numbers(arrays_of(nx.DiGraph(graph))).tolist()
    assert ours == [nx.core_number(graph)[node] for node in graph]


def test_removal_effect_is_measured_for_the_most_central_cut_vertices_only() -> None:
    graph = CASES["large sparse"]()
    plain = simple(graph)
    assert len(list(nx.articulation_points(plain))) > REMOVAL_CANDIDATES
    effect = reference_removal(plain, reference_pagerank(graph))
    figures = positions(graph)
    measured = {node for node, p in figures.items() if p.removal_effect}
    assert measured == {node for node, cut in effect.items() if cut}
    assert max(p.removal_effect for p in figures.values()) > 1


def test_empty_graph_has_no_positions() -> None:
    assert positions(nx.DiGraph()) == {}
