"""Load category schemes from JSON and map raw list categories onto the unit's scheme.

Schemes are data (one JSON file each in `data/`) because their meaning is national and changes
by agreement, not by release: a unit adds or edits a scheme without touching code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from nigehbaan.matching.errors import UnknownCategoryError


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label: str
    severity: int | None
    """1 is the gravest; None for categories outside any order (uncategorised, non-pertinent)."""


@dataclass(frozen=True, slots=True)
class CategoryScheme:
    name: str
    title: str
    categories: tuple[Category, ...]
    note: str = ""

    def get(self, code: str) -> Category | None:
        """Codes compare case-insensitively: lists write 'a' as often as 'A'."""
        key = _key(code)
        return next((c for c in self.categories if _key(c.code) == key), None)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.categories]


def available_schemes() -> list[str]:
    names = (p.name for p in _data().iterdir())
    return sorted(n.removesuffix(".json") for n in names if n.endswith(".json"))


def load_scheme(name: str) -> CategoryScheme:
    path = _data() / f"{name}.json"
    if not path.is_file():
        known = ", ".join(available_schemes())
        raise ValueError(f"unknown category scheme {name!r} (known: {known})")
    return _parse(json.loads(path.read_text(encoding="utf-8")), name)


def load_scheme_file(path: Path) -> CategoryScheme:
    """A unit's own scheme file, in the same shape as the built-in ones."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: malformed JSON at line {exc.lineno}: {exc.msg}") from None
    return _parse(data, str(path))


@dataclass(frozen=True)
class CategoryMapping:
    """A list's raw categories → the unit's scheme, as the unit's administrator set it up.

    Mapping is a suggestion for the analyst, never silent: a raw category the table lacks is an
    error naming every such category, so the table can be completed before an import.
    """

    target: CategoryScheme
    table: Mapping[str, str]

    def __post_init__(self) -> None:
        wrong = sorted({t for t in self.table.values() if self.target.get(t) is None})
        if wrong:
            raise ValueError(
                f"mapping targets {', '.join(map(repr, wrong))} are not in scheme "
                f"{self.target.name!r} ({', '.join(self.target.codes)})"
            )

    def map(self, raw: str | None) -> Category | None:
        """The unit's category for one raw value; None when the list gave none."""
        if raw is None or not raw.strip():
            return None
        return self.map_all([raw])[_key(raw)]

    def map_all(self, raws: Iterable[str | None]) -> dict[str, Category]:
        """Map every distinct raw value (keyed by its normalised form), or name all unknowns."""
        keyed = {_key(k): v for k, v in self.table.items()}
        result: dict[str, Category] = {}
        unknown: list[str] = []
        for raw in raws:
            if raw is None or not raw.strip() or _key(raw) in result:
                continue
            target = keyed.get(_key(raw))
            category = self.target.get(target) if target is not None else None
            if category is None:
                if raw.strip() not in unknown:
                    unknown.append(raw.strip())
            else:
                result[_key(raw)] = category
        if unknown:
            raise UnknownCategoryError(self.target.name, unknown)
        return result


def _key(code: str) -> str:
    return code.strip().upper()


def _data() -> Any:
    return resources.files("nigehbaan.matching.categories") / "data"


def _parse(data: Any, where: str) -> CategoryScheme:
    try:
        categories = tuple(
            Category(str(c["code"]), str(c["label"]), c.get("severity")) for c in data["categories"]
        )
        note = str(data.get("note", ""))
        return CategoryScheme(str(data["name"]), str(data["title"]), categories, note)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{where}: not a category scheme ({exc!r} missing or wrong)") from None
