"""Databases with a pool of a chosen size, and the connections their pools hand out, for the
tests of the read path's connections."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from core.db import SYSTEM, Database, create_engine
from core.settings import Settings


def database_with_pool(settings: Settings, pool_size: int) -> Database:
    """A database (system context by default) whose pool keeps at most ``pool_size``
    connections: with one, each session finds the previous one's connection."""
    database = Database(settings, default_context=SYSTEM)
    database.engine = create_engine(settings.database_url, pool_size=pool_size)
    database.sessionmaker.configure(bind=database.engine)
    return database


def checkouts(database: Database) -> list[Any]:
    """The driver connection of each checkout from ``database``'s pool, in order."""
    drivers: list[Any] = []
    event.listen(
        database.engine.sync_engine, "checkout", lambda c, *_: drivers.append(c.driver_connection)
    )
    return drivers
