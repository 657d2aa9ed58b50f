"""``gongzhi plugins new NAME``: a separate, installable plugin distribution that passes its own
tests right after generation.

It has the shape of every Gongzhi module: one model and its migration, one permission, one
setting, and one folder per aggregate (here ``items/``) holding that aggregate's routes, services
and schemas, written on the kernel's SDK (``Page``/``paging``, ``in_subtree``, the ``caller`` and
``config`` dependencies, typed answers). It also declares what issue 11 asks of an outside
plugin, so an author starts from a working example of each: a metric, an event emitted when an
item is created with a subscriber that is idempotent on ``event.id``, demo data, and tests that
run the isolation matrix and check the metric and the event."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from core.modules.manifest import MODULE_NAME_RE


class ScaffoldError(ValueError):
    """The name or target folder cannot be used; the message says why."""


_FILES: dict[str, str] = {
    "pyproject.toml": """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "gongzhi-$name"
version = "0.1.0"
description = "$title_en: a Gongzhi module"
requires-python = ">=3.11"
dependencies = ["gongzhi>=0.1"]

[project.entry-points."gongzhi.plugins"]
$name = "$package"

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
""",
    "README.md": """\
# gongzhi-$name

$title_en, a module for Gongzhi (共治).

    pip install -e .          # registers the plugin through the gongzhi.plugins entry point
    gongzhi db upgrade        # creates its tables (Alembic branch "$name")
    pytest                    # its tests, on SQLite (and PostgreSQL with GONGZHI_TEST_POSTGRES)

Switch it on for a tenant with `PUT /api/v1/tenants/{tenant}/modules/$name`
(`{"enabled": true}`); its routes live under `/api/v1/tenants/{tenant}/$name/`.
""",
    "src/$package/__init__.py": '''\
"""$title_en: a Gongzhi module.

What the module has (routes, table, metric, event, isolation fixtures) is declared in
:data:`MANIFEST`, which the host reads when the plugin loads; the hooks below are what it does
besides (hear its own event, load demo data).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core import (
    ApiCall,
    DemoContext,
    IsolationFixtures,
    IsolationTenant,
    Manifest,
    Permission,
    hookimpl,
)

from $package import demo
from $package.events import EVENTS, ITEM_CREATED
from $package.items import services as items
from $package.metrics import METRICS
from $package.routes import ROUTES


async def _create(call: ApiCall, tenant: IsolationTenant) -> dict[str, str]:
    """How the tenant-isolation tests make this module's data."""
    item = await call("POST", "/$name/items", {"title": "隔离测试"})
    return {"item_id": str(item["id"])}


MANIFEST = Manifest(
    name="$name",
    title="$title_zh",
    title_en="$title_en",
    version="0.1.0",
    description="$title_en",
    core=">=0.2,<0.3",
    settings={"max_items": 1000},
    permissions=[
        Permission(
            "$name:use",
            "使用本模块",
            "Use $title_en",
            frozenset({"admin", "staff", "member"}),
            owner="$name",
        )
    ],
    routes=ROUTES,
    migrations=Path(__file__).parent / "migrations" / "versions",
    metrics=METRICS,
    events=EVENTS,
    isolation=IsolationFixtures(
        create=_create, bodies={"POST /$name/items": lambda ids: {"title": "新条目"}}
    ),
)


@hookimpl
def gongzhi_manifest() -> Manifest:
    return MANIFEST


@hookimpl
def gongzhi_subscribe(subscribe: Callable[[str, Any], None]) -> None:
    """Each new item is marked announced once its creation event is delivered."""
    subscribe(ITEM_CREATED, items.announce)


@hookimpl
async def gongzhi_demo_load(context: DemoContext) -> None:
    await demo.load(context)
''',
    "src/$package/models.py": '''\
"""Tables of the $name module."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core import Base, TenantOwned, Timestamps, UTCDateTime, UUIDPrimaryKey


class ${classname}Item(UUIDPrimaryKey, TenantOwned, Timestamps, Base):
    """One item recorded by a tenant; ``announced_*`` are set by the subscriber of its
    ``$name.item-created`` event, once."""

    __tablename__ = "${package}_items"

    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    announced_by_event: Mapped[uuid.UUID | None] = mapped_column(Uuid)
''',
    "src/$package/routes.py": '''\
"""Every HTTP route of the $name module, aggregate by aggregate, mounted by the host at
/api/v1/tenants/{tenant_key}/$name."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from $package.items import routes as items

ROUTES: list[ControllerRouterHandler] = [*items.ROUTES]
''',
    "src/$package/items/__init__.py": '''\
"""Items: one folder per aggregate, with its routes, services and schemas."""
''',
    "src/$package/items/schemas.py": '''\
