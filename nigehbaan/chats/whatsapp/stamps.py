"""Header fields to seconds since 1970, for all headers of a chunk at once."""

from __future__ import annotations

import numpy as np

from nigehbaan.chats.whatsapp.codes import Bools
from nigehbaan.chats.whatsapp.scan import Heads, Ints

_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def seconds(heads: Heads, order: str) -> tuple[Bools, Ints]:
    """Which headers name a real time in `order`, and that time in seconds since 1970.

    Same rules as `datetime(...)` after `headers.StampReader`'s conversion: two-digit years are
    20xx, AM/PM folds the hour, and an impossible date means the line is not a header.
    """
    a, b, c = heads.a, heads.b, heads.c
    if order == "ymd":
        year, month, day = a, b, c
    elif order == "dmy":
        year, month, day = c, b, a
    else:
        year, month, day = c, a, b
    year = np.where(year < 100, year + 2000, year)
    hour = np.where(heads.ap > 0, heads.h % 12 + 12 * (heads.ap == 2), heads.h)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last = _DAYS[np.where(month_ok, month, 0)] + (leap & (month == 2))
    valid = heads.ok & month_ok & (day >= 1) & (day <= last) & (year >= 1) & (year <= 9999)
    valid &= (hour < 24) & (heads.m < 60) & (heads.s < 60)
    # days from civil (H. Hinnant), vectorised
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return valid, days * 86400 + hour * 3600 + heads.m * 60 + heads.s
