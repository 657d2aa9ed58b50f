"""Limiting failed logins per account and per client address.

:class:`RateLimiter` is the interface (async, so a Redis-backed implementation can follow);
:class:`MemoryRateLimiter` keeps a sliding window of failure times per key in this process.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

MAX_KEYS = 100_000
"""Keys kept before idle ones are dropped, so a flood of addresses cannot grow memory forever."""


class RateLimiter(Protocol):
    async def retry_after(self, key: str, limit: int, window: float) -> int | None:
        """Seconds until ``key`` may try again, or None if it is under ``limit``."""

    async def hit(self, key: str, window: float) -> None:
        """Count one failure for ``key``."""

    async def reset(self, key: str) -> None:
        """Forget the failures of ``key`` (after a successful login)."""


class MemoryRateLimiter:
    """A sliding window of failure timestamps per key, in process memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    def _prune(self, key: str, window: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        horizon = self._clock() - window
        while hits and hits[0] <= horizon:
            hits.popleft()
        return hits

    async def retry_after(self, key: str, limit: int, window: float) -> int | None:
        hits = self._prune(key, window)
        if len(hits) < limit:
            return None
        oldest_that_counts = hits[len(hits) - limit]
        return max(1, math.ceil(oldest_that_counts + window - self._clock()))

    async def hit(self, key: str, window: float) -> None:
        if len(self._hits) > MAX_KEYS:
            horizon = self._clock() - window
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > horizon}
        self._prune(key, window).append(self._clock())

    async def reset(self, key: str) -> None:
        self._hits.pop(key, None)
