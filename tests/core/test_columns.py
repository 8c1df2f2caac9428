"""Cutting evidence text to its column: it says it was cut, and cuts stay distinct."""

from __future__ import annotations

from typing import Any

from nigehbaan.chats.models import ChatGroup, ChatMember
from nigehbaan.core.columns import clipped, fit, fit_rows, lengths


def test_fits_unchanged() -> None:
    assert clipped("Ali", 300) == "Ali"
    assert clipped("x" * 300, 300) == "x" * 300


def test_cut_is_marked_and_distinct() -> None:
    first, second = clipped("a" * 400 + "1", 40), clipped("a" * 400 + "2", 40)
    assert len(first) == len(second) == 40 and first != second
    assert first.startswith("a" * 26 + "…~")


def test_short_columns_are_cut_plainly() -> None:
    assert clipped("PKX", 2) == "PK"


def test_rows_follow_the_model() -> None:
    assert lengths(ChatMember)["telegram_id"] == 40 and "aliases" not in lengths(ChatMember)
    rows = fit_rows(ChatMember, [{"telegram_id": "9" * 50, "messages": 3, "key": None}])
    assert len(rows[0]["telegram_id"]) == 40 and rows[0]["messages"] == 3
    assert fit(ChatGroup, "title", "t" * 301).endswith(clipped("t" * 301, 300)[-12:])


def test_nul_is_replaced_everywhere() -> None:
    rows = fit_rows(ChatMember, [{"display_name": "A\x00", "aliases": ["B\x00", {"c\x00": 1}]}])
    assert rows == [{"display_name": "A\ufffd", "aliases": ["B\ufffd", {"c\ufffd": 1}]}]
    assert fit(ChatGroup, "title", "\x00" * 400) == clipped("\ufffd" * 400, 300)


def test_tail_is_kept() -> None:
    path = "folder/" * 300 + "IMG-20240101-WA0001.jpg"
    cut = clipped(path, 1000, tail=200)
    assert len(cut) == 1000 and cut.endswith(path[-200:]) and cut.startswith("folder/")
    assert "…~" in cut and clipped(path + "x", 1000, tail=200) != cut


def test_only_the_rows_that_need_it_change() -> None:
    """A column is cleared as a whole or walked value by value; either way each row's own
    value decides, whatever the other rows hold."""
    from enum import StrEnum

    class Kind(StrEnum):
        A = "a"

    rows: list[dict[str, Any]] = [
        {"display_name": "Ali", "telegram_id": "1", "messages": 3, "aliases": []},
        {"display_name": "B\x00", "telegram_id": "9" * 50, "messages": None,
         "aliases": ["x"]},
        {"display_name": None, "telegram_id": Kind.A, "messages": 5, "aliases": ["y\x00"]}]
    fit_rows(ChatMember, rows)
    assert [r["display_name"] for r in rows] == ["Ali", "B\ufffd", None]
    assert rows[0]["telegram_id"] == "1" and rows[1]["telegram_id"] == clipped("9" * 50, 40)
    assert rows[2]["telegram_id"] is Kind.A and [r["messages"] for r in rows] == [3, None, 5]
    assert [r["aliases"] for r in rows] == [[], ["x"], ["y\ufffd"]]
    assert fit_rows(ChatMember, []) == []
