"""Rate limits held in memory and keyed by nothing that identifies a person.

The portal must not record addresses, so it cannot limit "per client". Instead: one token
bucket for everybody's submissions (a flood slows all writers a little rather than filling the
register), one for everybody's receipt checks (bounding Argon2id work and guessing speed),
and failure counts per receipt lookup key (the HMAC of a code's first digits), which caps
guesses against any one group of receipts. A lock on a lookup key expires on its own; the
counts live in a bounded dictionary, so memory cannot be exhausted by random codes.
Per-process: with N portal processes the limits are N times looser, which the README says.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

Clock = Callable[[], float]


class TokenBucket:
    """`capacity` tokens, refilled at `per_minute` a minute; `take` spends one if there is one."""

    def __init__(self, per_minute: int, *, clock: Clock = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.tokens = self.capacity
        self.updated = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


class FailureCounter:
    """Failures per key within a window; a key at `limit` is locked until its window ends."""

    def __init__(self, limit: int, window: float = 900.0, *, max_keys: int = 100_000,
                 clock: Clock = time.monotonic) -> None:
        self.limit, self.window, self.max_keys, self.clock = limit, window, max_keys, clock
        self._counts: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _current(self, key: str, now: float) -> tuple[int, float]:
        count, started = self._counts.get(key, (0, now))
        return (0, now) if now - started >= self.window else (count, started)

    def locked(self, key: str) -> bool:
        with self._lock:
            count, _ = self._current(key, self.clock())
            return count >= self.limit

    def fail(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            count, started = self._current(key, now)
            self._counts[key] = (count + 1, started)
            self._counts.move_to_end(key)
            while len(self._counts) > self.max_keys:
                self._counts.popitem(last=False)

    def forget(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class PortalLimits:
    """The limits of one portal process."""

    def __init__(self, submissions_per_minute: int, attempts_per_minute: int,
                 failures_per_code: int, *, clock: Clock = time.monotonic) -> None:
        self.submissions = TokenBucket(submissions_per_minute, clock=clock)
        self.attempts = TokenBucket(attempts_per_minute, clock=clock)
        self.per_code = FailureCounter(failures_per_code, clock=clock)
