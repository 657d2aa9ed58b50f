"""Tenant resolution is cached per process, yet a committed change to the tree is seen at once
by the next request, whether made through the API or directly through another session."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import inspect, select, update

from core.db import Database
from core.readconn import READ_CONNECTION_KEY
from core.settings import Settings
from core.tenancy.cache import TenantCache, attach_copy, find_tenant
from core.tenancy.models import Tenant
from core.tenancy.service import NewTenant, create_tenant

Client = AsyncTestClient[Litestar]
API = "/api/v1/tenants"
COLUMNS = tuple(column.key for column in Tenant.__table__.columns)


async def _district(db: Database, settings: Settings) -> None:
    async with db.session(write=True) as session:
        await create_tenant(
            session,
            settings,
            None,
            NewTenant(slug="wangcheng", name="望城区", level="district", division_code="430112"),
        )


def _loaded_as(
    tenant: Tenant | None, expected: dict[str, Any], *, detached: bool = False
) -> Tenant:
    """``tenant``, checked to hold ``expected`` in every column: persistent (or ``detached``),
    clean, nothing unloaded."""
    assert tenant is not None
    assert {name: getattr(tenant, name) for name in COLUMNS} == expected
    state = inspect(tenant)
    assert state.detached if detached else state.persistent
    assert not state.modified
    assert not state.unloaded
    return tenant


def _town_under(district: Tenant) -> Tenant:
    """A new town below ``district``, not yet flushed."""
    return Tenant(
        slug="tongguan",
        name="铜官街道",
        level="town",
        parent_id=district.id,
        path=f"{district.path}{'0' * 32}/",
        depth=1,
    )


async def test_a_slug_changed_through_the_api_resolves_at_once(
    admin_client: Client, db: Database, settings: Settings
) -> None:
    await _district(db, settings)
    assert (await admin_client.get(f"{API}/wangcheng")).status_code == 200

    changed = await admin_client.patch(f"{API}/wangcheng", json={"slug": "wangcheng-qu"})
    assert changed.status_code == 200, changed.text

    assert (await admin_client.get(f"{API}/wangcheng")).status_code == 404
    renamed = await admin_client.get(f"{API}/wangcheng-qu")
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "望城区"


async def test_a_change_committed_by_another_session_is_seen_by_the_next_request(
    admin_client: Client, db: Database, settings: Settings
) -> None:
    await _district(db, settings)
    assert (await admin_client.get(f"{API}/430112")).json()["name"] == "望城区"

    async with db.session(write=True) as session:
        await session.execute(
            update(Tenant).where(Tenant.slug == "wangcheng").values(name="望城区（新）")
        )

    assert (await admin_client.get(f"{API}/430112")).json()["name"] == "望城区（新）"


async def test_a_failed_change_leaves_the_cached_tenant_as_it_was(
    admin_client: Client, db: Database, settings: Settings
) -> None:
    await _district(db, settings)
    assert (await admin_client.get(f"{API}/wangcheng")).status_code == 200

    refused = await admin_client.patch(f"{API}/wangcheng", json={"name": ""})
    assert refused.status_code == 422

    assert (await admin_client.get(f"{API}/wangcheng")).json()["name"] == "望城区"


async def test_the_tenant_handed_to_a_handler_is_the_session_s_own_clean_copy(
    db: Database, settings: Settings
) -> None:
    """:func:`attach_copy` gives what ``merge(load=False)`` gave: a clean persistent copy whose
    changes are written on commit, while the request's detached copy never changes or expires."""
    await _district(db, settings)
    cache = TenantCache(60.0)
    async with db.session() as session:
        assert await cache.find(session, "wangcheng") is not None
    resolved = cache.cached("wangcheng")
    assert resolved is not None
    assert inspect(resolved).detached
    assert not inspect(resolved).modified
    assert not inspect(resolved).unloaded

    async with db.session(write=True) as session:
        copy = attach_copy(session.sync_session, resolved)
        state = inspect(copy)
        assert copy is not resolved
        assert state.persistent
        assert not state.modified
        assert copy in session
        assert attach_copy(session.sync_session, resolved) is copy
        assert {name: getattr(copy, name) for name in COLUMNS} == {
            name: getattr(resolved, name) for name in COLUMNS
        }
        copy.name = "望城"
    async with db.session() as session:
        stored = await session.scalar(select(Tenant.name).where(Tenant.id == resolved.id))
    assert stored == "望城"
    assert resolved.name == "望城区"

    async with db.session() as session:
        loaded = await session.scalar(select(Tenant).where(Tenant.id == resolved.id))
        assert attach_copy(session.sync_session, resolved) is loaded
        await session.rollback()
    assert resolved.slug == "wangcheng"


