"""Literals that system-event wordings must hold, to find candidate lines without regexes.

On Android a line such as `Nadia: Work joined using this group's invite link` reads both as a
message of a known `Nadia` and as the contact `Nadia: Work` joining; only a wording that starts
with its actor can match such a line (the actor takes the name and its colon). Each of those
wordings has a literal every match holds (` joined using `), so the lines that might be events
are found with a few substring searches per chunk rather than a regex per message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ACTOR_FIRST = "(?P<actor>.+?)"
_MIN_KEYWORD = 4
_LEAD = re.compile(r"\(\?P<actor>\.\+\?\)(?:( [^\s\\()\[\]{}.?*+|^$]+)( ?)|( )\(\?:([^()]+)\) )")
_MIN_LEAD = 5


def actor_keyword(pattern: str) -> str | None:
    """The longest literal outside any group in a wording that starts with its actor.

    None for other wordings, and when the pattern has no literal of at least four characters.
    """
    if not pattern.startswith(ACTOR_FIRST):
        return None
    runs, run, depth, i = [], "", 0, len(ACTOR_FIRST)
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" or (depth == 0 and ch in "()[{.^$|?*+"):
            if ch in "?*{" and run:
                run = run[:-1]  # the character before a quantifier may be absent
            if ch == "|" and depth == 0:
                return None
            runs.append(run)
            run = ""
            i = _after(pattern, i)
            depth += ch == "("
            continue
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch != ")":
            run += ch
        i += 1
    best = max(reversed([*runs, run]), key=len)  # on a tie the later, rarer literal
    return best if len(best) >= _MIN_KEYWORD else None


def lead_words(pattern: str) -> tuple[str, ...]:
    """The word right after the actor (` joined`; each of ` changed`, ` deleted` for
    `(?:changed|deleted)`): fewer and shorter literals than `actor_keyword`, so a chunk is
    searched in fewer passes. Falls back to the keyword when the word is too short to be rare.
    """
    found = _LEAD.match(pattern)
    words: tuple[str, ...] = ()
    if found and found[1]:
        words = (found[1] + found[2],)
    elif found and found[4]:
        words = tuple(" " + w + " " for w in found[4].split("|"))
    if words and min(map(len, words)) >= _MIN_LEAD:
        return words
    keyword = actor_keyword(pattern)
    return (keyword,) if keyword else ("",)


def _after(pattern: str, i: int) -> int:
    """The index after the regex token at `i` (an escape, a class, a repeat count, one char)."""
    ch = pattern[i]
    if ch == "\\":
        return i + 2
    if ch in "[{":
        end = pattern.find("]" if ch == "[" else "}", i + 1)
        return len(pattern) if end < 0 else end + 1
    return i + 1


def fewest(keywords: Iterable[str | None]) -> tuple[str, ...]:
    """The keywords to search for: a keyword holding another is found through the other, and a
    wording without one (None) becomes "", which every position holds."""
    words = sorted({k or "" for k in keywords}, key=len)
    kept: list[str] = []
    for word in words:
        if not any(k in word for k in kept):
            kept.append(word)
    return tuple(kept)
