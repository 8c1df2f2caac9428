"""Marking words for translation where they are defined, translated where they are shown.

`N_` returns its argument unchanged; Babel's extractor is told to collect its strings (see
tests/intake/test_translations.py), and the templates pass them through `_()` in the reader's
language. So a message is written once, in English, and every catalogue can translate it.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message
