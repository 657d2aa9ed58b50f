"""Crash: SIGKILL the server in the middle of a write load, restart it on the same database,
and check that every acknowledged write survived and every invariant still holds (SQLite in
WAL mode, PostgreSQL). ``GONGZHI_CRASHES`` (default 2) kills per run."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx

from core.app import load_plugins
from core.db import Database
from core.settings import Settings
from core.testing import create_user
from tests.reliability.figures import count
from tests.reliability.load import (
    Driver,
    Ledger,
    api_totals_match,
    arrange_data,
    arrange_tree,
    verify,
)
from tests.reliability.server import Server
from tests.reliability.test_soak import login

CRASHES = int(os.environ.get("GONGZHI_CRASHES", "2"))
INTERVAL = 2.0


async def test_acknowledged_writes_survive_sigkill_mid_load(
    database_url: str, settings: Settings, db: Database, tmp_path: Path
) -> None:
    await arrange_tree(db)
    await create_user(db, settings, "crash-root", [(None, "platform_admin")])
    server = Server(database_url, tmp_path).start()
    ledger = Ledger()
    survived = 0
    try:
        token = await login(server.url, "crash-root")
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
            targets = await arrange_data(http)

        async def crash_repeatedly() -> None:
            nonlocal survived
            for _ in range(CRASHES):
                await asyncio.sleep(INTERVAL)
                writes_before = ledger.writes
                server.kill()
                await asyncio.to_thread(server.start)
                assert ledger.writes >= writes_before
                survived += 1

        driver = Driver(server.url, token, targets, ledger)
        await asyncio.gather(driver.run(INTERVAL * (CRASHES + 1), workers=4), crash_repeatedly())
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
            totals = await api_totals_match(http, db)
    finally:
        server.stop()
    count("crashes survived", survived)
    count("crash writes checked", ledger.writes)
    assert survived == CRASHES
    assert not ledger.server_errors, ledger.server_errors[:5]
    assert len(ledger.entries) > 0
    problems = await verify(db, load_plugins(settings), ledger, exact=False)
    assert not problems + totals, (problems + totals)[:10]
