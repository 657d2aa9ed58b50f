"""The bench's pieces on a tiny data set, without wrk: the data generator writes rows, ceiling B
answers with exactly Gongzhi's JSON for the same requests, ceiling A serves its recording, and
wrk's report is read correctly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

import core.modules.provisioning  # noqa: F401  (registers the tenant file's modules: section)
from bench import ceilings, drivers, instructions, seed, wrk
from bench import server as server_count
from core.db import Database
from core.kernel import apply_tenant_file
from core.settings import Settings
from core.testing import APP_ROLE, login_headers
from plugins.five_sector.models import ServiceEntry, Volunteer

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/x
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.10ms    2.00ms  40.00ms   90.00%
    Req/Sec     3.20k   200.00     3.50k    70.00%
  Latency Distribution
     50%    4.80ms
     75%    5.90ms
     90%    7.00ms
     99%  850.00us
  63900 requests in 10.00s, 20.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   6390.12
Transfer/sec:      2.00MB
"""


def test_wrk_report_is_read_with_units_and_errors() -> None:
    result = wrk.parse(WRK_OUTPUT)
    assert result == wrk.Result(rps=6390.12, p50_ms=4.8, p99_ms=0.85, requests=63900, errors=3)


def test_wrk_report_without_percentiles_is_refused() -> None:
    with pytest.raises(ValueError, match="unexpected wrk output"):
        wrk.parse("Requests/sec: 1\n")


async def test_ceiling_b_answers_what_gongzhi_answers_to_the_bench_user(
    backend: str,
    settings: Settings,
    db: Database,
    client: AsyncTestClient[Litestar],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner_url = settings.migrations_url
    await apply_tenant_file(db, str(seed.tree_file(tmp_path)))
    dataset = await seed.generate(
        "postgresql" if backend == "postgres" else "sqlite", owner_url, 12, 40
    )
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Volunteer)) == 12
        assert await session.scalar(select(func.count()).select_from(ServiceEntry)) == 40

    client.headers.update(await login_headers(client, seed.BENCH_USER, seed.BENCH_PASSWORD))
    prefix = f"/api/v1/tenants/{dataset.tenant_slug}/five-sector/volunteers"
    paths = [f"{prefix}?limit=5&offset=3", f"{prefix}/{dataset.volunteer_id}"]
    gongzhi = [(await client.get(path)).json() for path in paths]
    assert gongzhi[0]["total"] == 12
    assert len(gongzhi[0]["items"]) == 5

    monkeypatch.setenv("BENCH_DATABASE_URL", owner_url)
    monkeypatch.setenv("BENCH_TENANT_PATH", dataset.tenant_path)
    async with AsyncTestClient(app=ceilings.raw_app()) as raw:
        assert [(await raw.get(path)).json() for path in paths] == gongzhi

    recording = tmp_path / "payloads.json"
    recording.write_text(json.dumps({"list": gongzhi[0], "read": gongzhi[1], "write": {}}))
    monkeypatch.setenv("BENCH_PAYLOADS", str(recording))
    async with AsyncTestClient(app=ceilings.static_app()) as static:
        assert [(await static.get(path)).json() for path in paths] == gongzhi


async def test_every_driver_shape_reads_the_row_under_row_level_security(
    backend: str, settings: Settings, db: Database
) -> None:
    """``make bench-drivers``: each shape finds its row as the non-owner role, and the figures
    are per read and positive (the loop ran, the server's process was read)."""
    if backend != "postgres":
        pytest.skip("the drivers compared are PostgreSQL's")
    owner_url = settings.migrations_url.replace("+asyncpg", "")
    app_url = settings.database_url.replace("+asyncpg", "")
    best = await drivers.measure(owner_url, app_url, APP_ROLE, reads=200, rounds=1)
    assert set(best) == {
        "asyncpg, three trips",
        "asyncpg, statement only",
        "psycopg pipeline, one trip",
        "psycopg, statement only",
    }
    for client, server, wall in best.values():
        assert client > 0
        assert wall > 0
        assert server >= 0


async def _each_server_reads_the_volunteer(
    connection: asyncpg.Connection, dataset: seed.Dataset, reads: int
) -> None:
    """Run each server's lines of ``make bench-server`` (``reads`` reads) on ``connection``:
    every read finds the dataset's volunteer."""
    for lines in (
        server_count.gongzhi_reads(dataset, reads, role=APP_ROLE),
        server_count.ceiling_b_reads(dataset, reads),
    ):
        found = []
        for line in lines:
            if line.startswith("EXECUTE"):
                found += [row[0] for row in await connection.fetch(line)]
            else:
                await connection.execute(line)
        assert found == [dataset.volunteer_id] * reads
        await connection.execute("RESET ROLE; DEALLOCATE ALL")


async def test_the_server_count_reads_the_row_as_each_server_does(
    backend: str, settings: Settings, db: Database, tmp_path: Path
) -> None:
    """``make bench-server``: the statements single-user mode runs for each server find the
    volunteer, Gongzhi's as the app role under row-level security in the district's context."""
    if backend != "postgres":
        pytest.skip("the server counted is PostgreSQL")
    owner_url = settings.migrations_url
    await apply_tenant_file(db, str(seed.tree_file(tmp_path)))
    dataset = await seed.generate("postgresql", owner_url, 12, 40)
    connection = await asyncpg.connect(owner_url.replace("+asyncpg", ""))
    try:
        await _each_server_reads_the_volunteer(connection, dataset, 2)
    finally:
        await connection.close()


async def test_the_server_count_grows_the_district_and_still_reads_the_row(
    backend: str, settings: Settings, db: Database, tmp_path: Path
) -> None:
    """``make bench-server --district N``: the district's subtree holds N tenants afterwards
    (``tenant_paths`` too, which the policies read), and both servers' reads still find the
    volunteer."""
    if backend != "postgres":
        pytest.skip("the server counted is PostgreSQL")
    owner_url = settings.migrations_url
    await apply_tenant_file(db, str(seed.tree_file(tmp_path)))
    dataset = await seed.generate("postgresql", owner_url, 12, 40)
    connection = await asyncpg.connect(owner_url.replace("+asyncpg", ""))
    like = f"{dataset.tenant_path}%"
    try:
        await connection.execute("SELECT set_config('app.system', 'on', false)")
        for size in (60, 50):
            await connection.execute(server_count.district_sql(dataset, size))
            for table in ("tenants", "tenant_paths"):
                count = f"SELECT count(*) FROM {table} WHERE path LIKE $1"
                assert await connection.fetchval(count, like) == 60
        await connection.execute("RESET app.system")
        await _each_server_reads_the_volunteer(connection, dataset, 1)
    finally:
        await connection.close()


def test_callgrind_counts_the_instructions_of_the_profiled_requests() -> None:
    """``make bench-instructions``: collection is switched on for the requests after the
    warm-up (valgrind would report 0 had it never been), and a request counts in the
    hundreds of thousands of instructions, not in the hundreds of millions of the start-up."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        pytest.skip("valgrind is not installed (make valgrind)")
    per_request = instructions.count("sqlite", "read", "gongzhi", 5, 20, 50)
    assert 100_000 < per_request < 50_000_000
