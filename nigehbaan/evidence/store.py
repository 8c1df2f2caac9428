"""The deployment's vault: where it lives and which key opens it."""

from __future__ import annotations

from nigehbaan.core.settings import Settings
from nigehbaan.evidence.vault import Vault


def open_vault(settings: Settings) -> Vault:
    root = settings.vault_dir or settings.home / "vault"
    key = settings.vault_key_file or settings.home / "keys" / "vault.key"
    return Vault(root, key)
