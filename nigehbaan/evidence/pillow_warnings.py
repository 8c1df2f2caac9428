"""The warnings Pillow (and its HEIF plugin) give while reading one item, kept with that item
and no other.

Pillow warns about damage it works around ("Corrupt EXIF data", a truncated file): facts about
the item, recorded with it. `warnings.catch_warnings` cannot collect them per item: it swaps
process-wide state (the filters, the function that shows a warning) and restores it on exit, so
on a Dask worker analysing several files in threads, one item would be recorded with another's
warnings, and two threads leaving in the other order leave the swap in place for good.

Here the swap is made once per process (and again if a test harness restored the originals):
Pillow's warnings always reach the function that shows warnings, never silenced after the
first as by default, and it hands each one to the collection open in the thread (a context
variable) that raised it; with none open, it shows it once per text and place, as before.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TextIO

_COLLECTING: ContextVar[list[str] | None] = ContextVar("pillow_warnings", default=None)
_DECODERS = frozenset({"PIL", "pillow_heif"})
_MODULE = r"(PIL|pillow_heif)(\.|$)"
_LOCK = threading.Lock()
_shown_before: Any = None
_shown_once: set[tuple[str, type[Warning], str, int]] = set()


def _show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
          file: TextIO | None = None, line: str | None = None) -> None:
    decoder = Path(filename).parent.name in _DECODERS
    box = _COLLECTING.get()
    if box is not None and decoder:
        box.append(str(message).strip())
        return
    if decoder:  # outside a collection, once per text and place, as by default
        seen = (str(message), category, filename, lineno)
        if seen in _shown_once:
            return
        _shown_once.add(seen)
    if _shown_before is not None:
        _shown_before(message, category, filename, lineno, file, line)


def _always_for_pillow() -> bool:
    return any(action == "always" and getattr(module, "pattern", None) == _MODULE
               for action, _, _, module, _ in warnings.filters)


def _install() -> None:
    global _shown_before
    if warnings.showwarning is _show and _always_for_pillow():
        return
    with _LOCK:
        if warnings.showwarning is not _show:
            _shown_before = warnings.showwarning
            warnings.showwarning = _show
        if not _always_for_pillow():
            warnings.filterwarnings("always", module=_MODULE)


@contextmanager
def pillow_warnings() -> Iterator[list[str]]:
    """Collects, in order and once each, what Pillow warns about inside the block, in this
    thread (or task) only."""
    _install()
    box: list[str] = []
    token = _COLLECTING.set(box)
    try:
        yield box
    finally:
        _COLLECTING.reset(token)
        box[:] = dict.fromkeys(box)
