"""The pipeline without a database: records in, resolved members with indicators and advice out.

The importer feeds the same records to the database writer and to an `Analysis`, so storing a
group and triaging it are one pass over the export; the benchmark measures exactly this object.
Known-list matches are not here: they exist only once the media are in the vault and matched,
after the import, and `chats.known.refresh` adds their indicators then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx

from nigehbaan.chats.batch import Batch, Records, cycles_paused
from nigehbaan.chats.identity import Identity, Person, resolve
from nigehbaan.chats.model import ChatFormat, Record
from nigehbaan.chats.network import Position, interaction_graph, positions, recruitment_tree
from nigehbaan.chats.stream import ChatStream
from nigehbaan.chats.triage.collector import Collector, ContentKey, Edge, Tally
from nigehbaan.chats.triage.indicators import Indicator, MemberFacts, group_facts, indicators
from nigehbaan.chats.triage.rules import Triage, triage


@dataclass(frozen=True)
class MemberResult:
    person: Person
    tally: Tally
    position: Position | None
    indicators: tuple[Indicator, ...]
    triage: Triage


@dataclass(frozen=True)
class Result:
    identity: Identity
    members: dict[str, MemberResult]
    edges: tuple[Edge, ...]
    interaction: nx.DiGraph
    recruitment: nx.DiGraph

    @property
    def counted_members(self) -> int:
        """People in the group; numbers only ever mentioned are aliases of them, not more."""
        return sum(1 for m in self.members.values() if not m.person.mention_only)


class Analysis:
    def __init__(self, fmt: ChatFormat, *, default_region: str = "PK",
                 owner_phone: str | None = None,
                 content_key: ContentKey | None = None) -> None:
        self.fmt = fmt
        self.default_region = default_region
        self.owner_phone = owner_phone
        self.collector = Collector(telegram=fmt == ChatFormat.TELEGRAM,
                                   content_key=content_key, default_region=default_region)
        self.add: Callable[[Record], None] = self.collector.add

    def feed(self, records: Iterable[Record]) -> None:
        add = self.collector.add
        for record in records:
            add(record)

    def feed_batch(self, batch: Batch) -> None:
        """A batch's rows read by the full rules, in file order, then its plain rows in
        bulk: those add no member and no edge, so nothing depends on their turn. A tally's
        cited positions are then not in file order within a batch: readers sort them
        (`indicators._cite`), as `Collector.settle_numbers` sorts the numbers it found."""
        self.feed(record for _, record in sorted(batch.judged.items()))
        if batch.columns is not None:
            self.collector.plain(batch.columns, batch.plain_rows())

    def finish(self) -> Result:
        collector = self.collector
        identity = resolve(collector.seen, self.fmt, owner_phone=self.owner_phone,
                           default_region=self.default_region, renumbered=collector.renumbered)
        collector.settle_numbers(identity.of)
        tallies: dict[str, Tally] = {}
        for raw, tally in collector.tallies.items():
            target = identity.of(raw)
            if target in tallies:
                tallies[target].merge(tally)
            else:
                tallies[target] = tally
        edges = tuple(Edge(e.kind, identity.of(e.source), identity.of(e.target), e.position)
                      for e in collector.edges)
        graph = interaction_graph(identity.people, edges)
        figures = positions(graph)
        first_posts: dict[str, list[int]] = {}
        for content in sorted(collector.reshared):
            key, position = collector.first_poster[content]
            first_posts.setdefault(identity.of(key), []).append(position)
        group = group_facts(list(tallies.values()), [p.pagerank for p in figures.values()])
        members: dict[str, MemberResult] = {}
        for key, person in identity.people.items():
            tally = tallies[key]
            facts = MemberFacts(tally, figures.get(key), person.mention_only)
            found = tuple(indicators(facts, group, first_posts.get(key, [])))
            advice = triage(found, messages=tally.messages, mention_only=person.mention_only)
            members[key] = MemberResult(person, tally, figures.get(key), found, advice)
        return Result(identity, members, edges, graph, recruitment_tree(identity.people, edges))


def analyse(chat: ChatStream | Records | Iterable[Record], fmt: ChatFormat,
            **options: object) -> Result:
    """A chat in, triage out: a stream or a parsed export's records are read as batches
    (`batch`), any other records one by one. The cyclic collector waits until the end
    (`cycles_paused`): the tallies, edges and graphs made here hold no cycles, and its passes
    over them were a sixth of the time for a large group."""
    analysis = Analysis(fmt, **options)  # type: ignore[arg-type]
    with cycles_paused():
        if isinstance(chat, ChatStream | Records):
            for batch in chat.batches():
                analysis.feed_batch(batch)
        else:
            analysis.feed(chat)
        return analysis.finish()