"""The request body and the answer of the items API, published in the OpenAPI document."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

Title = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=200, pattern=r"\\S", description="标题 / title"),
]


class ItemCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title


class Item(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    title: str
    created_by: uuid.UUID | None
    created_at: datetime
    announced_at: datetime | None
''',
    "src/$package/items/services.py": '''\
"""Items of the $name module: a tenant sees its subtree's items; new ones belong to it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Conflict, Event, NotFound, Tenant, emit, in_subtree, row_in_subtree
from $package.events import ITEM_CREATED, ItemCreated
from $package.items.schemas import Item, ItemCreate
from $package.models import ${classname}Item


def answer(row: ${classname}Item) -> Item:
    return Item(
        id=row.id,
        title=row.title,
        created_by=row.created_by,
        created_at=row.created_at,
        announced_at=row.announced_at,
    )


def query(tenant: Tenant) -> Select[${classname}Item]:
    """The items of the tenant's subtree, newest first."""
    return (
        select(${classname}Item)
        .where(in_subtree(${classname}Item.tenant_id, tenant))
        .order_by(${classname}Item.created_at.desc(), ${classname}Item.id)
    )


async def get(session: AsyncSession, tenant: Tenant, item_id: uuid.UUID) -> ${classname}Item:
    """The item if it lies in the tenant's subtree; another tenant's item is 404, never 403.
    One row read by its id: ``row_in_subtree`` looks its tenant up rather than listing the
    subtree as the list's ``in_subtree`` does."""
    row = await session.scalar(
        select(${classname}Item).where(
            ${classname}Item.id == item_id, row_in_subtree(${classname}Item.tenant_id, tenant)
        )
    )
    if row is None:
        raise NotFound("条目")
    return row


async def create(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    caller: Caller,
    body: ItemCreate,
) -> ${classname}Item:
    """A new item at the tenant, refused once the tenant holds ``max_items`` (a setting)."""
    held = await session.scalar(
        select(func.count()).where(${classname}Item.tenant_id == tenant.id)
    )
    if int(held or 0) >= int(config["max_items"]):
        raise Conflict("条目数已达上限", title_en="Too many items", code="too-many-items")
    return await record(session, tenant, body.title.strip(), created_by=caller.id)


async def record(
    session: AsyncSession, tenant: Tenant, title: str, *, created_by: uuid.UUID | None
) -> ${classname}Item:
    """An item at the tenant and its ``$name.item-created`` event, in one transaction: the
    route and the demo data both write items through here, so neither misses the event."""
    row = ${classname}Item(tenant_id=tenant.id, title=title, created_by=created_by)
    session.add(row)
    await session.flush()
    await emit(
        session, ITEM_CREATED, tenant_id=tenant.id, payload=ItemCreated(item_id=row.id, title=title)
    )
    return row


async def announce(session: AsyncSession, event: Event) -> None:
    """Subscriber of ``$name.item-created``: stamps the item with the event that announced it.

    Events are delivered at least once (a failed delivery is retried), so this is idempotent on
    ``event.id``: only an item no event has stamped yet changes, and the same event delivered
    again finds it stamped and changes nothing.
    """
    created = event.payload_as(ItemCreated)
    await session.execute(
        update(${classname}Item)
        .where(
            ${classname}Item.id == created.item_id,
            ${classname}Item.announced_by_event.is_(None),
        )
        .values(announced_at=event.occurred_at, announced_by_event=event.id)
        .execution_options(synchronize_session=False)
    )
''',
    "src/$package/items/routes.py": '''\
"""HTTP routes of items, each declaring the permission it needs and a typed answer."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, ModuleConfig, Page, Paging, Tenant, paginate
from $package.items import services
from $package.items.schemas import Item, ItemCreate

USE = {"permission": "$name:use"}


@get("/items", opt=USE)
async def list_items(tenant: Tenant, session: AsyncSession, paging: Paging) -> Page[Item]:
    """The items of the tenant's subtree, newest first, one page at a time."""
    return await paginate(session, services.query(tenant), paging, services.answer)


@get("/items/{item_id:uuid}", opt=USE)
async def get_item(tenant: Tenant, session: AsyncSession, item_id: uuid.UUID) -> Item:
    return services.answer(await services.get(session, tenant, item_id))


@post("/items", opt=USE)
async def create_item(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, caller: Caller, data: ItemCreate
) -> Item:
    """A new item, recorded with the caller who made it."""
    return services.answer(await services.create(session, tenant, config, caller, data))


ROUTES = [list_items, get_item, create_item]
''',
    "src/$package/events.py": '''\
"""Events of the $name module, declared in the manifest so that ``emit`` checks each payload."""

from __future__ import annotations

import uuid

import msgspec

from core import EventContract

ITEM_CREATED = "$name.item-created"


class ItemCreated(msgspec.Struct, frozen=True, kw_only=True):
    """Payload of ``$name.item-created``."""

    item_id: uuid.UUID
    title: str


