"""A named registry of providers, filled lazily from a list of modules.

Why a list of module names rather than imports here: the capabilities that contribute (chats,
evidence) sit *before* referrals and stats in the data flow, so they must not be imported by
them at import time, and a capability that is absent must not break the others. Wiring one in is
adding its module name to `PROVIDER_MODULES`; that module calls `register` on import.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)

PROVIDER_MODULES: list[str] = [
    "nigehbaan.referrals.register_providers",
    "nigehbaan.referrals.chat_sections",
    "nigehbaan.referrals.media_sections",
    "nigehbaan.stats.register_counts",
    "nigehbaan.stats.chat_counts",
    "nigehbaan.stats.evidence_counts",
]
"""Modules that register providers when imported, in the order their sections and tables show."""

_loaded = False


def load_providers() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in PROVIDER_MODULES:
        importlib.import_module(module)


class Registry(Generic[T]):
    """Providers of one kind, in registration order; a name registered twice replaces the first
    (so a test or a deployment can swap a built-in)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, provider: T) -> T:
        self._items[provider.name] = provider
        return provider

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def __iter__(self) -> Iterator[T]:
        load_providers()
        return iter(list(self._items.values()))

    def names(self) -> list[str]:
        return [provider.name for provider in self]
