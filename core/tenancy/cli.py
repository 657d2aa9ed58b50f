"""``gongzhi tenants``: apply a YAML tree, show a subtree.

Errors a user can fix print one line each on stderr (``FILE:LINE: field: message``) and exit
with status 2; nothing is written then.
"""

from __future__ import annotations

import asyncio
import sys

import click
from sqlalchemy import select

from core.clikit import kernel, migrated_settings_or_exit
from core.db import SYSTEM, Database
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.provisioning import Plan, ProvisioningError
from core.tenancy.resolve import find_tenant


@click.group("tenants", help="组织架构 / The tenant tree")
def tenants() -> None:
    pass


async def _apply(settings: Settings, path: str, dry_run: bool) -> Plan:
    db = Database(settings, default_context=SYSTEM)
    try:
        return await kernel().apply_tenant_file(db, path, dry_run=dry_run)
    finally:
        await db.dispose()


@tenants.command(
    "apply", help="按 YAML 文件创建或更新组织树 / Create or update tenants from a YAML tree"
)
@click.argument("file")
@click.option("--dry-run", is_flag=True, help="只显示计划，不写入 / Print the plan, write nothing")
def apply_command(file: str, dry_run: bool) -> None:
    settings = migrated_settings_or_exit()
    try:
        plan = asyncio.run(_apply(settings, file, dry_run))
    except ProvisioningError as exc:
        for message in exc.lines():
            click.echo(f"错误 / error: {message}", err=True)
        sys.exit(2)
    for plan_line in plan.lines:
        click.echo(str(plan_line))
    click.echo(plan.summary())
    if dry_run:
        click.echo("试运行，未写入任何数据 / dry run: nothing was written")


async def _subtree(settings: Settings, key: str) -> list[Tenant] | None:
    db = Database(settings, default_context=SYSTEM)
    try:
        async with db.session() as session:
            root = await find_tenant(session, key)
            if root is None:
                return None
            rows = await session.execute(
                select(Tenant).where(Tenant.path.startswith(root.path)).order_by(Tenant.depth)
            )
            return list(rows.scalars().all())
    finally:
        await db.dispose()


def render_tree(rows: list[Tenant]) -> list[str]:
    """The tenants as an indented tree, siblings ordered by division code then slug."""
    if not rows:
        return []
    by_parent: dict[object, list[Tenant]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    top = rows[0]
    lines: list[str] = []

    def visit(tenant: Tenant, indent: int) -> None:
        parts = [f"{tenant.name} ({tenant.slug})", tenant.level]
        if tenant.division_code:
            parts.append(tenant.division_code)
        if tenant.status != "active":
            parts.append(f"[{tenant.status}]")
        lines.append("  " * indent + " ".join(parts))
        children = by_parent.get(tenant.id, [])
        for child in sorted(
            children, key=lambda t: (t.division_code is None, t.division_code or "", t.slug)
        ):
            visit(child, indent + 1)

    visit(top, 0)
    return lines


@tenants.command("show", help="以树形显示组织及其下级 / Print a tenant and its subtree as a tree")
@click.argument("key")
def show_command(key: str) -> None:
    settings = migrated_settings_or_exit()
    rows = asyncio.run(_subtree(settings, key))
    if rows is None:
        click.echo(f"错误：未找到组织 / error: no tenant {key!r}", err=True)
        sys.exit(2)
    for line in render_tree(rows):
        click.echo(line)
