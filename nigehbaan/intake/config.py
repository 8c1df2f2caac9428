"""The portal's own settings (`NIGEHBAAN_PORTAL_*`), beside the deployment's `Settings`.

Kept apart from `core.settings` because only the portal process reads them, and a portal on its
own host needs nothing of the console's configuration but the database and these.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nigehbaan.core.settings import Settings


class PortalConfig(BaseSettings):
    """How one portal deployment behaves."""

    model_config = SettingsConfigDict(
        env_prefix="NIGEHBAAN_PORTAL_", env_file=None, extra="ignore", validate_default=True
    )

    unit: str = ""
    """The unit whose supervisors receive portal reports (default: `NIGEHBAAN_UNIT_NAME`)."""
    key_file: Path | None = None
    """The portal's HMAC key (receipt lookup keys, form tokens). Default
    `$NIGEHBAAN_HOME/keys/portal.key`, created with mode 0600. Every portal process of a
    deployment needs the same key, and losing it makes every receipt unfindable: back it up."""
    submissions_per_minute: int = Field(default=120, ge=1)
    """All reports and messages together, from everyone: a flood is slowed, nobody is singled
    out (the portal does not know who anybody is)."""
    receipt_attempts_per_minute: int = Field(default=60, ge=1)
    """Receipt codes checked for everyone together (each check costs an Argon2id hash)."""
    receipt_failures_per_code: int = Field(default=5, ge=1)
    """Wrong codes sharing a receipt's first digits, per 15 minutes, before those are locked."""
    max_body_kib: int = Field(default=256, ge=16)
    """Largest request body; a report is words and hashes, never files."""
    exit_url: str = "https://www.google.com/search?q=weather"
    """Where "Leave this site quickly" goes: an everyday page that says nothing to someone
    looking over the reporter's shoulder. It replaces the portal page in the browser's history."""

    @field_validator("exit_url")
    @classmethod
    def _absolute_web_address(cls, value: str) -> str:
        """Only an absolute http(s) address: a relative one would stay on the portal, and a
        `javascript:` one would be refused by the CSP and leave the reporter stuck."""
        parts = urlsplit(value.strip())
        if parts.scheme not in ("https", "http") or not parts.netloc or any(
                c in value for c in '"<> '):
            raise ValueError("exit_url: an absolute https:// address of an everyday site")
        return value.strip()

    def unit_for(self, settings: Settings) -> str:
        return self.unit or settings.unit_name

    def key_path(self, settings: Settings) -> Path:
        return self.key_file or settings.home / "keys" / "portal.key"
