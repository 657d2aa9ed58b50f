"""The ``0002_identity`` migration builds exactly the identity and audit tables the models
describe, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

import core.app  # noqa: F401  (imports every model into the shared metadata)
from core.db import Database
from core.orm import metadata
from core.rls import include_object

TABLES = {"users", "memberships", "login_sessions", "api_tokens", "audit_log"}


def _table_of(diff: Any) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return str(table.name)
        if isinstance(part, str) and part in TABLES:
            return part
        if name in TABLES:
            return str(name)
    return None


async def test_identity_migration_matches_the_models(db: Database) -> None:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, metadata))

    async with db.engine.connect() as connection:
        diffs = await connection.run_sync(compare)
    ours = [d for d in diffs if _table_of(d) in TABLES]
    assert ours == []
