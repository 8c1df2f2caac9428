import pickle

import numpy as np
import pytest

from nigehbaan.matching.exact_index import ExactIndex, digests_from_hex
from nigehbaan.matching.hashes import HashType


def digests(rng: np.random.Generator, count: int, width: int) -> np.ndarray:
    return np.frombuffer(rng.bytes(count * width), dtype=np.uint8).reshape(count, width).copy()


@pytest.mark.parametrize(("hash_type", "width"), [(HashType.MD5, 16), (HashType.SHA256, 32)])
def test_lookup_finds_exactly_the_equal_digests(hash_type: HashType, width: int) -> None:
    rng = np.random.default_rng(11)
    listed = digests(rng, 50_000, width)
    index = ExactIndex(hash_type)
    index.add(listed, np.arange(50_000) + 100)
    queries = np.concatenate([listed[[5, 49_999, 0]], digests(rng, 1000, width)])
    matches = index.lookup(queries)
    assert [matches.for_query(i) for i in range(3)] == [[105], [50_099], [100]]
    assert len(matches) == 3


def test_shared_prefix_is_not_a_match_and_one_digest_may_carry_many_ids() -> None:
    index = ExactIndex(HashType.SHA1)
    a = "ab" * 8 + "00" * 12
    b = "ab" * 8 + "11" * 12
    index.add([a, a.upper(), b], [1, 2, 3])
    matches = index.lookup([a, "ab" * 8 + "22" * 12, b])
    assert matches.for_query(0) == [1, 2]
    assert matches.for_query(1) == [] and matches.for_query(2) == [3]


def test_updates_add_and_withdraw_without_rebuilding_everything() -> None:
    rng = np.random.default_rng(12)
    first, second = digests(rng, 20_000, 16), digests(rng, 100, 16)
    index = ExactIndex(HashType.MD5)
    index.add(first, np.arange(20_000))
    index.add(second, np.arange(20_000, 20_100))
    assert len(index.lookup(second)) == 100
    assert index.remove([20_000, 20_001, 5, 99_999]) == 3
    matches = index.lookup(np.concatenate([second[:3], first[5:6]]))
    assert [matches.for_query(i) for i in range(4)] == [[], [], [20_002], []]
    assert len(index) == 20_097


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="use PdqIndex"):
        ExactIndex(HashType.PDQ)
    with pytest.raises(ValueError, match="32 hex digits"):
        digests_from_hex(["abc"], HashType.MD5)
    with pytest.raises(ValueError, match="shape"):
        ExactIndex(HashType.MD5).lookup(np.zeros((1, 20), dtype=np.uint8))


def test_an_exact_index_pickles_for_the_workers() -> None:
    index = ExactIndex(HashType.MD5)
    index.add(["00" * 16, "11" * 16], [1, 2])
    copy = pickle.loads(pickle.dumps(index))
    assert copy.lookup(["11" * 16]).for_query(0) == [2]
