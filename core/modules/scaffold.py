"""``gongzhi plugins new NAME``: a separate, installable plugin distribution that passes its own
tests right after generation (one model, one migration, one route, one permission, one test)."""

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

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core import Base, TenantOwned, Timestamps, UUIDPrimaryKey


class ${classname}Item(UUIDPrimaryKey, TenantOwned, Timestamps, Base):
    """One item recorded by a tenant."""

    __tablename__ = "${package}_items"

    title: Mapped[str] = mapped_column(String(200))
''',
    "src/$package/routes.py": '''\
"""HTTP routes of the $name module, mounted at /api/v1/tenants/{tenant}/$name."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get, post
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Invalid, Tenant
from $package.models import ${classname}Item


class ItemIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str


def _item(row: ${classname}Item) -> dict[str, Any]:
    return {"id": str(row.id), "title": row.title, "created_at": row.created_at.isoformat()}


@get("/items", opt={"permission": "$name:use"})
async def list_items(tenant: Tenant, session: AsyncSession) -> dict[str, Any]:
    """The tenant's items, newest first."""
    rows = await session.scalars(
        select(${classname}Item)
        .where(${classname}Item.tenant_id == tenant.id)
        .order_by(${classname}Item.created_at.desc())
    )
    total = await session.scalar(
        select(func.count()).where(${classname}Item.tenant_id == tenant.id)
    )
    return {"items": [_item(r) for r in rows], "total": total}


@post("/items", opt={"permission": "$name:use"})
async def create_item(tenant: Tenant, session: AsyncSession, data: ItemIn) -> dict[str, Any]:
    title = data.title.strip()
    if not 1 <= len(title) <= 200:
        raise Invalid("title", "标题须为1至200个字符", message_en="title must be 1-200 characters")
    row = ${classname}Item(tenant_id=tenant.id, title=title)
    session.add(row)
    await session.flush()
    return _item(row)


ROUTES = [list_items, create_item]
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
    bad = await client.post("/api/v1/tenants/community/$name/items", json={"title": ""})
    assert bad.status_code == 422
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
