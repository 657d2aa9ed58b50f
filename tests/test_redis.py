"""Redis, when configured: module-state changes and logouts reach every replica at once, and
the login rate limiter counts across replicas.

Runs against ``GONGZHI_TEST_REDIS`` (a Redis URL; CI sets it) or else the local Redis at
``127.0.0.1:6379``, under a random key prefix that is removed afterwards. Skipped when Redis is
unreachable, unless ``GONGZHI_TEST_REDIS`` is set: then an unreachable Redis fails the run.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis import asyncio as aioredis

from core.app import create_app
from core.broadcast import RedisLink
from core.db import Database
from core.identity.authn import PrincipalCache
from core.identity.ratelimit import RedisRateLimiter
from core.settings import Settings
from core.testing import create_user, login_headers, make_tree

REQUIRED = bool(os.environ.get("GONGZHI_TEST_REDIS"))
REDIS_URL = os.environ.get("GONGZHI_TEST_REDIS") or "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A fresh key prefix on a reachable Redis; every key under it is deleted afterwards."""
    client: aioredis.Redis = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        await client.aclose()
        if REQUIRED:
            pytest.fail(f"GONGZHI_TEST_REDIS is set but Redis at {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: set GONGZHI_TEST_REDIS to require it")
    prefix = f"gongzhi-test-{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_a_published_message_reaches_every_subscriber_under_the_same_prefix_only(
    redis_prefix: str,
) -> None:
    received: dict[str, list[str]] = {"same": [], "other": []}
    arrived = asyncio.Event()
    publisher = RedisLink(REDIS_URL, prefix=redis_prefix)
    same = RedisLink(REDIS_URL, prefix=redis_prefix)
    other = RedisLink(REDIS_URL, prefix=redis_prefix + "other:")

    def on_same(message: str) -> None:
        received["same"].append(message)
        arrived.set()

    same.subscribe("module-state", on_same)
    other.subscribe("module-state", received["other"].append)
    await same.start()
    await other.start()
    try:
        await publisher.publish("module-state", "changed")
        await asyncio.wait_for(arrived.wait(), 3)
        await asyncio.sleep(0.1)
        assert received == {"same": ["changed"], "other": []}
    finally:
        for link in (publisher, same, other):
            await link.close()


async def test_switching_a_module_off_on_one_replica_is_seen_by_another_through_redis(
    settings: Settings, backend: str, db: Database, redis_prefix: str
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's LISTEN/NOTIFY would deliver too; SQLite isolates Redis")
    # A state TTL of a minute: only the Redis channel can make the second replica notice.
    shared = settings.with_(redis_url=REDIS_URL, redis_prefix=redis_prefix, module_state_ttl=60.0)
    await make_tree(db, {"district": {"town": {}}})
    route = "/api/v1/tenants/town/five-sector/organisations"
    choice = "/api/v1/tenants/town/modules/five-sector"
    first: Litestar = create_app(shared)
    second: Litestar = create_app(shared)
    async with AsyncTestClient(app=first) as one, AsyncTestClient(app=second) as two:
        await create_user(db, shared, "root", [(None, "platform_admin")])
        headers = await login_headers(one, "root")
        assert (await one.put(choice, json={"enabled": True}, headers=headers)).status_code == 200
        assert (await two.get(route, headers=headers)).status_code == 200
        assert (await one.put(choice, json={"enabled": False}, headers=headers)).status_code == 200
        switched = time.monotonic()
        while (await two.get(route, headers=headers)).status_code != 404:
            assert time.monotonic() - switched < 1.0, "the other replica still serves the module"
            await asyncio.sleep(0.02)


async def test_a_logout_on_one_replica_stops_the_token_on_another_at_once(
    settings: Settings, backend: str, db: Database, redis_prefix: str
) -> None:
    if backend != "sqlite":
        pytest.skip("one backend suffices: the channel does not depend on the database")
    shared = settings.with_(redis_url=REDIS_URL, redis_prefix=redis_prefix)
    await make_tree(db, {"district": {}})
    await create_user(db, shared, "li", [("district", "admin")])
    first: Litestar = create_app(shared)
    second: Litestar = create_app(shared)
    async with AsyncTestClient(app=first) as one, AsyncTestClient(app=second) as two:
        headers = await login_headers(one, "li")
        assert (await two.get("/api/v1/me", headers=headers)).status_code == 200  # now cached
        assert (await one.post("/api/v1/auth/logout", headers=headers)).status_code == 204
        logged_out = time.monotonic()
        while (await two.get("/api/v1/me", headers=headers)).status_code != 401:
            # The principal cache keeps entries for 2 s; the channel must beat that clearly.
            assert time.monotonic() - logged_out < 0.5, "the other replica still accepts the token"
            await asyncio.sleep(0.02)


async def test_the_redis_login_limiter_counts_failures_of_every_replica(
    redis_prefix: str,
) -> None:
    links = [RedisLink(REDIS_URL, prefix=redis_prefix) for _ in range(2)]
    first, second = (RedisRateLimiter(link) for link in links)
    try:
        for limiter in (first, second, first):
            assert await limiter.retry_after("user:li", 3, 60) is None
            await limiter.hit("user:li", 60)
        wait = await second.retry_after("user:li", 3, 60)
        assert wait is not None
        assert 55 <= wait <= 60
        assert await second.retry_after("user:wang", 3, 60) is None
        await second.reset("user:li")
        assert await first.retry_after("user:li", 3, 60) is None
    finally:
        for link in links:
            await link.close()


async def test_failures_leave_the_redis_window_when_it_has_passed(redis_prefix: str) -> None:
    link = RedisLink(REDIS_URL, prefix=redis_prefix)
    limiter = RedisRateLimiter(link)
    try:
        await limiter.hit("addr:10.0.0.1", 0.5)
        await limiter.hit("addr:10.0.0.1", 0.5)
        assert await limiter.retry_after("addr:10.0.0.1", 2, 0.5) == 1
        await asyncio.sleep(0.6)
        assert await limiter.retry_after("addr:10.0.0.1", 2, 0.5) is None
        assert await link.client.ttl(link.key("login", "addr:10.0.0.1")) <= 2
    finally:
        await link.close()


async def test_without_redis_the_limiter_still_limits_in_process_memory() -> None:
    link = RedisLink("redis://127.0.0.1:1/0")
    limiter = RedisRateLimiter(link)
    try:
        for _ in range(3):
            await limiter.hit("user:li", 60)
        assert await limiter.retry_after("user:li", 3, 60) is not None
        await limiter.reset("user:li")
        assert await limiter.retry_after("user:li", 3, 60) is None
    finally:
        await link.close()


def test_a_received_drop_keeps_matching_principals_out_of_the_cache_for_one_ttl() -> None:
    now = [100.0]
    cache = PrincipalCache(ttl=2.0, clock=lambda: now[0])
    user, session = uuid.uuid4(), uuid.uuid4()
    cache.put(f"sid:{session}:{user}", None, user)
    cache.receive(f"sid:{session}")
    assert cache.get(f"sid:{session}:{user}") == (False, None)
    cache.put(f"sid:{session}:{user}", None, user)  # read before the sender committed
    assert cache.get(f"sid:{session}:{user}") == (False, None)
    cache.put("api:other", None, uuid.uuid4())
    assert cache.get("api:other") == (True, None)
    now[0] += 2.5
    cache.put(f"sid:{session}:{user}", None, user)
    assert cache.get(f"sid:{session}:{user}") == (True, None)
