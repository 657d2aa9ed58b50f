"""What every ``gongzhi`` command shares, below the areas that define commands.

The areas' command groups (``core/<area>/cli.py``) import this module, never ``core.cli``; the
assembled kernel (the plugin host with every installed plugin, see ``core.kernel``) reaches them
as the click context's object, so no area imports the command line that assembles it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Protocol, cast

import click

from core import migrate
from core.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from core.db import Database
    from core.modules.host import PluginHost
    from core.tenancy.provisioning import Plan


class Kernel(Protocol):
    """The kernel as the commands of its areas use it (implemented by ``core.kernel``)."""

    def host(self, settings: Settings) -> PluginHost:
        """The installed plugins and the kernel plugins, loaded once per command run."""
        ...

    def migration_locations(self, settings: Settings) -> list[Path]:
        """Version folders of every installed plugin that loads."""
        ...

    async def apply_tenant_file(self, db: Database, path: str, *, dry_run: bool) -> Plan:
        """Apply a tenant file with every plugin's sections, announcing created tenants."""
        ...


def kernel() -> Kernel:
    """The kernel of the running ``gongzhi`` command (set by ``core.cli.main``)."""
    root = click.get_current_context().find_root()
    if root.obj is None:
        raise RuntimeError("the gongzhi command line sets the kernel; invoke core.cli.main")
    return cast(Kernel, root.obj)


def fail(message: str, message_en: str) -> NoReturn:
    """Print ``错误：… / error: …`` on stderr and exit 2 (a problem the user can fix)."""
    click.echo(f"错误：{message} / error: {message_en}", err=True)
    sys.exit(2)


def settings_or_exit() -> Settings:
    """Load settings, or print each problem and exit 2."""
    try:
        return load_settings()
    except SettingsError as exc:
        click.echo("错误：配置无效 / invalid settings", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(2)


def migrated_settings_or_exit() -> Settings:
    """Settings, after checking the database is reachable and migrated; else one line, exit 2."""
    settings = settings_or_exit()
    try:
        behind = [
            b.branch
            for b in migrate.status(settings.migrations_url, kernel().migration_locations(settings))
            if not b.at_head
        ]
    except Exception as exc:
        click.echo(
            f"错误：无法连接数据库 / error: cannot reach the database: {type(exc).__name__}: {exc}",
            err=True,
        )
        sys.exit(2)
    if behind:
        click.echo(
            "错误：数据库尚未迁移，请先运行 gongzhi db upgrade / error: the database is not "
            f"migrated ({', '.join(behind)}); run gongzhi db upgrade first",
            err=True,
        )
        sys.exit(2)
    return settings
