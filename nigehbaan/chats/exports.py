"""Exports of a triaged group: members as CSV, the network as GraphML or GEXF for Gephi, and the
two pictures of the console as plotly figure JSON.

Graphs are rebuilt from the stored edges so an export always shows what the database holds.
Layouts use a fixed seed: the same group draws the same picture every time, which matters when
an analyst refers to "the cluster on the left" in a note.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import cache
from typing import Any

import networkx as nx
import plotly.io as pio
from sqlalchemy import select
from sqlalchemy.orm import Session

from nigehbaan.chats.models import ChatEdge
from nigehbaan.chats.triage.rules import ADVICE_ORDER
from nigehbaan.chats.views import MemberView

COLOURS = {"priority_suspect": "#b3261e", "possible_victim": "#1f6fb2",
           "passive": "#9aa0a6", "undetermined": "#e0a100"}
CSV_FIELDS = ("member_id", "display_name", "aliases", "phone_e164", "country", "telegram_id",
              "messages", "media", "known_matches", "added_count", "pagerank", "betweenness",
              "core", "removal_effect", "indicators", "triage", "triage_rule", "decision",
              "decision_reason")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: str) -> str:
    """A name from the seized chat, made inert in a spreadsheet: its members chose their names,
    and `=HYPERLINK(…)` or a DDE call in one would run when an analyst opens the CSV. A leading
    apostrophe is the spreadsheets' own "this is text" mark (OWASP, CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def members_csv(views: Iterable[MemberView]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for m in views:
        names = [as_text_cell(name) for name in m.display_names]
        writer.writerow({
            "member_id": m.member_id, "display_name": names[0] if names else "",
            "aliases": "; ".join(names[1:]), "phone_e164": m.phone_e164 or "",
            "country": m.country, "telegram_id": as_text_cell(m.telegram_id or ""),
            "messages": m.messages,
            "media": m.media, "known_matches": m.known_matches, "added_count": m.added_count,
            "pagerank": f"{m.pagerank:.6f}", "betweenness": f"{m.betweenness:.6f}",
            "core": m.core, "removal_effect": m.removal_effect,
            "indicators": ";".join(sorted({i.code for i in m.indicators})),
            "triage": m.triage, "triage_rule": m.triage_rule,
            "decision": m.decision.category if m.decision else "",
            "decision_reason": as_text_cell(m.decision.reason) if m.decision else ""})
    return out.getvalue()


def graph(session: Session, group_id: int, views: list[MemberView],
          kinds: tuple[str, ...] | None = None) -> nx.DiGraph:
    g: nx.DiGraph = nx.DiGraph()
    for m in views:
        g.add_node(m.member_id, label=m.display_names[0] if m.display_names else m.key,
                   country=m.country, triage=m.triage, messages=m.messages, media=m.media,
                   pagerank=m.pagerank)
    query = select(ChatEdge.kind, ChatEdge.source_id, ChatEdge.target_id, ChatEdge.position
                   ).where(ChatEdge.group_id == group_id).order_by(ChatEdge.position)
    for kind, source, target, position in session.execute(query):
        if (kinds is not None and kind not in kinds) or source not in g or target not in g:
            continue
        if g.has_edge(source, target):
            data = g.edges[source, target]
            data["weight"] += 1
            if kind not in data["kinds"].split(","):
                data["kinds"] += f",{kind}"
        else:
            g.add_edge(source, target, weight=1, kinds=kind, first_position=position)
    return g


def graphml(g: nx.DiGraph) -> str:
    return "\n".join(nx.generate_graphml(g))


def gexf(g: nx.DiGraph) -> str:
    return "\n".join(nx.generate_gexf(g))


def recruitment(g: nx.DiGraph) -> nx.DiGraph:
    """Each member's first recruiter only, so the picture is a forest."""
    tree: nx.DiGraph = nx.DiGraph()
    tree.add_nodes_from(g.nodes(data=True))
    for source, target, _ in sorted(g.edges(data=True), key=lambda e: e[2]["first_position"]):
        if tree.in_degree(target) == 0 and source != target:
            tree.add_edge(source, target)
    return tree


