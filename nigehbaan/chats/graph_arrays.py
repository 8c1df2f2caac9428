"""The interaction network as integer arrays, and the position figures computed over them.

Members become indices in the graph's own node order, so a sample drawn by position picks the
same members networkx would. Each figure then works on whole arrays at once: a breadth-first
search advances every sampled source one level per step, PageRank moves all rank along all
edges per round. Cut vertices need a depth-first search, which is sequential, so that one pass
stays in Python but measures every cut vertex's removal at once.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
States = npt.NDArray[np.signedinteger[Any]]
SOURCE_BATCH = 256


@dataclass(frozen=True, slots=True)
class Undirected:
    """The simple undirected graph (no self loops, no repeated pairs) in CSR form."""

    n: int
    indptr: Ints
    indices: Ints

    @property
    def degree(self) -> Ints:
        return np.diff(self.indptr)


@dataclass(frozen=True, slots=True)
class Directed:
    """Every weighted edge once, self loops included, as PageRank walks them."""

    n: int
    sources: Ints
    targets: Ints
    weights: Floats


def node_index(graph: nx.Graph) -> dict[str, int]:
    return {node: i for i, node in enumerate(graph)}


def undirected(graph: nx.Graph, index: dict[str, int]) -> Undirected:
    n = len(index)
    pairs = np.array([(index[u], index[v]) for u, v in graph.edges()], dtype=np.int64)
    pairs = pairs.reshape(-1, 2)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    both = np.concatenate([pairs, pairs[:, ::-1]])
    keys = np.unique(both[:, 0] * n + both[:, 1])
    tails, heads = np.divmod(keys, n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(tails, minlength=n))
    return Undirected(n, indptr, heads)


def directed(graph: nx.DiGraph, index: dict[str, int]) -> Directed:
    ends = np.array([(index[u], index[v]) for u, v in graph.edges()], dtype=np.int64)
    ends = ends.reshape(-1, 2)
    weights = np.array([weight for _, _, weight in graph.edges(data="weight")], dtype=np.float64)
    return Directed(len(index), ends[:, 0], ends[:, 1], weights)


def pagerank(g: Directed, damping: float = 0.85, rounds: int = 100, tolerance: float = 1e-10
             ) -> Floats:
    """Rank held by members who point nowhere is spread over everyone, so it is not lost."""
    n = g.n
    out = np.bincount(g.sources, weights=g.weights, minlength=n)
    dangling_nodes = out == 0
    rank = np.full(n, 1 / n)
    for _ in range(rounds):
        dangling = damping * float(rank[dangling_nodes].sum()) / n
        moved = damping * rank[g.sources] * g.weights / out[g.sources]
        fresh = np.bincount(g.targets, weights=moved, minlength=n) + ((1 - damping) / n + dangling)
        change = float(np.abs(fresh - rank).sum())
        rank = fresh
        if change < tolerance * n:
            break
    return rank


def sample_sources(n: int, k: int | None, seed: int) -> Ints | None:
    """networkx's pivots for `betweenness_centrality(G, k, seed=seed)`, or None when it is exact.

    `random.sample` chooses by position alone, so sampling indices picks the members networkx
    picks from its node list.
    """
    if k is None or k == n:
        return None
    return np.array(random.Random(seed).sample(range(n), k), dtype=np.int64)


def betweenness(g: Undirected, k: int | None = None, seed: int = 0) -> Floats:
    """Normalised betweenness without endpoints, sampled and scaled exactly as networkx does."""
    pivots = sample_sources(g.n, k, seed)
    sources = np.arange(g.n, dtype=np.int64) if pivots is None else pivots
    raw = np.zeros(g.n)
    for start in range(0, len(sources), SOURCE_BATCH):
        raw += _dependencies(g, sources[start:start + SOURCE_BATCH])
    return raw * _scale(g.n, pivots)


def _scale(n: int, pivots: Ints | None) -> Floats:
    """Divide by the (source, target) pairs a member could lie between; with sampled sources a
    source cannot lie on its own paths, so it has one source fewer to be counted over."""
    pairs = n - 1
    if pairs < 2:
        return np.ones(n)
    if pivots is None:
        return np.full(n, 1 / (pairs * (pairs - 1)))
    k = len(pivots)
    scale = np.full(n, 1 / (k * (pairs - 1)))
    scale[pivots] = 1 / ((k - 1) * (pairs - 1)) if k > 1 else math.nan
    return scale


def _dependencies(g: Undirected, sources: Ints) -> Floats:
    """Brandes' dependency sums over these sources, every source's search in one flat array.

    State `s * n + v` is member v as seen from the s-th source. 32-bit states halve the memory
    traffic, which is most of the cost.
    """
    n = g.n
    kind = np.int32 if len(sources) * n < 2**31 else np.int64
    roots = np.arange(len(sources), dtype=kind) * n + sources.astype(kind)
    paths, levels = _count_paths(g.indptr.astype(kind), g.indices.astype(kind), roots,
                                 sources.astype(kind), len(sources) * n)
    delta = np.zeros(len(sources) * n)
    for parents, children in reversed(levels):
        np.add.at(delta, parents, paths[parents] / paths[children] * (1 + delta[children]))
    delta[roots] = 0.0
    totals: Floats = delta.reshape(len(sources), n).sum(axis=0)
    return totals


def _count_paths(indptr: States, indices: States, roots: States, members: States, size: int
                 ) -> tuple[Floats, list[tuple[States, States]]]:
    """Shortest-path counts of every state, and each level's shortest-path edges.

    All searches advance one level per step; a state first reached at this level is reached
    only along edges from the level before, so those edges are exactly its predecessors.
    """
    seen = np.zeros(size, dtype=bool)
    seen[roots] = True
    paths = np.zeros(size)
    paths[roots] = 1.0
    last = np.zeros(size, dtype=roots.dtype)
    levels: list[tuple[States, States]] = []
    frontier = roots
    while frontier.size:
        parents, children, reached = _expand(indptr, indices, frontier, members)
        fresh = ~seen[children]
        parents, children, reached = parents[fresh], children[fresh], reached[fresh]
        np.add.at(paths, children, paths[parents])
        seen[children] = True
        levels.append((parents, children))
        kept = _first_each(children, last)
        frontier, members = children[kept], reached[kept]
    return paths, levels


def _first_each(states: States, last: States) -> npt.NDArray[np.bool_]:
    """Marks each state once, in linear time: where it was last written."""
    positions = np.arange(len(states), dtype=states.dtype)
    last[states] = positions
    kept: npt.NDArray[np.bool_] = last[states] == positions
    return kept


def _expand(indptr: States, indices: States, frontier: States, members: States
            ) -> tuple[States, States, States]:
    """Every edge leaving the frontier: its state, the neighbour's state, the neighbour."""
    counts = indptr[members + 1] - indptr[members]
    ends = np.cumsum(counts, dtype=counts.dtype)
    slots = np.repeat(indptr[members] - (ends - counts), counts)
    slots += np.arange(len(slots), dtype=slots.dtype)
    neighbours = indices[slots]
    children = np.repeat(frontier - members, counts)
    children += neighbours
    return np.repeat(frontier, counts), children, neighbours


