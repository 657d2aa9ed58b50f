"""Demonstration data from modules: ``gongzhi demo load``.

Each module that is on somewhere in the demo tree adds realistic records through the hook
``gongzhi_demo_load``, so the demo district's roll-up shows what the platform is for. The core
decides the order (a module after those it requires), gives each module its own transaction in
the system database context, and reports what each one added by counting the rows of every
tenant-owned table in the tree before and after. Demo data never lands in a production database
by accident: the command refuses under ``GONGZHI_ENV=production`` unless ``--force`` is given.
"""

from __future__ import annotations

import asyncio
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clikit import kernel, migrated_settings_or_exit
from core.db import SYSTEM, Database
from core.markers import hookimpl
from core.modules.host import PluginHost
from core.modules.manifest import Manifest
from core.modules.reach import modules_on_below
from core.modules.state import call_async_hook
from core.orm import Base
from core.tenancy.models import Tenant
from core.tenancy.resolve import find_tenant

DEMO_ROOT = "wangcheng"
"""The root of ``tenants/wangcheng.yaml``, the demo district (division code 430112)."""
DEMO_TIMEZONE = ZoneInfo("Asia/Shanghai")
HOOK = "gongzhi_demo_load"


@dataclass(frozen=True, slots=True)
class DemoContext:
    """What a module's ``gongzhi_demo_load`` works with.

    ``session`` is the module's own transaction (system context); ``root`` the tenant the demo
    tree hangs from; ``tenants`` every tenant of that subtree by slug; ``random`` a generator
    seeded per module and root, so every machine gets the same records; ``today`` the date in
    Asia/Shanghai, so dates stay recent relative to the day the data is loaded.
    """

    session: AsyncSession
    root: Tenant
    tenants: Mapping[str, Tenant]
    random: random.Random
    today: date


@dataclass(frozen=True, slots=True)
class ModuleLoad:
    """What one module's demo hook added: rows per table (tables that gained none omitted)."""

    module: str
    added: Mapping[str, int]


class DemoError(RuntimeError):
    """A demo load that cannot run; ``message`` is Chinese, ``message_en`` English."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def in_requires_order(manifests: Mapping[str, Manifest], names: Sequence[str]) -> list[str]:
    """``names`` with every module after the modules it requires (alphabetical otherwise)."""
    chosen = set(names)
    ordered: list[str] = []

    def visit(name: str, path: frozenset[str]) -> None:
        if name in ordered or name in path or name not in chosen:
            return
        for required in sorted(manifests[name].requires):
            visit(required, path | {name})
        ordered.append(name)

    for name in sorted(chosen):
        visit(name, frozenset())
    return ordered


def today_in_shanghai() -> date:
    return datetime.now(DEMO_TIMEZONE).date()


async def _row_counts(session: AsyncSession, root: Tenant) -> dict[str, int]:
    """Rows per tenant-owned table (present in this database) within ``root``'s subtree."""
    connection = await session.connection()
    present = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    subtree = select(Tenant.id).where(Tenant.path.startswith(root.path))
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in present or "tenant_id" not in table.c:
            continue
        counts[table.name] = int(
            await session.scalar(
                select(func.count()).select_from(table).where(table.c.tenant_id.in_(subtree))
            )
            or 0
        )
    return counts


async def load_demo(
    db: Database, host: PluginHost, root_key: str = DEMO_ROOT, *, today: date | None = None
) -> list[ModuleLoad]:
    """Call every on-somewhere plugin's demo hook under ``root_key``; what each one added."""
    today = today or today_in_shanghai()
    async with db.session(context=SYSTEM) as session:
        root = await find_tenant(session, root_key)
        if root is None:
            raise DemoError(
                f"没有租户 {root_key}，请先运行 gongzhi tenants apply tenants/wangcheng.yaml",
                f"no tenant {root_key!r}: run gongzhi tenants apply tenants/wangcheng.yaml first",
            )
        on = await modules_on_below(session, host.manifests, root)
    with_hook = [name for name in on if host.impl_of(host.plugins[name].obj, HOOK) is not None]
    loads: list[ModuleLoad] = []
    for name in in_requires_order(host.manifests, with_hook):
        async with db.session(write=True, context=SYSTEM) as session:
            root = await session.get_one(Tenant, root.id)
            tenants = {
                t.slug: t
                for t in await session.scalars(
                    select(Tenant).where(Tenant.path.startswith(root.path))
                )
            }
            before = await _row_counts(session, root)
            context = DemoContext(
                session=session,
                root=root,
                tenants=tenants,
                random=random.Random(f"gongzhi-demo:{name}:{root.slug}"),
                today=today,
            )
            await call_async_hook(host.hook_for(HOOK, [name]), context=context)
            await session.flush()
            after = await _row_counts(session, root)
        added = {table: after[table] - before.get(table, 0) for table in after}
        loads.append(ModuleLoad(name, {t: n for t, n in sorted(added.items()) if n}))
    return loads


def describe(load: ModuleLoad) -> str:
    """One line per module: what it added, or that it had loaded already."""
    if not load.added:
        return f"{load.module}: 无新增（已加载）/ nothing new (already loaded)"
    parts = ", ".join(f"{table} +{count}" for table, count in load.added.items())
    return f"{load.module}: {parts}"


@click.group(help="演示数据 / Demonstration data")
def demo() -> None:
    pass


@demo.command("load", help="为演示区加载各模块的演示数据 / Load every module's demo data")
@click.option(
    "--root",
    "root_key",
    default=DEMO_ROOT,
    show_default=True,
    help="演示树的根（标识或区划代码）/ Root of the demo tree (slug or division code)",
)
@click.option(
    "--force", is_flag=True, help="在生产环境中也加载 / Load even under GONGZHI_ENV=production"
)
def load(root_key: str, force: bool) -> None:
    settings = migrated_settings_or_exit()
    if settings.environment == "production" and not force:
        click.echo(
            "错误：生产环境（GONGZHI_ENV=production）不加载演示数据；确需加载请加 --force\n"
            "error: demo data is not loaded under GONGZHI_ENV=production; "
            "pass --force if you really mean it",
            err=True,
        )
        sys.exit(2)
    host = kernel().host(settings)

    async def run() -> list[ModuleLoad]:
        db = Database(settings, default_context=SYSTEM)
        try:
            return await load_demo(db, host, root_key)
        finally:
            await db.dispose()

    try:
        loads = asyncio.run(run())
    except DemoError as exc:
        click.echo(f"错误：{exc.message}\nerror: {exc.message_en}", err=True)
        sys.exit(2)
    if not loads:
        click.echo("没有模块提供演示数据 / no module offers demo data")
    for module_load in loads:
        click.echo(describe(module_load))


@hookimpl
def gongzhi_commands(cli: click.Group) -> None:
    """The demo area as a kernel plugin: it adds ``gongzhi demo``."""
    cli.add_command(demo)
