"""Running Alembic for the core and each installed plugin's branch.

The core's revisions live in ``migrations/versions`` (branch ``core``); every plugin ships its
own ``versions`` folder whose revisions carry the plugin's name as branch label. All branches
share one ``alembic_version`` table, so ``upgrade heads`` brings every branch to its head.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
from core.db import create_nullpool_engine
from core.rls import grant_app_role
from core.settings import Settings

MIGRATIONS_DIR = Path(migrations.__file__).parent


@dataclass(frozen=True, slots=True)
class BranchStatus:
    """Where one migration branch stands in a database."""

    branch: str
    current: str | None
    head: str
    ahead: bool = False

    @property
    def at_head(self) -> bool:
        """At head, or ahead of this code (a newer release already migrated the database).

        Readiness accepts "ahead" so pods of the previous release keep serving once the
        migration job of a rolling upgrade has run (migrations are expand-then-contract).
        """
        return self.current == self.head or self.ahead


def alembic_config(url: str, plugin_locations: Sequence[Path] = ()) -> Config:
    """An Alembic config for ``url`` covering the core and the given plugin version folders."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [MIGRATIONS_DIR / "versions", *plugin_locations]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    config.attributes["url"] = url
    return config


def upgrade(
    url: str,
    plugin_locations: Sequence[Path] = (),
    target: str = "heads",
    *,
    grant_to: str | None = None,
) -> None:
    """Upgrade every branch (or ``target``) in the database at ``url``.

    ``grant_to`` names the application role to grant its privileges on every table afterwards
    (PostgreSQL; tables a migration created belong to the owner until granted).
    """
    command.upgrade(alembic_config(url, plugin_locations), target)
    if grant_to is not None:
        grant(url, grant_to)


def app_role(settings: Settings) -> str | None:
    """The role to grant after migrating: the user of ``GONGZHI_DATABASE_URL`` when migrations
    run as a different user (``GONGZHI_MIGRATION_DATABASE_URL``) on PostgreSQL, else None."""
    if settings.is_sqlite or not settings.migration_database_url:
        return None
    app_user = make_url(settings.database_url).username
    owner = make_url(settings.migration_database_url).username
    return app_user if app_user and app_user != owner else None


def upgrade_settings(settings: Settings, plugin_locations: Sequence[Path] = ()) -> None:
    """Upgrade every branch as the owner role and grant the app role (``gongzhi db upgrade``)."""
    upgrade(settings.migrations_url, plugin_locations, grant_to=app_role(settings))


def grant(url: str, role: str) -> None:
    """Grant ``role`` the application's privileges on every table of the database at ``url``."""

    async def run() -> None:
        engine = create_nullpool_engine(url)
        try:
            async with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    await connection.run_sync(grant_app_role, role)
        finally:
            await engine.dispose()

    asyncio.run(run())


def downgrade(url: str, plugin_locations: Sequence[Path], target: str) -> None:
    """Downgrade to ``target`` (``<branch>@base`` removes a plugin's tables)."""
    command.downgrade(alembic_config(url, plugin_locations), target)


def _branch_of(script: ScriptDirectory, revision: str) -> str:
    """The branch label of ``revision``'s own down-revision chain (dependencies excluded)."""
    labels: set[str] = set()
    current: Script | None = script.get_revision(revision)
    while current is not None:
        labels |= set(current.branch_labels)
        down = current.down_revision
        if isinstance(down, tuple | list):
            down = down[0] if down else None
        current = script.get_revision(down) if down else None
    return sorted(labels)[0] if labels else revision


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


@dataclass(frozen=True, slots=True)
class Survey:
    """Every known branch's status, and the revisions of the database that no installed code
    knows and that no known branch explains as "ahead" (``orphans``: the branch of a plugin
    uninstalled without ``gongzhi db downgrade-branch``)."""

    branches: list[BranchStatus]
    orphans: list[str]

    @property
    def behind(self) -> list[str]:
        return [b.branch for b in self.branches if not b.at_head]

    @property
    def ahead(self) -> list[str]:
        return [b.branch for b in self.branches if b.ahead]


def _status(connection: Connection, script: ScriptDirectory) -> list[BranchStatus]:
    return _survey(connection, script).branches