EVENTS = [EventContract(ITEM_CREATED, ItemCreated, "新增了一个条目", "An item was created")]
''',
    "src/$package/metrics.py": '''\
"""Roll-up figures of the $name module: the core sums them over any subtree, per child."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from core import MetricQuery
from $package.models import ${classname}Item


def _items_per_tenant() -> Select[Any, Any]:
    return select(${classname}Item.tenant_id, func.count()).group_by(${classname}Item.tenant_id)


METRICS = [MetricQuery("$name.items", "条目数", "Items", "count", _items_per_tenant)]
''',
    "src/$package/demo.py": '''\
"""Demonstration items for ``gongzhi demo load``: a few at every tenant without children."""

from __future__ import annotations

from sqlalchemy import select

from core import DemoContext
from $package.items import services
from $package.models import ${classname}Item

DEMO_TITLES = ("停水通知", "垃圾分类宣传周", "志愿者招募")


async def load(context: DemoContext) -> None:
    """Add the demo titles each leaf tenant lacks, through the service (so each item's event
    is emitted too); a second run finds them all and adds nothing."""
    parents = {tenant.parent_id for tenant in context.tenants.values()}
    for slug in sorted(context.tenants):
        tenant = context.tenants[slug]
        if tenant.id in parents:
            continue
        held = set(
            await context.session.scalars(
                select(${classname}Item.title).where(
                    ${classname}Item.tenant_id == tenant.id,
                    ${classname}Item.title.in_(DEMO_TITLES),
                )
            )
        )
        for title in DEMO_TITLES:
            if title not in held:
                await services.record(context.session, tenant, title, created_by=None)
''',
    "src/$package/migrations/__init__.py": "",
    "src/$package/migrations/versions/__init__.py": "",
    "src/$package/migrations/versions/${package}_0001.py": '''\
"""$title_en: first tables.

Revision ID: ${package}_0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core import enable_tenant_rls

revision: str = "${package}_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("$name",)
depends_on: str | Sequence[str] | None = "0001_tenants"