def core_numbers(g: Undirected) -> Ints:
    """k-core numbers by Batagelj and Zaversnik's bucket order: O(members + edges).

    Peeling every member at the current bound at once in numpy costs a pass over all edges
    per round, and a chain needs a round per link: 4.2 s for a path of 50,000 senders (this
    takes 0.03 s, networkx 0.13 s). Members sit in `order` sorted by their remaining degree,
    `first[d]` where degree `d` starts; taking the lowest member fixes its core, and each
    neighbour with a higher degree moves down one bucket by a swap.
    """
    degree = g.degree.tolist()
    indptr, indices = g.indptr.tolist(), g.indices.tolist()
    counts = [0] * (max(degree, default=0) + 1)
    for d in degree:
        counts[d] += 1
    first, start = [0] * len(counts), 0
    for d, count in enumerate(counts):
        first[d], start = start, start + count
    order = sorted(range(g.n), key=degree.__getitem__)
    place = [0] * g.n
    for at, member in enumerate(order):
        place[member] = at
    for at in range(g.n):  # swaps land in later buckets: `order` changes after `at` only
        member = order[at]
        own = degree[member]
        for other in indices[indptr[member] : indptr[member + 1]]:
            d = degree[other]
            if d > own:
                moved_to = first[d]
                swapped = order[moved_to]
                if swapped != other:
                    order[place[other]], order[moved_to] = swapped, other
                    place[swapped], place[other] = place[other], moved_to
                first[d] += 1
                degree[other] = d - 1
    return np.array(degree, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Cuts:
    """The largest component, and for each cut vertex the largest component left without it."""

    largest: int
    without: dict[int, int]


def cuts(g: Undirected) -> Cuts:
    """One depth-first search finds every cut vertex and the pieces its removal breaks off.

    A child subtree whose low point cannot climb above the vertex falls away when the vertex
    goes; what remains of the component is everything else but the vertex itself.
    """
    neighbours = g.indices.tolist()
    bounds = g.indptr.tolist()
    adjacency = [neighbours[bounds[v]:bounds[v + 1]] for v in range(g.n)]
    order = [-1] * g.n
    components: list[int] = []
    pieces: dict[int, tuple[int, list[int]]] = {}
    for root in range(g.n):
        if order[root] < 0:
            size = _search(adjacency, root, order, len(components), pieces)
            components.append(size)
    return Cuts(max(components, default=0), _largest_without(components, pieces))


def _search(adjacency: list[list[int]], root: int, order: list[int], component: int,
            pieces: dict[int, tuple[int, list[int]]]) -> int:
    """Tarjan's low points over root's component; records the pieces each vertex cuts off."""
    clock = 0
    order[root] = clock
    low = {root: clock}
    size = {root: 1}
    parent = {root: -1}
    stack = [(root, iter(adjacency[root]))]
    while stack:
        vertex, rest = stack[-1]
        for neighbour in rest:
            if order[neighbour] < 0:
                clock += 1
                order[neighbour] = low[neighbour] = clock
                size[neighbour] = 1
                parent[neighbour] = vertex
                stack.append((neighbour, iter(adjacency[neighbour])))
                break
            if neighbour != parent[vertex]:
                low[vertex] = min(low[vertex], order[neighbour])
        else:
            stack.pop()
            above = parent[vertex]
            if above >= 0:
                low[above] = min(low[above], low[vertex])
                size[above] += size[vertex]
                if low[vertex] >= order[above]:
                    pieces.setdefault(above, (component, []))[1].append(size[vertex])
    root_pieces = pieces.get(root)
    if root_pieces is not None and len(root_pieces[1]) < 2:
        del pieces[root]
    return size[root]


def _largest_without(components: list[int], pieces: dict[int, tuple[int, list[int]]]
                     ) -> dict[int, int]:
    ranked = sorted(range(len(components)), key=lambda c: -components[c])
    without: dict[int, int] = {}
    for vertex, (component, cut_off) in pieces.items():
        others = next((components[c] for c in ranked[:2] if c != component), 0)
        rest = components[component] - 1 - sum(cut_off)
        without[vertex] = max(others, max(cut_off), rest)
    return without
