"""The ``gongzhi`` command: database, tenants, users, plugins and serving.

Each area keeps its commands beside its code; this module only assembles them. Errors a user can
fix are printed as one plain line on stderr with exit status 2 (click's convention for usage
errors), never as a traceback.
"""

from __future__ import annotations

import sys

import click

from core import migrate
from core.settings import Settings, SettingsError, load_settings


def settings_or_exit() -> Settings:
    """Load settings, or print each problem and exit 2."""
    try:
        return load_settings()
    except SettingsError as exc:
        click.echo("错误：配置无效 / invalid settings", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(2)


@click.group(help="共治 Gongzhi：基层共治平台 / Gongzhi grassroots co-governance platform")
def main() -> None:
    pass


@main.group(help="数据库迁移 / Database migrations")
def db() -> None:
    pass


@db.command(
    "upgrade", help="升级核心与所有已安装插件的数据库结构 / Upgrade core and plugin branches"
)
def db_upgrade() -> None:
    settings = settings_or_exit()
    migrate.upgrade(settings.migrations_url, plugin_migration_locations(settings))
    for branch in migrate.status(settings.migrations_url, plugin_migration_locations(settings)):
        click.echo(f"{branch.branch}: {branch.current} (head)")


@db.command("status", help="各迁移分支的当前与最新版本 / Current and head revision of each branch")
def db_status() -> None:
    settings = settings_or_exit()
    rows = migrate.status(settings.migrations_url, plugin_migration_locations(settings))
    width = max((len(r.branch) for r in rows), default=6)
    click.echo(f"{'branch'.ljust(width)}  {'current'.ljust(24)}  {'head'.ljust(24)}  state")
    for row in rows:
        state = "ok" if row.at_head else "behind"
        click.echo(
            f"{row.branch.ljust(width)}  {(row.current or '-').ljust(24)}  {row.head.ljust(24)}  {state}"
        )


def plugin_migration_locations(settings: Settings) -> list:  # type: ignore[type-arg]
    return []


@main.command("serve", help="启动 HTTP 服务 / Serve the HTTP API")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--reload", is_flag=True, help="开发时自动重载 / Reload on code changes")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    import uvicorn

    settings_or_exit()
    uvicorn.run(
        "core.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        timeout_graceful_shutdown=20,
        access_log=False,
        log_level="warning",
    )


from core.identity.cli import users  # noqa: E402
from core.tenancy.cli import tenants  # noqa: E402

main.add_command(tenants)
main.add_command(users)

if __name__ == "__main__":
    main()
