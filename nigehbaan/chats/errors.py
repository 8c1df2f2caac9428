"""Errors a chat import can raise.

Every error is one line that names the problem, because the CLI prints it as-is to an analyst
(exit code 1, no traceback) and nothing of the export may be half-imported.
"""

from __future__ import annotations


class ChatParseError(ValueError):
    """The input is not a chat export we can read; the message says why in one line."""


class AmbiguousDateOrder(ChatParseError):
    """No day above 12 anywhere in the file, so day-first and month-first both fit.

    Guessing would silently shift every timestamp of a case by months, so we stop and ask.
    """

    def __init__(self, source: str) -> None:
        super().__init__(
            f"{source}: the date order is ambiguous over the whole file (no day above 12); "
            'pass date_order="dmy" or date_order="mdy" (CLI: --date-order dmy|mdy)'
        )
