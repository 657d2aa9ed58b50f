"""``gongzhi plugins new NAME``: a separate, installable plugin distribution that passes its own
tests right after generation.

It has the shape of every Gongzhi module: one model and its migration, one permission, one
setting, and one folder per aggregate (here ``items/``) holding that aggregate's routes, services
and schemas, written on the kernel's SDK (``Page``/``paging``, ``in_subtree``, the ``caller`` and
``config`` dependencies, typed answers), and one test."""

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

Everything the module offers is declared in :data:`MANIFEST`; the host reads it when the plugin
loads.
"""

from __future__ import annotations

from pathlib import Path

from core import (
    ApiCall,
    IsolationFixtures,
    IsolationTenant,
    Manifest,
    Permission,
    hookimpl,
)

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
    isolation=IsolationFixtures(
        create=_create, bodies={"POST /$name/items": lambda ids: {"title": "新条目"}}
    ),
)


@hookimpl
def gongzhi_manifest() -> Manifest:
    return MANIFEST
''',
    "src/$package/models.py": '''\
"""Tables of the $name module."""

from __future__ import annotations

import uuid

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core import Base, TenantOwned, Timestamps, UUIDPrimaryKey


class ${classname}Item(UUIDPrimaryKey, TenantOwned, Timestamps, Base):
    """One item recorded by a tenant."""

    __tablename__ = "${package}_items"

    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
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
''',
    "src/$package/items/services.py": '''\
"""Items of the $name module: a tenant sees its subtree's items; new ones belong to it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Conflict, NotFound, Tenant, in_subtree
from $package.items.schemas import Item, ItemCreate
from $package.models import ${classname}Item


def answer(row: ${classname}Item) -> Item:
    return Item(id=row.id, title=row.title, created_by=row.created_by, created_at=row.created_at)


def query(tenant: Tenant) -> Select[${classname}Item]:
    """The items of the tenant's subtree, newest first."""
    return (
        select(${classname}Item)
        .where(in_subtree(${classname}Item.tenant_id, tenant))
        .order_by(${classname}Item.created_at.desc(), ${classname}Item.id)
    )


async def get(session: AsyncSession, tenant: Tenant, item_id: uuid.UUID) -> ${classname}Item:
    """The item if it lies in the tenant's subtree; another tenant's item is 404, never 403."""
    row = (
        await session.execute(query(tenant).where(${classname}Item.id == item_id))
    ).scalar_one_or_none()
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
    row = ${classname}Item(tenant_id=tenant.id, title=body.title.strip(), created_by=caller.id)
    session.add(row)
    await session.flush()
    return row
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
"""The $name module answers where it is enabled and keeps each tenant's items apart."""

from __future__ import annotations

from typing import Any


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
