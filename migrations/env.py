"""Alembic environment for the core and every installed plugin's branch.

Run through :mod:`core.migrate` (``gongzhi db upgrade``), which passes the database URL and the
version locations of installed plugins in ``config.attributes``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from core.db import create_nullpool_engine
from core.orm import metadata
from core.rls import include_object

config = context.config


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Migrations may touch rows of every tenant; FORCE'd row-level security binds the owner
        # role too, so migrations run in the system context (core/db.py).
        connection.exec_driver_sql("SELECT set_config('app.system', 'on', true)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_nullpool_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_offline(url: str) -> None:
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


url: Any = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
if context.is_offline_mode():
    run_offline(url)
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async(url))
