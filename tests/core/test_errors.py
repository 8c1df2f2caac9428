"""Quoting a bad value in an error: whole when short, cut with its length when long, one line."""

from __future__ import annotations

import pytest

from nigehbaan.core.errors import SHOWN, Invalid, cut, shown
from nigehbaan.referrals import values


def test_a_short_value_is_quoted_whole() -> None:
    assert shown("+92 300") == "'+92 300'"
    assert shown(42) == "42"


def test_a_long_value_is_cut_with_its_length_said() -> None:
    said = shown("Z" * 5000)
    assert said == f"'{'Z' * SHOWN}'… (5000 characters)"


def test_a_long_value_that_is_not_text_is_cut() -> None:
    said = shown(list(range(1000)))
    assert said.startswith("[0, 1, 2") and said.endswith("…") and len(said) == SHOWN + 1


def test_control_characters_in_a_quoted_value_keep_one_line() -> None:
    assert shown("a\nb\x00") == r"'a\nb\x00'"


def test_cut_text_is_unquoted_and_cut_with_its_length() -> None:
    assert cut("md5,hash") == "md5,hash"
    assert cut("x" * 5000) == f"{'x' * SHOWN}… (5000 characters)"


def test_cut_escapes_control_characters_to_keep_one_line() -> None:
    said = cut("hash\ntype\x00\u2028" + "y" * 5000)
    assert "\n" not in said and "\x00" not in said and "\u2028" not in said
    assert said.startswith(r"hash\ntype\x00\u2028y") and said.endswith("… (5011 characters)")


def test_a_long_bad_address_is_quoted_with_its_length() -> None:
    """It was cut by hand at 80 characters, without saying how much was left out."""
    with pytest.raises(Invalid) as refused:
        values.ip_address("9" * 5000, "subjects[0].ip_events[0].address")
    assert refused.value.detail == (f"subjects[0].ip_events[0].address: '{'9' * SHOWN}'… "
                                    "(5000 characters) is not an IP address")
