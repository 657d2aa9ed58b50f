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
from core.rls import include_object
from plugins.five_sector.volunteers.services import ONE
from tests.plugins.five_sector.conftest import Tree

ACTIVITY_METRICS = ("activities_closed", "person_times")


def _mentions_five_sector(diff: Any) -> bool:
    return "fs_" in repr(diff)


async def test_five_sector_migrations_match_the_models(db: Database) -> None:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
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


def _relations(plan: dict[str, Any]) -> list[str]:
    found = [plan["Relation Name"]] if "Relation Name" in plan else []
    for child in plan.get("Plans", ()):
        found += _relations(child)
    return found


async def test_a_volunteer_read_prepares_no_policy_of_the_joint_activities(
    backend: str, db: Database, tree: Tree
) -> None:
    """PostgreSQL prepares every arm of every policy a statement touches at each execution,
    reached or not. The ledger's arm for joint activities goes through
    ``gongzhi_visible_fs_activities()`` (``fs_0007``), so the hot read of a volunteer with their
    total plans the volunteers, their ledger and the tenants of the subtree tests alone; written
    inline, the arm brought the activities' and pairings' policies and four more sub-selects of
    the tenants into it (380,000 of the server's 1.4 million instructions per read). The
    policies test each row's own ``tenant_path`` (``0010_row_paths``), and so does the
    statement's own filter (``row_in_subtree_of``): no tenant is read at all. When the two
    policies listed the subtree from ``tenant_paths`` and the filter looked the row's tenant up
    there, the three sub-selects cost about 250,000 more."""
    if backend != "postgres":
        pytest.skip("row-level security is PostgreSQL's")
    async with db.session(context=DbContext.for_tenant(tree.district)) as session:
        statement = ONE.stmt.params(volunteer_id=tree.urban.id, subtree_path=tree.district.path)
        compiled = statement.compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
        explained = await session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}"))
        plan = explained.scalar_one()[0]["Plan"]
    relations = _relations(plan)
    assert set(relations) == {"fs_volunteers", "fs_service_entries"}, relations
