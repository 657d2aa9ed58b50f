"""Limiting failed logins per account and per client address.

:class:`RateLimiter` is the interface; :class:`MemoryRateLimiter` keeps a sliding window of
failure times per key in this process, :class:`RedisRateLimiter` the same window in Redis so
that every replica counts the same failures (used when ``GONGZHI_REDIS_URL`` is set).
"""

from __future__ import annotations

import math
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Protocol

import structlog
from redis.exceptions import RedisError

from core.broadcast import RedisLink

log = structlog.get_logger("gongzhi.ratelimit")

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


class RedisRateLimiter:
    """The same sliding window, kept in Redis so every replica counts the same failures.

    Each key is a sorted set of failure times (Redis server time, so replicas' clocks do not
    matter) under ``<prefix>login:``; it expires once its window has passed. While Redis cannot
    be reached, failures are counted in ``fallback`` (this process's memory) instead: logins
    neither fail nor go unlimited.
    """

    def __init__(self, link: RedisLink, fallback: RateLimiter | None = None) -> None:
        self.link = link
        self.fallback: RateLimiter = fallback or MemoryRateLimiter()

    def _key(self, key: str) -> str:
        return self.link.key("login", key)

    async def _now(self) -> float:
        seconds, micros = await self.link.client.time()
        return float(seconds) + float(micros) / 1_000_000

    async def retry_after(self, key: str, limit: int, window: float) -> int | None:
        try:
            now = await self._now()
            pipe = self.link.client.pipeline(transaction=True)
            pipe.zremrangebyscore(self._key(key), "-inf", now - window)
            pipe.zrange(self._key(key), 0, -1, withscores=True)
            _, hits = await pipe.execute()
        except RedisError as exc:
            log.warning("rate_limiter_redis_unavailable", error=str(exc))
            return await self.fallback.retry_after(key, limit, window)
        if len(hits) < limit:
            return None
        oldest_that_counts = float(hits[len(hits) - limit][1])
        return max(1, math.ceil(oldest_that_counts + window - now))

    async def hit(self, key: str, window: float) -> None:
        try:
            now = await self._now()
            pipe = self.link.client.pipeline(transaction=True)
            pipe.zadd(self._key(key), {f"{now:.6f}:{uuid.uuid4().hex[:8]}": now})
            pipe.zremrangebyscore(self._key(key), "-inf", now - window)
            pipe.expire(self._key(key), math.ceil(window) + 1)
            await pipe.execute()
        except RedisError as exc:
            log.warning("rate_limiter_redis_unavailable", error=str(exc))
            await self.fallback.hit(key, window)

    async def reset(self, key: str) -> None:
        await self.fallback.reset(key)
        try:
            await self.link.client.delete(self._key(key))
        except RedisError as exc:
            log.warning("rate_limiter_redis_unavailable", error=str(exc))
