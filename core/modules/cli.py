"""``gongzhi plugins``: what is installed, what failed and why, and a scaffold for new ones."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from core.clikit import kernel, settings_or_exit
from core.db import SYSTEM, Database
from core.modules.invariants import check_invariants
from core.modules.scaffold import ScaffoldError, scaffold


@click.group(help="插件管理 / Plugins")
def plugins() -> None:
    pass


@plugins.command("list", help="列出已安装插件及其状态 / List installed plugins and their state")
def list_plugins() -> None:
    host = kernel().host(settings_or_exit())
    rows = host.status_rows()
    if not rows:
        click.echo("没有已安装的插件 / no plugins installed")
        return
    width = max(len(r["name"]) for r in rows)
    for row in rows:
        line = f"{row['name'].ljust(width)}  {row['status']:<7}  {row['version']:<10}  {row['distribution']}"
        if row["reason"]:
            line += f"  — {row['reason']}"
        click.echo(line)
    if any(r["status"] == "failed" for r in rows):
        sys.exit(1)


@plugins.command("check", help="检查各插件的数据不变量 / Check every plugin's data invariants")
def check_plugins() -> None:
    settings = settings_or_exit()
    host = kernel().host(settings)

    async def run() -> dict[str, list[str]]:
        db = Database(settings, default_context=SYSTEM)
        try:
            return await check_invariants(db, host)
        finally:
            await db.dispose()

    found = asyncio.run(run())
    bad = 0
    for name, violations in found.items():
        click.echo(f"{name}: {'ok' if not violations else f'{len(violations)} violation(s)'}")
        for violation in violations:
            click.echo(f"  - {violation}")
        bad += len(violations)
    if bad:
        sys.exit(1)


@plugins.command("new", help="生成新插件项目 / Scaffold a new plugin distribution")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="在此目录下创建 / Where to create it",
)
@click.option("--title", "title_zh", default="新模块", help="中文名称 / Chinese title")
def new_plugin(name: str, directory: Path, title_zh: str) -> None:
    try:
        target = scaffold(name, directory, title_zh=title_zh)
    except ScaffoldError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"已创建 / created {target}")
    click.echo(f"  pip install -e {target}  &&  pytest {target}")
