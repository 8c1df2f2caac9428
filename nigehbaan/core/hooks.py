"""Hooks by which a capability tells the ones built on it that something happened.

The vault must not import matching, nor matching import chats: each builds on the one before.
So the earlier capability keeps a registry, names its built-in listeners as `module:function`
strings, and loads them on first use; tests and deployments may register more.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Hooks(Generic[P]):
    def __init__(self, *builtin: str) -> None:
        self._builtin = builtin
        self._loaded = False
        self._hooks: list[Callable[P, None]] = []

    def register(self, hook: Callable[P, None]) -> None:
        if hook not in self._hooks:
            self._hooks.append(hook)

    def __iter__(self) -> Iterator[Callable[P, None]]:
        if not self._loaded:
            self._loaded = True
            for name in self._builtin:
                module, _, attribute = name.partition(":")
                self.register(getattr(importlib.import_module(module), attribute))
        return iter(list(self._hooks))

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for hook in self:
            hook(*args, **kwargs)
