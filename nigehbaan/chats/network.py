"""The group as networks: who recruited whom, and who talks to, answers or re-shares whom.

Two graphs over resolved members: the recruitment tree (`added` and `invited` edges, the first
join of each member) and the interaction network (every edge kind, weighted by count). Position
figures come from the interaction network with networkx. Betweenness is sampled (a fixed seed,
so the same group gives the same figures) because exact betweenness is quadratic and a group of
1,600 members must triage in seconds; removal effect is computed only for the members likely to
matter (top PageRank and articulation points), each costing one connected-components pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from nigehbaan.chats.triage.collector import Edge

BETWEENNESS_SAMPLE = 64
REMOVAL_CANDIDATES = 40
INTERACTION_KINDS = ("mention", "reply", "reshared", "number_posted", "added", "invited",
                     "removed")


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
    rank = pagerank(graph)
    plain = nx.Graph(graph.to_undirected())
    plain.remove_edges_from(nx.selfloop_edges(plain))
    n = plain.number_of_nodes()
    sample = min(n, BETWEENNESS_SAMPLE)
    between = nx.betweenness_centrality(plain, k=sample if sample < n else None, seed=0)
    cores = nx.core_number(plain)
    effect = _removal_effect(plain, rank)
    return {node: Position(rank[node], between[node], cores[node], effect.get(node, 0),
                           plain.degree(node)) for node in graph}


def pagerank(graph: nx.DiGraph, damping: float = 0.85, rounds: int = 100,
             tolerance: float = 1e-10) -> dict[str, float]:
    """Weighted PageRank by power iteration: networkx's own needs scipy, which we do not ship
    for one function; a few dozen rounds over a few thousand nodes take milliseconds."""
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


def _removal_effect(plain: nx.Graph, rank: dict[str, float]) -> dict[str, int]:
    """How many members lose their path to the main component when this one is taken out.

    Only an articulation point can cut anyone off, so only those are measured (the most
    central first), each by one breadth-first search over plain adjacency sets.
    """
    if plain.number_of_edges() == 0:
        return {}
    adjacency = {node: set(plain.adj[node]) for node in plain}
    main = len(max(nx.connected_components(plain), key=len))
    cut = sorted(nx.articulation_points(plain), key=lambda node: (-rank[node], node))
    return {node: max(0, main - 1 - _largest_without(adjacency, node))
            for node in cut[:REMOVAL_CANDIDATES]}


def _largest_without(adjacency: dict[str, set[str]], removed: str) -> int:
    seen = {removed}
    largest = 0
    for start in adjacency:
        if start in seen:
            continue
        seen.add(start)
        frontier, size = [start], 1
        while frontier:
            node = frontier.pop()
            for neighbour in adjacency[node]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    frontier.append(neighbour)
                    size += 1
        largest = max(largest, size)
    return largest
