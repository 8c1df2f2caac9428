"""Settings from `NIGEHBAAN_*` environment variables (and an optional `.env`-style file).

Nothing reads the environment at import time: callers build a `Settings` and pass it down, so
tests and the demo can run several instances in one process.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DEADLINE_HOURS: dict[str, int] = {
    "public_portal": 24,
    "walk_in": 24,
    "international_referral": 72,
    "platform_report": 72,
    "proactive_monitoring": 168,
}


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "nigehbaan"


class Settings(BaseSettings):
    """One deployment's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="NIGEHBAAN_", env_file=None, extra="ignore", validate_default=True
    )

    home: Path = Field(default_factory=_default_home)
    database_url: str = ""
    scheduler: str = ""
    case_prefix: str = "CC"
    default_region: str = "PK"
    deadline_hours: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_DEADLINE_HOURS))
    cookie_secure: bool = True
    session_hours: int = 12
    unit_name: str = "Cybercrime Wing"
    vault_dir: Path | None = None
    vault_key_file: Path | None = None
    password_time_cost: int = Field(default=3, ge=1, le=20)
    password_memory_kib: int = Field(default=65536, ge=1024)

    @field_validator("case_prefix")
    @classmethod
    def _prefix_is_short_code(cls, value: str) -> str:
        if not value.isalnum() or not 1 <= len(value) <= 8:
            raise ValueError("case_prefix must be 1-8 letters or digits")
        return value.upper()

    @field_validator("default_region")
    @classmethod
    def _region_upper(cls, value: str) -> str:
        return value.upper()

    @property
    def effective_database_url(self) -> str:
        """The configured URL, else an embedded SQLite file inside `home`."""
        return self.database_url or f"sqlite:///{self.home / 'nigehbaan.db'}"

    def deadline_for(self, channel: str) -> int:
        return self.deadline_hours.get(channel, DEFAULT_DEADLINE_HOURS.get(channel, 72))
