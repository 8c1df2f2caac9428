"""The same analysis on local processes and on a real Dask cluster of worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest
from distributed import LocalCluster

from nigehbaan.evidence.analyse import analyse_path
from nigehbaan.evidence.executor import map_in_order, open_executor
from nigehbaan.evidence.ingest import ingest_file
from nigehbaan.evidence.vault import Vault
from nigehbaan.synth.media import Manifest


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                      dashboard_address=None) as local:
        yield local


def _paths(media: tuple[Path, Manifest], corrupt: dict[str, Path]) -> list[Path]:
    folder, manifest = media
    return [folder / f.path for f in manifest.files] + list(corrupt.values())


def test_local_processes_match_serial(media: tuple[Path, Manifest],
                                      corrupt: dict[str, Path]) -> None:
    paths = _paths(media, corrupt)
    with open_executor(max_workers=2) as executor:
        results = list(map_in_order(executor, analyse_path, paths, window=3))
    assert results == [analyse_path(p) for p in paths]


def test_dask_cluster_gives_identical_results(media: tuple[Path, Manifest],
                                              corrupt: dict[str, Path],
                                              cluster: LocalCluster, tmp_path: Path) -> None:
    paths = _paths(media, corrupt)
    vault = Vault(tmp_path / "vault", tmp_path / "vault.key")
    with open_executor(cluster.scheduler_address) as executor:
        remote = list(map_in_order(executor, partial(ingest_file, vault=vault), paths))
    with open_executor(max_workers=2) as executor:
        local = list(map_in_order(executor, analyse_path, paths))
    assert [r.facts for r in remote] == local
    assert sorted(vault.iter_blobs()) == sorted({f.digests.sha256 for f in local})
    assert all(vault.verify(sha).ok for sha in vault.iter_blobs())


def test_results_come_in_input_order_and_failures_surface() -> None:
    with ThreadPoolExecutor(4) as executor:
        assert list(map_in_order(executor, lambda n: n * n, range(20), window=4)) == [
            n * n for n in range(20)]
        with pytest.raises(ZeroDivisionError):
            list(map_in_order(executor, lambda n: 1 // (n - 5), range(10)))
