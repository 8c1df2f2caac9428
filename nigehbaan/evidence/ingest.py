"""One file stored in the vault and analysed, as a task a worker process can run.

Storing first means the content is safe before any decoder touches it, and the digests computed
while encrypting are reused for the analysis, so the file's bytes are hashed only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nigehbaan.evidence.analyse import Facts, analyse_path
from nigehbaan.evidence.vault import Vault


@dataclass(frozen=True, slots=True)
class Ingested:
    facts: Facts
    created: bool
    """False when the vault already held this content."""


def ingest_file(path: Path, vault: Vault) -> Ingested:
    stored = vault.put(path)
    return Ingested(analyse_path(path, digests=stored.digests), stored.created)
