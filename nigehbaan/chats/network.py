"""The group as networks: who recruited whom, and who talks to, answers or re-shares whom.

Two graphs over resolved members: the recruitment tree (`added` and `invited` edges, the first
join of each member) and the interaction network (every edge kind, weighted by count). networkx
builds and exports the graphs; the position figures are computed with numpy over an integer copy
of the interaction network (`graph_arrays`), because networkx walks nodes in Python and took a
quarter of a second on a 1,600-member group whose whole triage has about that much (its own
vectorised versions need scipy, which we do not ship). Betweenness is sampled because exact
betweenness is quadratic: the sources are the ones networkx would draw with the same fixed seed,
so the same group gives the same figures as networkx would. Removal effect is reported only for
the members likely to matter (the most central cut vertices), all measured in one search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from nigehbaan.chats import graph_arrays as arrays
from nigehbaan.chats.triage.collector import Edge

BETWEENNESS_SAMPLE = 64
REMOVAL_CANDIDATES = 40
INTERACTION_KINDS = ("mention", "reply", "reshared", "number_posted", "added", "invited",
                     "removed", "deleted_message")


@dataclass(frozen=True, slots=True)
class Position:
    pagerank: float
    betweenness: float
    core: int
    removal_effect: int
    degree: int


def interaction_graph(members: Iterable[str], edges: Iterable[Edge]) -> nx.DiGraph:
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(members)
    weights: Counter[tuple[str, str]] = Counter()
    kinds: dict[tuple[str, str], set[str]] = {}
    for edge in edges:
        if edge.kind in INTERACTION_KINDS and edge.source != edge.target:
            pair = (edge.source, edge.target)
            weights[pair] += 1
            kinds.setdefault(pair, set()).add(edge.kind)
    for (source, target), weight in weights.items():
        graph.add_edge(source, target, weight=weight, kinds=",".join(sorted(kinds[(source,
                                                                                    target)])))
    return graph


def recruitment_tree(members: Iterable[str], edges: Iterable[Edge]) -> nx.DiGraph:
    """Each member's first recruiter: a forest whose roots joined by themselves."""
    tree: nx.DiGraph = nx.DiGraph()
    tree.add_nodes_from(members)
    recruited: set[str] = set()
    for edge in sorted((e for e in edges if e.kind in ("added", "invited")),
                       key=lambda e: e.position):
        if edge.target not in recruited and edge.source != edge.target:
            recruited.add(edge.target)
            tree.add_edge(edge.source, edge.target, position=edge.position)
    return tree


def positions(graph: nx.DiGraph) -> dict[str, Position]:
    if graph.number_of_nodes() == 0:
        return {}
    nodes = list(graph)
    index = arrays.node_index(graph)
    ranks = arrays.pagerank(arrays.directed(graph, index))
    plain = arrays.undirected(graph, index)
    sample = min(plain.n, BETWEENNESS_SAMPLE)
    between = arrays.betweenness(plain, k=sample if sample < plain.n else None, seed=0).tolist()
    cores = arrays.core_numbers(plain).tolist()
    effect = _removal_effect(arrays.cuts(plain), ranks, nodes)
    degree = plain.degree.tolist()
    rank = ranks.tolist()
    return {node: Position(rank[i], between[i], cores[i], effect.get(i, 0), degree[i])
            for i, node in enumerate(nodes)}


def _removal_effect(cuts: arrays.Cuts, rank: arrays.Floats, nodes: list[str]
                    ) -> dict[int, int]:
    """How many members lose their path to the main component when this one is taken out.

    Only a cut vertex can cut anyone off, so only the most central of those are reported.
    """
    measured = sorted(cuts.without, key=lambda i: (-rank[i], nodes[i]))[:REMOVAL_CANDIDATES]
    return {i: max(0, cuts.largest - 1 - cuts.without[i]) for i in measured}
