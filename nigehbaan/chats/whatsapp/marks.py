"""Where a chunk holds something that sends a message to the careful, one-by-one path.

The common message (a known sender, plain text) is built in bulk; anything else must be found
first, for the whole chunk at once: the characters of mentions, media and edit markers, a `: `
inside a body (a name holding one), and the literal of a system-event wording that wins over a
sender (`Nadia: Work joined using this group's invite link`). Each search is one array
comparison or one `str.find` loop over literals that ordinary chat text rarely holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nigehbaan.chats.whatsapp.codes import PAD

Offsets = NDArray[np.intp]
_SINGLE = ("@", "<", ">", "\u200e")  # mentions, media and edit markers, iOS marks
_PAIRS = ((":", " "), (" ", "("))  # names holding ': ', locations; Android attached files


def _code(u: NDArray[Any], ch: str) -> int | None:
    code = ord(ch)
    return code if code <= np.iinfo(u.dtype).max else None


def pair(u: NDArray[Any], size: int, first: str, second: str) -> Offsets:
    """Offsets below `size` where `first` is followed by `second` (`u` is padded past it)."""
    found: Offsets = np.flatnonzero((u[:size] == ord(first)) & (u[1 : size + 1] == ord(second)))
    return found


def specials(u: NDArray[Any], size: int, text: str) -> Offsets:
    """Offsets of every character that makes a body need the careful path, sorted; a
    character `u` cannot hold (`codes.narrow`) is searched for in `text`."""
    head = u[:size]
    hit = np.zeros(size, dtype=np.bool_)
    for ch in _SINGLE:
        code = _code(u, ch)
        if code is not None:
            hit |= head == code
        elif not text.isascii():
            hit[literals(text, size, (ch,))] = True
    for first, second in _PAIRS:
        hit |= (head == ord(first)) & (u[1 : size + 1] == ord(second))
    omit = (head == ord("o")) & (u[1 : size + 1] == ord("m"))
    omit &= (u[2 : size + 2] == ord("i")) & (u[3 : size + 3] == ord("t"))
    hit |= omit
    found: Offsets = np.flatnonzero(hit)
    return found


def literals(text: str, size: int, words: tuple[str, ...]) -> Offsets:
    """Offsets below `size` where any of `words` starts; an empty word is everywhere."""
    if "" in words:
        return np.arange(size, dtype=np.intp)
    found: list[int] = []
    for word in words:
        at = text.find(word, 0, size)
        while at >= 0:
            found.append(at)
            at = text.find(word, at + 1, size)
    return np.unique(np.array(found, dtype=np.intp))


def words_at(u: NDArray[np.uint8], size: int, words: tuple[str, ...]) -> Offsets:
    """`literals` on a byte array (`codes.narrow`): each word's first character is found in one
    array pass, and its candidates are narrowed character by character, five times faster than
    `str.find` per word. A word is compared up to its first character beyond Latin-1 (or the
    padding's length), so the offsets are a superset: what they mark only takes the careful
    path."""
    head = u[:size]
    found: list[Offsets] = []
    firsts: dict[str, Offsets] = {}
    for word in words:
        prefix = word[:PAD]
        for i, ch in enumerate(prefix):
            if ord(ch) > 255:
                prefix = prefix[:i]
                break
        if not prefix:
            return np.arange(size, dtype=np.intp)
        if prefix[0] not in firsts:
            firsts[prefix[0]] = np.flatnonzero(head == ord(prefix[0]))
        at = firsts[prefix[0]]
        for k, ch in enumerate(prefix[1:], 1):
            at = at[u[at + k] == ord(ch)]
            if not len(at):
                break
        found.append(at)
    return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.intp)
