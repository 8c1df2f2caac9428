"""Name → format class. The built-in formats register the same way an extension would."""

from __future__ import annotations

from typing import Any

from nigehbaan.matching.formats.base import HashListFormat

_FORMATS: dict[str, type[HashListFormat]] = {}


def register_format(cls: type[HashListFormat]) -> type[HashListFormat]:
    """Class decorator; a second class under the same name is a programming error."""
    if cls.name in _FORMATS and _FORMATS[cls.name] is not cls:
        raise ValueError(f"hash-list format {cls.name!r} is already registered")
    _FORMATS[cls.name] = cls
    return cls


def available_formats() -> dict[str, type[HashListFormat]]:
    _load_builtins()
    return dict(sorted(_FORMATS.items()))


def get_format(name: str, **options: Any) -> HashListFormat:
    """An instance of the named format; `ValueError` lists the names there are."""
    _load_builtins()
    try:
        cls = _FORMATS[name.lower()]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise ValueError(f"unknown hash-list format {name!r} (known: {known})") from None
    return cls(**options)


def _load_builtins() -> None:
    """Imported late so that the modules can import `register_format` from here."""
    from nigehbaan.matching.formats import csv_format, hma, plain, vics  # noqa: F401