def upgrade() -> None:
    op.create_table(
        "${package}_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("announced_by_event", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_${package}_items"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name="fk_${package}_items_tenant_id_tenants",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_${package}_items_tenant_id", "${package}_items", ["tenant_id"])
    # Row-level security on PostgreSQL (nothing on SQLite): rows stay inside their tenant's
    # subtree even where a query forgets its filter.
    enable_tenant_rls(op, "${package}_items")


def downgrade() -> None:
    op.drop_table("${package}_items")
''',
    "tests/test_$package.py": '''\
"""The $name module answers where it is enabled, keeps each tenant's items apart, counts them in
its metric, announces them through its event and loads demo data once."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from core import DemoContext, Event
from $package import gongzhi_demo_load
from $package.events import ITEM_CREATED
from $package.items import services
from $package.models import ${classname}Item


async def test_items_are_served_where_the_module_is_enabled(
    gongzhi_admin_client: Any, gongzhi_tree: Any
) -> None:
    client = gongzhi_admin_client
    await gongzhi_tree({"district": {"town": {"community": {}, "neighbour": {}}}})
    assert (await client.get("/api/v1/tenants/community/$name/items")).status_code == 404

    enabled = await client.put("/api/v1/tenants/community/modules/$name", json={"enabled": True})
    assert enabled.status_code == 200, enabled.text
    created = await client.post("/api/v1/tenants/community/$name/items", json={"title": "第一条"})
    assert created.status_code == 201, created.text
    listed = (await client.get("/api/v1/tenants/community/$name/items")).json()
    assert [item["title"] for item in listed["items"]] == ["第一条"]
    assert (await client.get("/api/v1/tenants/neighbour/$name/items")).status_code == 404
    bad = await client.post("/api/v1/tenants/community/$name/items", json={"title": " "})
    assert bad.status_code == 422


async def test_items_are_paged_and_seen_from_above_but_not_from_beside(
    gongzhi_admin_client: Any, gongzhi_tree: Any
) -> None:
    client = gongzhi_admin_client
    await gongzhi_tree({"district": {"town": {"community": {}, "neighbour": {}}}})
    for tenant in ("town", "community", "neighbour"):
        enabled = await client.put(f"/api/v1/tenants/{tenant}/modules/$name", json={"enabled": True})
        assert enabled.status_code == 200, enabled.text
    ids = []
    for n in range(3):
        created = await client.post(
            "/api/v1/tenants/community/$name/items", json={"title": f"条目{n}"}
        )
        assert created.json()["created_by"] is not None
        ids.append(created.json()["id"])
    page = (await client.get("/api/v1/tenants/town/$name/items?limit=2")).json()
    assert (len(page["items"]), page["total"], page["limit"], page["offset"]) == (2, 3, 2, 0)
    assert (await client.get(f"/api/v1/tenants/town/$name/items/{ids[0]}")).status_code == 200
    beside = await client.get(f"/api/v1/tenants/neighbour/$name/items/{ids[0]}")
    assert beside.status_code == 404
    too_many = await client.get("/api/v1/tenants/town/$name/items?limit=1000")
    assert too_many.status_code == 400


async def test_the_metric_counts_items_and_the_event_announces_each_once(
    gongzhi_admin_client: Any, gongzhi_tree: Any, gongzhi_db: Any
) -> None:
    client = gongzhi_admin_client
    await gongzhi_tree({"district": {"town": {"community": {}, "neighbour": {}}}})
    for tenant in ("town", "community"):
        enabled = await client.put(f"/api/v1/tenants/{tenant}/modules/$name", json={"enabled": True})
        assert enabled.status_code == 200, enabled.text
    ids = []
    for tenant, title in (("community", "一"), ("community", "二"), ("town", "三")):
        created = await client.post(f"/api/v1/tenants/{tenant}/$name/items", json={"title": title})
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])

    rollup = await client.get("/api/v1/tenants/town/metrics")
    assert rollup.status_code == 200, rollup.text
    (figure,) = [f for f in rollup.json()["figures"] if f["name"] == "$name.items"]
    assert (figure["total"], figure["own"]) == (3, 1)
    assert {c["slug"]: c["value"] for c in figure["children"]}["community"] == 2

    # The subscriber ran after each creating request committed.
    item = (await client.get(f"/api/v1/tenants/town/$name/items/{ids[0]}")).json()
    assert item["announced_at"] is not None
    async with gongzhi_db.session() as session:
        row = await session.get(${classname}Item, uuid.UUID(ids[0]))
        stamped = (row.announced_by_event, row.announced_at)
    assert stamped[0] is not None
    # A retry delivers the same event again: nothing changes.
    again = Event(
        id=stamped[0],
        type=ITEM_CREATED,
        source="$name",
        tenant_id=row.tenant_id,
        payload={"item_id": ids[0], "title": "一"},
        occurred_at=stamped[1] + timedelta(hours=1),
    )
    async with gongzhi_db.session(write=True) as session:
        await services.announce(session, again)
    async with gongzhi_db.session() as session:
        row = await session.get(${classname}Item, uuid.UUID(ids[0]))
        assert (row.announced_by_event, row.announced_at) == stamped


async def test_demo_data_is_loaded_once_at_the_leaves(
    gongzhi_app: Any, gongzhi_tree: Any, gongzhi_db: Any
) -> None:
    """The hook as ``gongzhi demo load`` calls it (``gongzhi_app`` loads the plugins, which
    declares the event that ``emit`` checks), twice: the second run adds nothing."""
    tenants = await gongzhi_tree({"district": {"town": {"community": {}, "village": {}}}})

    async def load() -> int:
        async with gongzhi_db.session(write=True) as session:
            context = DemoContext(
                session=session,
                root=tenants["district"],
                tenants=tenants,
                random=random.Random(0),
                today=date.today(),
            )
            await gongzhi_demo_load(context)
        async with gongzhi_db.session() as session:
            rows = list(await session.scalars(select(${classname}Item.tenant_id)))
        assert {tenant_id for tenant_id in rows} == {
            tenants["community"].id,
            tenants["village"].id,
        }
        return len(rows)

    assert await load() == 6
    assert await load() == 6
''',
    "tests/test_isolation.py": '''\
"""No other tenant reads or changes the $name module's items, and its table has row-level
security: the kernel's isolation matrix, run from this plugin's own tests."""

from __future__ import annotations

from typing import Any


async def test_no_other_tenant_reads_or_changes_items(gongzhi_isolation_check: Any) -> None:
    report = await gongzhi_isolation_check("$name")
    assert (report.reads, report.writes) == (2, 1)
    assert report.tables == ("${package}_items",)
''',
}


def scaffold(name: str, directory: Path, *, title_zh: str = "新模块") -> Path:
    """Write the distribution ``gongzhi-<name>`` under ``directory``; returns its folder."""
    if not MODULE_NAME_RE.match(name) or len(name) > 40:
        raise ScaffoldError(f"{name!r} is not a kebab-case module name (a-z, 0-9, '-')")
    package = "gongzhi_" + name.replace("-", "_")
    target = directory / f"gongzhi-{name}"
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    values = {
        "name": name,
        "package": package,
        "classname": "".join(part.capitalize() for part in re.split(r"-", name)),
        "title_en": " ".join(part.capitalize() for part in name.split("-")),
        "title_zh": title_zh.replace('"', ""),
    }
    for relative, content in _FILES.items():
        path = target / Template(relative).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(content).substitute(values), encoding="utf-8")
    return target
