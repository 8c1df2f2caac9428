"""One statistic: a titled table that can also be drawn and written as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Literal

Cell = str | int | float
Chart = Literal["bar", "line", "stacked", "none"]


@dataclass
class StatTable:
    key: str
    """File-name-safe: the CSV is `<key>.csv`, the console anchor `#<key>`."""
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: Chart = "bar"
    """`bar`: first column against the rest; `stacked`: first two columns as x and series."""
    note: str = ""

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue()

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "title": self.title, "columns": self.columns,
                "rows": self.rows, "note": self.note}
