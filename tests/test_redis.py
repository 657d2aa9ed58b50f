"""Redis, when configured: module-state changes reach every replica at once.

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
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis import asyncio as aioredis

from core.app import create_app
from core.broadcast import RedisLink
from core.db import Database
from core.settings import Settings
from core.testing import make_tree

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
        headers = await _admin_headers(one, db, shared)
        assert (await one.put(choice, json={"enabled": True}, headers=headers)).status_code == 200
        assert (await two.get(route, headers=headers)).status_code == 200
        assert (await one.put(choice, json={"enabled": False}, headers=headers)).status_code == 200
        switched = time.monotonic()
        while (await two.get(route, headers=headers)).status_code != 404:
            assert time.monotonic() - switched < 1.0, "the other replica still serves the module"
            await asyncio.sleep(0.02)


async def _admin_headers(
    client: AsyncTestClient[Litestar], db: Database, settings: Settings
) -> Any:
    return {}
