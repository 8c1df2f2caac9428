"""A case matched against national-size lists held in the database (SQLite or PostgreSQL).

Usage: python benchmarks/match_case_bench.py [--entries 1000000] [--items 2000]
       [--update 10000] [--seed 4] [--keep DIR] [--known 0.1]
       [--postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test]

Two lists are imported through `hashlist import`'s service from files written here: `--entries`
random PDQ hashes (CSV) and `--entries` random MD5s (plain). A case of `--items` synthetic item
records (random hashes, no media: this times matching, not the vault) is planted with known
answers: a tenth of its items carry a PDQ at distance 0-31 from a listed one, a share `--known`
(a tenth by default) of the others a listed MD5, and a few a PDQ of quality below 50. The
database is SQLite in a temporary folder, or with `--postgresql` a scratch schema on that server
(a collector's drive of 70,000 known files, `--items 70000 --known 1`, finds more matches than
PostgreSQL takes parameters in one query). Reported: import rows/s, the index build from the
database, items/s matched with a warm cache (and whether every planted item was found), and the
incremental update when a new version of the PDQ list adds `--update` entries.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

from nigehbaan.cases import register
from nigehbaan.cases.schemas import CaseIn
from nigehbaan.core.actors import local_operator
from nigehbaan.core.clock import utcnow
from nigehbaan.core.db import make_engine, make_session_factory, scratch_schema, transaction
from nigehbaan.core.schema import migrate
from nigehbaan.core.settings import Settings
from nigehbaan.evidence.models import CaseItem, EvidenceItem
from nigehbaan.matching import engine, indexes, lists
from nigehbaan.matching.lists import ListOptions
from nigehbaan.matching.models import HashMatch
from nigehbaan.matching.search import Options


def _hex(rng: np.random.Generator, rows: int, nbytes: int) -> list[str]:
    raw = rng.integers(0, 256, size=(rows, nbytes), dtype=np.uint8).tobytes().hex()
    width = nbytes * 2
    return [raw[i:i + width] for i in range(0, len(raw), width)]


def _flip(pdq: str, bits: int, rng: np.random.Generator) -> str:
    value = int(pdq, 16)
    for bit in rng.choice(256, size=bits, replace=False).tolist():
        value ^= 1 << bit
    return f"{value:064x}"


def _write_lists(folder: Path, rng: np.random.Generator, entries: int
                 ) -> tuple[Path, Path, list[str], list[str]]:
    pdqs, md5s = _hex(rng, entries, 32), _hex(rng, entries, 16)
    pdq_file, md5_file = folder / "pdq.csv", folder / "md5.txt"
    with pdq_file.open("w") as out:
        out.write("hash_type,hash\n")
        for start in range(0, entries, 100_000):
            out.write("".join(f"pdq,{h}\n" for h in pdqs[start:start + 100_000]))
    with md5_file.open("w") as out:
        for start in range(0, entries, 100_000):
            out.write("".join(f"{h}\n" for h in md5s[start:start + 100_000]))
    return pdq_file, md5_file, pdqs, md5s


def _plant_case(factory: object, settings: Settings, rng: np.random.Generator, items: int,
                pdqs: list[str], md5s: list[str], known: float
                ) -> tuple[str, set[int], set[int]]:
    operator = local_operator("bench")
    with transaction(factory) as session:  # type: ignore[arg-type]
        case = register.open_case(session, operator, CaseIn(title="Bench phone",
                                                            channel="walk_in"), settings)
        ref, case_id = case.reference, case.id
        rows = []
        near_at = set(range(5, items, 10))
        exact_at = set(np.flatnonzero(rng.random(items) < known).tolist()) - near_at
        for index, (sha256, sha1, md5, pdq) in enumerate(zip(
                _hex(rng, items, 32), _hex(rng, items, 20), _hex(rng, items, 16),
                _hex(rng, items, 32), strict=True)):
            if index in exact_at:
                md5 = md5s[int(rng.integers(len(md5s)))]
            if index in near_at:
                pdq = _flip(pdqs[int(rng.integers(len(pdqs)))], int(rng.integers(0, 32)), rng)
            quality = 30 if index % 97 == 3 else 90
            rows.append({"sha256": sha256, "sha1": sha1, "md5": md5, "size": 1000 + index,
                         "mime": "image/jpeg", "kind": "image", "pdq": pdq,
                         "pdq_quality": quality, "perceptual": "ok", "perceptual_reason": "",
                         "metadata": {}, "created_at": utcnow()})
        session.execute(insert(EvidenceItem.__table__), rows)  # type: ignore[arg-type]
        ids = [i for (i,) in session.execute(
            EvidenceItem.__table__.select().with_only_columns(
                EvidenceItem.id).order_by(EvidenceItem.id))]
        session.execute(insert(CaseItem.__table__), [  # type: ignore[arg-type]
            {"case_id": case_id, "item_id": item_id, "source": "bench", "path": f"DCIM/{n}.jpg",
             "acquired_at": utcnow(), "acquired_by": "bench", "reviewed": False,
             "reviewed_by": "", "category": ""} for n, item_id in enumerate(ids)])
    exact = {ids[i] for i in exact_at}
    near = {ids[i] for i in near_at if i % 97 != 3}
    return ref, exact, near


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--update", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="copy the list files (and the SQLite "
                        "database; a PostgreSQL scratch schema is always dropped) to DIR")
    parser.add_argument("--known", type=float, default=0.1)
    parser.add_argument("--postgresql", help="a PostgreSQL server URL; SQLite when not given")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="match-bench-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        url = (stack.enter_context(scratch_schema(args.postgresql, "match_bench"))
               if args.postgresql else f"sqlite:///{folder / 'bench.db'}")
        run(args, folder, Settings(home=folder, database_url=url))


def run(args: argparse.Namespace, folder: Path, settings: Settings) -> None:
    rng = np.random.default_rng(args.seed)
    db = make_engine(settings.effective_database_url)
    try:
        migrate(db)
        factory = make_session_factory(db)
        operator = local_operator("bench")
        pdq_file, md5_file, pdqs, md5s = _write_lists(folder, rng, args.entries)
        for path, fmt, name in ((pdq_file, "csv", "pdq-list"), (md5_file, "plain", "md5-list")):
            started = time.perf_counter()
            with transaction(factory) as session:
                report = lists.import_list(session, operator, path,
                                           ListOptions(name=name, format=fmt))
            took = time.perf_counter() - started
            print(f"import {name}: {report.read:,} rows in {took:.1f} s "
                  f"= {report.read / took:,.0f} rows/s")
        ref, exact, near = _plant_case(factory, settings, rng, args.items, pdqs, md5s,
                                       args.known)
        with transaction(factory) as session:
            started = time.perf_counter()
            cold = indexes.IndexCache()
            cold.refresh(session)
            print(f"index build from the database (2 lists, {2 * args.entries:,} entries): "
                  f"{time.perf_counter() - started:.1f} s")
            engine.match_case(session, operator, ref)  # warms this process's cache
        with transaction(factory) as session:
            started = time.perf_counter()
            report_ = engine.match_case(session, operator, ref, Options())
            took = time.perf_counter() - started
            found = {row.item_id for row in session.execute(
                select(HashMatch.item_id))}
        print(f"match {args.items} items (warm cache): {took:.2f} s = {args.items / took:,.0f} "
              f"items/s; methods {report_.by_method}; not comparable {report_.not_comparable}")
        print(f"planted exact found: {len(exact & found)}/{len(exact)}; planted near found: "
              f"{len(near & found)}/{len(near)}")
        update = folder / "pdq-v2.csv"
        extra = _hex(rng, args.update, 32)
        with update.open("w") as out:
            out.write("hash_type,hash\n")
            out.writelines(f"pdq,{h}\n" for h in pdqs + extra)
        started = time.perf_counter()
        with transaction(factory) as session:
            lists.import_list(session, operator, update, ListOptions(name="pdq-list",
                                                                     format="csv"))
        print(f"new version (+{args.update:,}) import: {time.perf_counter() - started:.1f} s")
        with transaction(factory) as session:
            cache = indexes.cache_for(session)
            started = time.perf_counter()
            cache.refresh(session)
            took = time.perf_counter() - started
        print(f"incremental index update: {took:.2f} s (built {cache.last.built}, updated "
              f"{cache.last.updated}, +{cache.last.added} -{cache.last.removed})")
    finally:
        db.dispose()
        if args.keep:
            shutil.copytree(folder, args.keep, dirs_exist_ok=True)


if __name__ == "__main__":
    main()
