"""Load with integrity (``make soak``): concurrent clients against a real server process on
loopback mix reads and writes for a set time; then zero 5xx, every acknowledged write stored
(and nothing stored that was not acknowledged), balances never negative, each volunteer's
total equal to the sum of their entries, and every module's own invariants
(``gongzhi_soak_invariants``). ``GONGZHI_SOAK_SECONDS`` (default 8) and
``GONGZHI_SOAK_WORKERS`` (default 6) size it.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from core.app import load_plugins
from core.db import Database
from core.settings import Settings
from core.testing import DEFAULT_PASSWORD, create_user
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

SECONDS = float(os.environ.get("GONGZHI_SOAK_SECONDS", "8"))
WORKERS = int(os.environ.get("GONGZHI_SOAK_WORKERS", "6"))


async def login(base_url: str, username: str) -> str:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post(
            "/api/v1/auth/login", json={"username": username, "password": DEFAULT_PASSWORD}
        )
    response.raise_for_status()
    return str(response.json()["access_token"])


async def test_soak_keeps_every_acknowledged_write_and_every_invariant(
    database_url: str, settings: Settings, db: Database, tmp_path: Path
) -> None:
    await arrange_tree(db)
    await create_user(db, settings, "soak-root", [(None, "platform_admin")])
    server = Server(database_url, tmp_path).start()
    ledger = Ledger()
    try:
        token = await login(server.url, "soak-root")
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
            targets = await arrange_data(http)
            await Driver(server.url, token, targets, ledger).run(SECONDS, WORKERS)
            totals = await api_totals_match(http, db)
    finally:
        server.stop()
    count("soak requests", sum(ledger.statuses.values()))
    count("soak writes checked", ledger.writes)
    assert not ledger.server_errors, ledger.server_errors[:5]
    assert ledger.transport_errors == 0
    assert len(ledger.entries) > 0
    assert len(ledger.allocations) > 0
    assert len(ledger.closes) > 0
    assert len(ledger.toggles) > 0
    problems = await verify(db, load_plugins(settings), ledger, exact=True)
    assert not problems + totals, (problems + totals)[:10]
