"""The five-sector migrations create exactly the tables, indexes and constraints of the models,
and the indexes the roll-ups read from under row-level security."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from litestar import Litestar
from sqlalchemy import Connection, text

from core.db import Database, DbContext
from core.modules import rollup
from core.orm import metadata
from tests.plugins.five_sector.conftest import Tree

ACTIVITY_METRICS = ("activities_closed", "person_times")


def _mentions_five_sector(diff: Any) -> bool:
    return "fs_" in repr(diff)


async def test_five_sector_migrations_match_the_models(db: Database) -> None:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with db.engine.connect() as connection:
        diffs = await connection.run_sync(compare)
    assert [d for d in diffs if _mentions_five_sector(d)] == []


async def test_the_activity_figures_read_the_activities_index_alone_under_the_policy(
    backend: str, db: Database, tree: Tree, app: Litestar
) -> None:
    """``ix_fs_activities_tenant_id`` carries what the activity metrics select and what the
    activities' read policy tests (``fs_0006``), so a roll-up counts a subtree's activities
    without fetching each one from the table."""
    if backend != "postgres":
        pytest.skip("row-level security and covering indexes are PostgreSQL's")
    plugin = app.state.host.plugin_of("five-sector")
    metrics = [m for m in plugin.metrics if m.name.split(".")[-1] in ACTIVITY_METRICS]
    assert len(metrics) == len(ACTIVITY_METRICS)
    async with db.session(context=DbContext.for_tenant(tree.district)) as session:
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        await session.execute(text("SET LOCAL enable_bitmapscan = off"))
        for metric in metrics:
            statement = rollup._single(metric, "postgresql").params(rollup._params(tree.district))
            compiled = statement.compile(
                dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
            )
            plan = "\n".join(row[0] for row in await session.execute(text(f"EXPLAIN {compiled}")))
            assert "Index Only Scan using ix_fs_activities_tenant_id" in plan, plan