def _survey(connection: Connection, script: ScriptDirectory) -> Survey:
    """Where each branch stands, and which stored revisions nothing installed knows.

    A newer release of a known branch replaces that branch's listed revision with one this code
    does not know, so the branch shows as not at its head: an unknown revision is read as
    "ahead" then. When every known branch is at its head, an unknown revision belongs to no
    installed branch at all: an orphan.
    """
    # alembic_version keeps only the topmost revisions: a revision another branch depends on is
    # applied without being listed, so everything below the listed heads counts as applied.
    stored = MigrationContext.configure(connection).get_current_heads()
    current_heads = tuple(rev for rev in stored if _known(script, rev))
    unknown = sorted(set(stored) - set(current_heads))
    applied = (
        {rev.revision for rev in script.iterate_revisions(current_heads, "base")}
        if current_heads
        else set()
    )
    statuses: list[BranchStatus] = []
    for head in sorted(script.get_heads()):
        branch = _branch_of(script, head)
        chain = [rev.revision for rev in script.iterate_revisions(head, "base")]
        current = next((rev for rev in chain if rev in applied), None)
        if current != head and unknown:
            statuses.append(BranchStatus(branch, unknown[0], head, ahead=True))
        else:
            statuses.append(BranchStatus(branch=branch, current=current, head=head))
    statuses.sort(key=lambda s: (s.branch != "core", s.branch))
    orphans = unknown if not any(s.ahead for s in statuses) else []
    return Survey(statuses, orphans)


async def status_async(
    engine: AsyncEngine, plugin_locations: Sequence[Path] = ()
) -> list[BranchStatus]:
    """Each branch's current and head revision, read through ``engine``."""
    url = engine.url.render_as_string(hide_password=False)
    script = ScriptDirectory.from_config(alembic_config(url, plugin_locations))
    async with engine.connect() as connection:
        return await connection.run_sync(_status, script)


async def survey_async(engine: AsyncEngine, plugin_locations: Sequence[Path] = ()) -> Survey:
    """Each branch's status and the orphan revisions, read through ``engine``."""
    url = engine.url.render_as_string(hide_password=False)
    script = ScriptDirectory.from_config(alembic_config(url, plugin_locations))
    async with engine.connect() as connection:
        return await connection.run_sync(_survey, script)


def survey(url: str, plugin_locations: Sequence[Path] = ()) -> Survey:
    async def run() -> Survey:
        engine = create_nullpool_engine(url)
        try:
            return await survey_async(engine, plugin_locations)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def orphans_reason(orphans: Sequence[str]) -> str:
    """Readiness's one-line reason for a database with revisions no installed code knows."""
    return f"unknown revisions: {', '.join(orphans)} (no installed plugin knows them)"


def unknown_revisions_error(found: Survey) -> str | None:
    """Why ``gongzhi db upgrade`` cannot run on a database in state ``found``, as one paragraph
    (a Chinese line, then an English line), or None when it can."""
    if found.orphans:
        revisions = ", ".join(found.orphans)
        return (
            f"错误：数据库中有已安装代码都不认识的迁移版本（{revisions}），通常是卸载插件前没有"
            "删除它的数据库分支。请重新安装该插件，运行 gongzhi db downgrade-branch <插件名> "
            "删除它的表，再卸载插件；若要保留它的数据，就保持该插件已安装。\n"
            f"error: the database has migration revisions that no installed code knows "
            f"({revisions}), usually because a plugin was uninstalled before its database branch "
            "was removed. Reinstall that plugin, run `gongzhi db downgrade-branch NAME` to drop "
            "its tables, then uninstall it; or keep the plugin installed to keep its data."
        )
    if found.ahead:
        branches = ", ".join(found.ahead)
        return (
            f"错误：数据库已由更新的版本迁移（分支 {branches}），当前代码不认识其最新迁移版本。"
            "请安装与数据库相同或更新的 Gongzhi 及插件版本后再运行 gongzhi db upgrade。\n"
            f"error: the database was migrated by a newer release (branches {branches}) whose "
            "latest revisions this code does not know. Install the same or a newer release of "
            "Gongzhi and its plugins, then run `gongzhi db upgrade` again."
        )
    return None


def status(url: str, plugin_locations: Sequence[Path] = ()) -> list[BranchStatus]:
    async def run() -> list[BranchStatus]:
        engine = create_nullpool_engine(url)
        try:
            return await status_async(engine, plugin_locations)
        finally:
            await engine.dispose()

    return asyncio.run(run())