def _tree_layout(tree: nx.DiGraph) -> dict[Any, tuple[float, float]]:
    """Leaves side by side in depth-first order, each recruiter above the middle of its
    recruits. Walked with an explicit stack: a crafted export can chain thousands of adds,
    deeper than Python's recursion allows."""
    roots = [n for n in tree if tree.in_degree(n) == 0 and tree.out_degree(n) > 0]
    placed: dict[Any, tuple[float, float]] = {}
    stack: list[tuple[Any, int, list[Any], list[float]]] = []
    column = 0

    def enter(node: Any, depth: int) -> float | None:
        """Places a leaf and gives its x; opens a frame for a node with recruits."""
        nonlocal column
        children = [c for c in tree.successors(node) if c not in placed]
        if children:
            placed[node] = (0.0, 0.0)
            stack.append((node, depth, children, []))
            return None
        placed[node] = (float(column), -float(depth))
        column += 1
        return float(column - 1)

    for root in sorted(roots, key=str):
        enter(root, 0)
        while stack:
            node, depth, children, xs = stack[-1]
            if len(xs) < len(children):
                x = enter(children[len(xs)], depth + 1)
                if x is not None:
                    xs.append(x)
                continue
            stack.pop()
            placed[node] = (sum(xs) / len(xs), -float(depth))
            if stack:
                stack[-1][3].append(placed[node][0])
    return placed


@cache
def _template() -> dict[str, Any]:
    """plotly's white template, as the statistics charts use, read once."""
    template: dict[str, Any] = pio.templates["plotly_white"].to_plotly_json()
    return template


def figure(g: nx.DiGraph, positions: dict[Any, tuple[float, float]], title: str
           ) -> dict[str, Any]:
    """The picture as plotly.js reads it. Built as plain data: plotly's graph objects check
    every value again, a third of a large group page's time."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for source, target in g.edges():
        if source in positions and target in positions:
            xs += [positions[source][0], positions[target][0], None]
            ys += [positions[source][1], positions[target][1], None]
    data = g.nodes
    traces: list[dict[str, Any]] = [{
        "type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip",
        "showlegend": False, "line": {"width": 0.6, "color": "#bbb"}}]
    placed = [n for n in g if n in positions]
    found = {str(data[n]["triage"]) for n in placed}
    for category in [*(c for c in COLOURS if c in found), *sorted(found - set(COLOURS))]:
        nodes = [n for n in placed if data[n]["triage"] == category]
        traces.append({
            "type": "scatter", "mode": "markers", "name": category.replace("_", " "),
            "x": [positions[n][0] for n in nodes], "y": [positions[n][1] for n in nodes],
            "customdata": nodes, "hoverinfo": "text",
            "text": [f"{data[n]['label']} · {data[n]['triage']} · {data[n]['country']}"
                     for n in nodes],
            "marker": {"size": [6 + 40 * data[n]["pagerank"] ** 0.5 for n in nodes],
                       "color": COLOURS.get(category, "#666")}})
    return {"data": traces, "layout": {
        "template": _template(), "title": {"text": title}, "height": 520,
        "legend": {"orientation": "h", "y": -0.02}, "xaxis": {"visible": False},
        "yaxis": {"visible": False}, "margin": {"l": 10, "r": 10, "t": 60, "b": 10}}}


DRAWN_LIMIT = 400
"""Most members the interaction picture lays out. A force layout costs the square of the
members (and networkx's own needs scipy, which we do not ship, from 500 on); a picture of
thousands is unreadable anyway, and the GraphML and GEXF exports hold everyone for Gephi."""


def drawn(g: nx.DiGraph, limit: int = DRAWN_LIMIT) -> tuple[nx.DiGraph, str]:
    """The members the interaction picture shows, and its title: everyone in a group of up to
    `limit`; in a larger one the flagged members first (suspects, possible victims, then
    undetermined), then the rest, each by centrality, so a picture that must leave members out
    never leaves out the ones triage points at before the passive."""
    if len(g) <= limit:
        return g, "Interaction network"
    data = g.nodes
    ranked = sorted(g, key=lambda n: (ADVICE_ORDER.get(str(data[n]["triage"]), 9),
                                      -data[n]["pagerank"], str(n)))
    title = (f"Interaction network<br><sup>{limit:,} of the {len(g):,} in the network, flagged "
             "first, then the most central; the GraphML export holds everyone</sup>")
    return g.subgraph(ranked[:limit]).copy(), title


def figures(g: nx.DiGraph) -> dict[str, Any]:
    tree = recruitment(nx.DiGraph(((s, t, d) for s, t, d in g.edges(data=True)
                                   if {"added", "invited"} & set(d["kinds"].split(","))))
                       if g.number_of_edges() else g)
    for node, attrs in g.nodes(data=True):
        if node in tree:
            tree.nodes[node].update(attrs)
    talk, title = drawn(g)
    layout = nx.spring_layout(nx.Graph(talk), seed=1, iterations=50) if len(talk) else {}
    spring = {n: (float(p[0]), float(p[1])) for n, p in layout.items()}
    return {
        "recruitment": figure(tree, _tree_layout(tree), "Recruitment tree (who added whom)"),
        "interaction": figure(talk, spring, title),
    }
