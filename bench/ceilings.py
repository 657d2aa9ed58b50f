"""The two ceilings Gongzhi is measured against, as bare Litestar apps on the same URLs.

- :func:`static_app` (ceiling A) answers every scenario with the JSON Gongzhi itself returned,
  held in memory: the cost of Litestar and the server alone.
- :func:`raw_app` (ceiling B) runs the queries the five-sector endpoints run, written out in SQL
  through the raw driver (aiosqlite or asyncpg, no ORM) and shapes the same JSON: what the data
  access costs without tenant resolution, module guard, settings, ORM and logging.

Both are uvicorn factories configured through ``BENCH_*`` environment variables, so they run
under the same server settings as ``gongzhi serve``.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from litestar import Litestar, Request, get, post

from plugins.five_sector.manifest import MANIFEST
from plugins.five_sector.rules import hours_to_minutes, minutes_to_hours, star_level

BASE = "/api/v1/tenants/{tenant_key:str}/five-sector"
STARS: Sequence[int] = MANIFEST.settings["star_thresholds"]
POOL_SIZE = 10
Row = dict[str, Any]


def static_app() -> Litestar:
    """Ceiling A: the recorded responses of ``BENCH_PAYLOADS`` (a JSON file), from memory."""
    payloads: dict[str, Any] = json.loads(Path(os.environ["BENCH_PAYLOADS"]).read_text())

    @get(f"{BASE}/volunteers")
    async def list_volunteers(tenant_key: str) -> Any:
        return payloads["list"]

    @get(f"{BASE}/volunteers/{{volunteer_id:uuid}}")
    async def get_volunteer(tenant_key: str, volunteer_id: uuid.UUID) -> Any:
        return payloads["read"]

    @post(f"{BASE}/volunteers/{{volunteer_id:uuid}}/entries")
    async def add_entry(tenant_key: str, volunteer_id: uuid.UUID) -> Any:
        return payloads["write"]

    return Litestar([list_volunteers, get_volunteer, add_entry], debug=False)


class Driver(Protocol):
    """The few calls ceiling B needs, over a pool of raw connections."""

    placeholder: str

    async def fetch(self, sql: str, *args: Any) -> list[Sequence[Any]]: ...

    async def write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None: ...

    async def close(self) -> None: ...


class SqliteDriver:
    """A fixed pool of aiosqlite connections with Gongzhi's pragmas (WAL, busy timeout)."""

    placeholder = "?"

    def __init__(self, path: str) -> None:
        self.path = path
        self.pool: asyncio.Queue[Any] = asyncio.Queue()

    async def open(self) -> None:
        import aiosqlite

        for _ in range(POOL_SIZE):
            conn = await aiosqlite.connect(self.path, isolation_level=None, timeout=15)
            for pragma in (
                "journal_mode=WAL",
                "foreign_keys=ON",
                "busy_timeout=15000",
                "synchronous=NORMAL",
            ):
                await conn.execute(f"PRAGMA {pragma}")
            self.pool.put_nowait(conn)

    @asynccontextmanager
    async def _conn(self) -> AsyncIterator[Any]:
        conn = await self.pool.get()
        try:
            yield conn
        finally:
            self.pool.put_nowait(conn)

    async def fetch(self, sql: str, *args: Any) -> list[Sequence[Any]]:
        async with self._conn() as conn:
            cursor = await conn.execute(sql, args)
            rows: list[Sequence[Any]] = list(await cursor.fetchall())
            await cursor.close()
            return rows

    async def write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        async with self._conn() as conn:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                for sql, args in statements:
                    await conn.execute(sql, args)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    async def close(self) -> None:
        while not self.pool.empty():
            await self.pool.get_nowait().close()


class PostgresDriver:
    """An asyncpg pool the size of Gongzhi's engine pool."""

    placeholder = "$"

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.pool: Any = None

    async def open(self) -> None:
        import asyncpg

        self.pool = await asyncpg.create_pool(self.dsn, min_size=POOL_SIZE, max_size=2 * POOL_SIZE)

    async def fetch(self, sql: str, *args: Any) -> list[Sequence[Any]]:
        async with self.pool.acquire() as conn:
            return list(await conn.fetch(sql, *args))

    async def write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            for sql, args in statements:
                await conn.execute(sql, *args)

    async def close(self) -> None:
        await self.pool.close()


def sql(template: str, driver: Driver) -> str:
    """``template`` with ``:1``, ``:2``… turned into the driver's placeholders.

    SQLite's ``?`` are positional, so templates number their parameters in order of appearance.
    """
    out = template
    for n in range(9, 0, -1):
        out = out.replace(f":{n}", "?" if driver.placeholder == "?" else f"${n}")
    return out


