"""The ``gongzhi`` command: database, tenants, users, plugins and serving.

Each area keeps its commands beside its code and adds them through ``gongzhi_commands`` like any
plugin (the kernel plugins in ``core/<area>/hooks.py``); this module only assembles them. Errors a
user can fix are printed as one plain line on stderr with exit status 2 (click's convention for
usage errors), never as a traceback.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import click
import pluggy

from core import migrate
from core.clikit import kernel, settings_or_exit
from core.kernel import CliKernel, kernel_plugins, load_host
from core.logging import configure_logging
from core.modules import hookspecs
from core.prometheus import MULTIPROC_ENV
from core.settings import SettingsError, load_settings


@click.group(help="共治 Gongzhi：基层共治平台 / Gongzhi grassroots co-governance platform")
@click.pass_context
def main(ctx: click.Context) -> None:
    if ctx.obj is None:
        ctx.obj = CliKernel()


@main.group(help="数据库迁移 / Database migrations")
def db() -> None:
    pass


@db.command(
    "upgrade", help="升级核心与所有已安装插件的数据库结构 / Upgrade core and plugin branches"
)
def db_upgrade() -> None:
    settings = settings_or_exit()
    locations = kernel().migration_locations(settings)
    problem = migrate.unknown_revisions_error(migrate.survey(settings.migrations_url, locations))
    if problem is not None:
        click.echo(problem, err=True)
        sys.exit(2)
    migrate.upgrade_settings(settings, locations)
    for branch in migrate.status(settings.migrations_url, locations):
        click.echo(f"{branch.branch}: {branch.current} (head)")


@db.command(
    "downgrade-branch",
    help="删除某插件分支的全部表（卸载插件前）/ Remove a plugin branch's tables before uninstalling it",
)
@click.argument("branch")
@click.option("--yes", is_flag=True, help="不再确认 / Do not ask for confirmation")
def db_downgrade_branch(branch: str, yes: bool) -> None:
    settings = settings_or_exit()
    locations = kernel().migration_locations(settings)
    branches = {b.branch for b in migrate.status(settings.migrations_url, locations)}
    if branch == "core" or branch not in branches:
        click.echo(
            f"错误 / error: {branch!r} is not an installed plugin's migration branch", err=True
        )
        sys.exit(2)
    if not yes:
        click.confirm(f"Drop every table of {branch}? Its data is lost.", abort=True)
    migrate.downgrade(settings.migrations_url, locations, f"{branch}@base")
    click.echo(f"{branch}: removed")


@db.command(
    "grant",
    help="授予应用角色对所有表的读写权限（PostgreSQL）/ Grant the app role its privileges on every table",
)
@click.argument("role")
def db_grant(role: str) -> None:
    settings = settings_or_exit()
    if settings.is_sqlite:
        click.echo("错误 / error: roles and grants exist only on PostgreSQL", err=True)
        sys.exit(2)
    try:
        migrate.grant(settings.migrations_url, role)
    except ValueError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"{role}: granted")


@db.command("status", help="各迁移分支的当前与最新版本 / Current and head revision of each branch")
def db_status() -> None:
    settings = settings_or_exit()
    found = migrate.survey(settings.migrations_url, kernel().migration_locations(settings))
    rows = found.branches
    width = max((len(r.branch) for r in rows), default=6)
    click.echo(f"{'branch'.ljust(width)}  {'current'.ljust(24)}  {'head'.ljust(24)}  state")
    for row in rows:
        state = "ok" if row.at_head else "behind"
        click.echo(
            f"{row.branch.ljust(width)}  {(row.current or '-').ljust(24)}  {row.head.ljust(24)}  {state}"
        )
    if found.orphans:
        click.echo(migrate.orphans_reason(found.orphans))


GRACEFUL_SHUTDOWN_SECONDS = 20


def prepare_metrics_dir(workers: int) -> str | None:
    """Make ``PROMETHEUS_MULTIPROC_DIR`` ready for ``workers`` processes; returns a directory
    this call created (to remove on exit), or None.

    One worker keeps its metrics in memory. Several share a directory of sample files: the
    operator's ``PROMETHEUS_MULTIPROC_DIR`` (emptied of old samples first, which would otherwise
    be added to the new counts), else a fresh temporary one.
    """
    if workers <= 1:
        os.environ.pop(MULTIPROC_ENV, None)
        return None
    configured = os.environ.get(MULTIPROC_ENV)
    if configured:
        directory = Path(configured)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        return None
    created = tempfile.mkdtemp(prefix="gongzhi-metrics-")
    os.environ[MULTIPROC_ENV] = created
    return created


@main.command("serve", help="启动 HTTP 服务 / Serve the HTTP API")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--reload", is_flag=True, help="开发时自动重载 / Reload on code changes")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve with uvicorn; on SIGTERM or SIGINT stop accepting connections, let requests in
    flight finish (up to :data:`GRACEFUL_SHUTDOWN_SECONDS`), run the shutdown hooks, exit 0."""
    import uvicorn

    settings_or_exit()
    created = prepare_metrics_dir(workers)
    try:
        uvicorn.run(
            "core.app:serve_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            reload=reload,
            proxy_headers=True,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
            access_log=False,
            log_level="warning",
        )
    finally:
        if created:
            shutil.rmtree(created, ignore_errors=True)


def _add_kernel_commands() -> None:
    """The kernel areas' groups, through the same hook plugins use; needs no settings."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name, plugin in kernel_plugins(None):
        manager.register(plugin, name=f"core:{name}")
    manager.hook.gongzhi_commands(cli=main)


def _add_plugin_commands() -> None:
    try:
        settings = load_settings()
    except SettingsError:
        return
    configure_logging(settings.with_(log_level="WARNING"))
    load_host(settings).pm.hook.gongzhi_commands(cli=main)


def run() -> None:
    """Entry point of the ``gongzhi`` command: core commands plus those plugins add."""
    _add_plugin_commands()
    main()


_add_kernel_commands()

if __name__ == "__main__":
    run()