async def test_an_expired_entry_is_re_read_by_one_request_while_the_others_keep_it(
    db: Database, settings: Settings
) -> None:
    """At every expiry under load, each request in flight used to re-read the tenant at once.
    The first to find the entry expired re-reads it; the others keep the expired entry
    meanwhile, for at most another ``ttl``; a tenant gone since is forgotten."""
    await _district(db, settings)
    cache = TenantCache(ttl=0.2)
    async with db.session() as session:
        assert await cache.find(session, "wangcheng") is not None
    assert cache.cached("wangcheng") is not None
    cache._entries["wangcheng"] = (
        cache._entries["wangcheng"][0] - 0.25,
        cache._entries["wangcheng"][1],
    )

    assert cache.cached("wangcheng") is None, "the first request re-reads"
    kept = cache.cached("wangcheng")
    assert kept is not None, "the others keep the entry meanwhile"
    assert kept.slug == "wangcheng"

    async with db.session(write=True) as session:
        await session.execute(update(Tenant).where(Tenant.slug == "wangcheng").values(name="新"))
    async with db.session() as session:
        assert (await cache.find(session, "wangcheng")) is not None
    fresh = cache.cached("wangcheng")
    assert fresh is not None
    assert fresh.name == "新"

    stamp, row = cache._entries["wangcheng"]
    cache._entries["wangcheng"] = (stamp - 0.45, row)
    assert cache.cached("wangcheng") is None
    assert cache.cached("wangcheng") is None, "past twice the ttl nobody keeps it"

    async with db.session(write=True) as session:
        await session.execute(update(Tenant).where(Tenant.slug == "wangcheng").values(slug="w2"))
    async with db.session() as session:
        assert await cache.find(session, "wangcheng") is None
    assert "wangcheng" not in cache._entries


async def test_derived_values_are_recomputed_by_one_request_at_a_time() -> None:
    cache = TenantCache(ttl=0.2)
    cache.keep("k", 1)
    assert cache.derived("k") == 1
    stamp, value = cache._derived["k"]
    cache._derived["k"] = (stamp - 0.25, value)
    assert cache.derived("k") is None
    assert cache.derived("k") == 1
    cache.keep("k", 2)
    assert cache.derived("k") == 2


async def test_find_tenant_answers_as_select_tenant_does(db: Database, settings: Settings) -> None:
    """:func:`find_tenant` builds the tenant from a row instead of the ORM's loader; what it
    answers is what ``select(Tenant)`` answers: every column loaded and clean, by slug or by
    division code, the session's own object when it holds one, a tenant added but not yet
    flushed (the session flushes first), None for an unknown key."""
    await _district(db, settings)
    async with db.session(write=True) as session:
        loaded = (
            await session.execute(select(Tenant).where(Tenant.slug == "wangcheng"))
        ).scalar_one()
        expected = {name: getattr(loaded, name) for name in COLUMNS}
        session.expunge(loaded)
        found = _loaded_as(await find_tenant(session, "wangcheng"), expected)
        assert found is not loaded
        assert found in session
        assert await find_tenant(session, "430112") is found
        found.name = "望城"
        assert await find_tenant(session, "wangcheng") is found
        assert await find_tenant(session, "nowhere") is None
        added = _town_under(found)
        session.add(added)
        assert await find_tenant(session, "tongguan") is added
    async with db.session() as session:
        renamed = await find_tenant(session, "wangcheng")
        assert renamed is not None
        assert renamed.name == "望城"


async def test_find_tenant_in_a_read_request_answers_the_same_without_the_orm_s_connection(
    db: Database, settings: Settings
) -> None:
    """In a read request's session, :func:`find_tenant` runs its lookup on the request's read
    connection: the tenant ``select(Tenant)`` gives, clean and fully loaded, but detached,
    while the ORM never takes the connection (so the read ends on the driver) nor begins its
    unit of work. A session holding a pending change still flushes it first, through the ORM,
    and gets a persistent tenant."""
    await _district(db, settings)
    async with db.session() as session:
        loaded = (
            await session.execute(select(Tenant).where(Tenant.slug == "wangcheng"))
        ).scalar_one()
        expected = {name: getattr(loaded, name) for name in COLUMNS}
    async with db.session(shared_read=True) as session:
        shared = session.sync_session.info[READ_CONNECTION_KEY]
        found = _loaded_as(await find_tenant(session, "wangcheng"), expected, detached=True)
        _loaded_as(await find_tenant(session, "430112"), expected, detached=True)
        assert await find_tenant(session, "nowhere") is None
        assert shared.connection is None, "the ORM took the read's connection"
        assert session.sync_session.get_transaction() is None, "the ORM's unit of work began"
        session.add(_town_under(found))
        added = await find_tenant(session, "tongguan")
        assert added is not None
        assert added.name == "铜官街道"
        assert inspect(added).persistent
        assert shared.connection is not None, "a pending change is flushed by the ORM first"
        await session.rollback()