VOLUNTEER_COLUMNS = (
    "v.id, v.tenant_id, v.name, v.user_id, v.volunteer_number, v.id_type, v.id_number,"
    " v.skills, v.served_tenant_ids,"
    " (SELECT coalesce(sum(e.minutes), 0) FROM fs_service_entries e WHERE e.volunteer_id = v.id)"
)
SUBTREE = "v.tenant_id IN (SELECT t.id FROM tenants t WHERE t.path LIKE :1)"
COUNT_SQL = f"SELECT count(*) FROM fs_volunteers v WHERE {SUBTREE}"
PAGE_SQL = (
    f"SELECT {VOLUNTEER_COLUMNS} FROM fs_volunteers v WHERE {SUBTREE}"
    " ORDER BY v.volunteer_number, v.id LIMIT :2 OFFSET :3"
)
DETAIL_SQL = f"SELECT {VOLUNTEER_COLUMNS} FROM fs_volunteers v WHERE {SUBTREE} AND v.id = :2"
INSERT_SQL = (
    "INSERT INTO fs_service_entries (id, tenant_id, volunteer_id, kind, minutes, served_on,"
    " content, verified_by, recorded_at) VALUES (:1, :2, :3, 'credit', :4, :5, :6, :7, :8)"
)


def _uuid_text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(hex=str(value)))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def volunteer_row(row: Sequence[Any]) -> Row:
    minutes = int(row[9])
    return {
        "id": _uuid_text(row[0]),
        "tenant_id": _uuid_text(row[1]),
        "name": row[2],
        "user_id": _uuid_text(row[3]),
        "volunteer_number": row[4],
        "id_type": row[5],
        "id_number": row[6],
        "skills": list(_json(row[7])),
        "served_tenant_ids": list(_json(row[8])),
        "total_hours": minutes_to_hours(minutes),
        "star_level": star_level(minutes, STARS),
    }


def raw_app() -> Litestar:
    """Ceiling B over ``BENCH_DATABASE_URL`` for the subtree at ``BENCH_TENANT_PATH``."""
    url = os.environ["BENCH_DATABASE_URL"]
    path_like = os.environ["BENCH_TENANT_PATH"] + "%"
    sqlite = url.startswith("sqlite")
    driver: Any = (
        SqliteDriver(url.split(":///", 1)[1])
        if sqlite
        else PostgresDriver(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    )

    def key(value: uuid.UUID) -> Any:
        return value.hex if sqlite else value

    @get(f"{BASE}/volunteers")
    async def list_volunteers(tenant_key: str, limit: int = 50, offset: int = 0) -> Row:
        total = (await driver.fetch(sql(COUNT_SQL, driver), path_like))[0][0]
        rows = await driver.fetch(sql(PAGE_SQL, driver), path_like, limit, offset)
        items = [volunteer_row(r) for r in rows]
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    @get(f"{BASE}/volunteers/{{volunteer_id:uuid}}")
    async def get_volunteer(tenant_key: str, volunteer_id: uuid.UUID) -> Row:
        rows = await driver.fetch(sql(DETAIL_SQL, driver), path_like, key(volunteer_id))
        return volunteer_row(rows[0])

    @post(f"{BASE}/volunteers/{{volunteer_id:uuid}}/entries")
    async def add_entry(
        request: Request[Any, Any, Any], tenant_key: str, volunteer_id: uuid.UUID
    ) -> Row:
        body: Mapping[str, Any] = json.loads(await request.body())
        rows = await driver.fetch(sql(DETAIL_SQL, driver), path_like, key(volunteer_id))
        entry_id = uuid.uuid4()
        minutes = hours_to_minutes(Decimal(str(body["hours"])))
        served_on = date.fromisoformat(body["served_on"])
        recorded_at = datetime.now(UTC)
        tenant_id = rows[0][1]
        values: list[Any] = [
            key(entry_id),
            tenant_id,
            key(volunteer_id),
            minutes,
            served_on.isoformat() if sqlite else served_on,
            body["content"],
            body["verified_by"],
            recorded_at.replace(tzinfo=None).isoformat(sep=" ") if sqlite else recorded_at,
        ]
        await driver.write([(sql(INSERT_SQL, driver), values)])
        return {
            "id": str(entry_id),
            "volunteer_id": str(volunteer_id),
            "activity_id": None,
            "kind": "credit",
            "hours": minutes_to_hours(minutes),
            "minutes": minutes,
            "served_on": served_on,
            "content": body["content"],
            "verified_by": body["verified_by"],
            "reverses_id": None,
            "reason": None,
            "recorded_at": recorded_at,
        }

    return Litestar(
        [list_volunteers, get_volunteer, add_entry],
        on_startup=[driver.open],
        on_shutdown=[driver.close],
        debug=False,
    )
