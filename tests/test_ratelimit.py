"""The in-memory sliding window behind login limits."""

from __future__ import annotations

from core.identity.ratelimit import MemoryRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_key_over_its_limit_waits_until_the_oldest_failure_leaves_the_window() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    for _ in range(3):
        assert await limiter.retry_after("k", 3, 60) is None
        await limiter.hit("k", 60)
        clock.now += 10
    assert await limiter.retry_after("k", 3, 60) == 30
    assert await limiter.retry_after("other", 3, 60) is None
    clock.now += 30
    assert await limiter.retry_after("k", 3, 60) is None


async def test_reset_forgets_a_keys_failures() -> None:
    limiter = MemoryRateLimiter(Clock())
    for _ in range(5):
        await limiter.hit("k", 60)
    assert await limiter.retry_after("k", 5, 60) is not None
    await limiter.reset("k")
    assert await limiter.retry_after("k", 5, 60) is None
