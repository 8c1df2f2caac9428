import itertools
import pickle

import numpy as np
import pytest

from nigehbaan.matching.mih import best_chunks, plan_chunks
from nigehbaan.matching.pdq_codes import brute_force_search, codes_from_hex, codes_to_hex, distances
from nigehbaan.matching.pdq_index import PdqIndex, PdqMatches
from tests.matching.pdq_data import flip_bits, planted, random_codes


def as_set(m: PdqMatches) -> set[tuple[int, int, int]]:
    return set(zip(m.query.tolist(), m.ids.tolist(), m.distance.tolist(), strict=True))


def reference(codes: np.ndarray, ids: np.ndarray, queries: np.ndarray,
              radius: int) -> set[tuple[int, int, int]]:
    q, r, d = brute_force_search(codes, queries, radius)
    return set(zip(q.tolist(), ids[r].tolist(), d.tolist(), strict=True))


@pytest.mark.parametrize("radius", [0, 5, 31, 47])
@pytest.mark.parametrize("chunks", [12, 13, 16, 32])
def test_every_layout_satisfies_the_pigeonhole_bound(chunks: int, radius: int) -> None:
    plan = plan_chunks(chunks, radius)
    assert sum(c.flips + 1 for c in plan) == radius + 1
    spans = sorted((c.start, c.start + c.bits) for c in plan)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert spans[-1][1] <= 256


@pytest.mark.parametrize(("size", "seed"), [(3_000, 1), (60_000, 2), (150_000, 3)])
def test_index_finds_exactly_what_brute_force_finds(size: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    base = random_codes(rng, size)
    plants = list(range(40)) * 3
    near, rows = planted(rng, base, plants)
    queries = np.concatenate([near, random_codes(rng, 200), base[:50]])
    ids = rng.permutation(size).astype(np.int64) * 7 + 3
    index = PdqIndex()
    index.add(base, ids)
    found = as_set(index.search(queries))
    assert found == reference(base, ids, queries, 31)
    for query, (row, distance) in enumerate(zip(rows, plants, strict=True)):
        assert ((query, int(ids[row]), distance) in found) == (distance <= 31)
    assert all(d <= 31 for _, _, d in found)


def test_layouts_are_chosen_by_size() -> None:
    assert best_chunks(500, 31) is None
    assert len(best_chunks(1_000_000, 31) or []) > len(best_chunks(10_000_000, 31) or [])


def test_boundary_31_matches_and_32_does_not() -> None:
    rng = np.random.default_rng(4)
    base = random_codes(rng, 20_000)
    at31, at32 = flip_bits(rng, base[7], 31), flip_bits(rng, base[7], 32)
    index = PdqIndex()
    index.add(base, np.arange(len(base)))
    matches = index.search(np.concatenate([at31, at32]))
    assert matches.for_query(0) == [(7, 31)]
    assert matches.for_query(1) == []
    assert index.search(at31, radius=30).for_query(0) == []


def test_incremental_add_and_remove_match_a_fresh_brute_force() -> None:
    rng = np.random.default_rng(5)
    index = PdqIndex()
    codes = random_codes(rng, 40_000)
    ids = np.arange(len(codes), dtype=np.int64)
    for start, stop in [(0, 30_000), (30_000, 30_010), (30_010, 39_000), (39_000, 40_000)]:
        index.add(codes[start:stop], ids[start:stop])
    assert len(index.segment_sizes) < 4 and len(index) == 40_000
    withdrawn = rng.choice(40_000, 25_000, replace=False)
    assert index.remove(np.concatenate([withdrawn, [10**9]])) == 25_000
    assert index.remove(withdrawn[:10]) == 0
    keep = np.setdiff1d(ids, withdrawn)
    near, _ = planted(rng, codes, list(range(32)) * 4)
    queries = np.concatenate([near, codes[:100]])
    assert as_set(index.search(queries)) == reference(codes[keep], keep, queries, 31)
    assert len(index) == len(keep)


def test_ids_must_be_new_and_shapes_right() -> None:
    index = PdqIndex()
    index.add(random_codes(np.random.default_rng(6), 3), [1, 2, 3])
    with pytest.raises(ValueError, match="id 2 is already in the index"):
        index.add(random_codes(np.random.default_rng(7), 1), [2])
    with pytest.raises(ValueError, match="given twice"):
        index.add(random_codes(np.random.default_rng(8), 2), [9, 9])
    with pytest.raises(ValueError, match=r"outside 0\.\.31"):
        index.search(random_codes(np.random.default_rng(9), 1), radius=40)
    with pytest.raises(ValueError, match="2 hashes but 1 ids"):
        index.add(random_codes(np.random.default_rng(8), 2), [10])


def test_hex_round_trip_and_distance() -> None:
    hexes = ["0" * 64, "f" * 64, "0f" * 32]
    codes = codes_from_hex(hexes)
    assert codes_to_hex(codes) == hexes
    assert distances(codes[0], codes).tolist() == [0, 256, 128]
    index = PdqIndex()
    index.add(hexes, [1, 2, 3])
    assert index.search_hex(["0" * 63 + "1"]).for_query(0) == [(1, 1)]


def test_an_index_pickles_for_the_workers() -> None:
    rng = np.random.default_rng(13)
    codes = random_codes(rng, 5_000)
    index = PdqIndex()
    index.add(codes, np.arange(5_000))
    index.remove([3])
    copy = pickle.loads(pickle.dumps(index))
    queries = codes[:10]
    assert as_set(copy.search(queries)) == as_set(index.search(queries))
    assert len(copy) == 4_999
