"""``gongzhi serve``: several workers behind one port, metrics summed over them, and a SIGTERM
that lets the request in flight finish before the process exits."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from core.settings import Settings
from core.testing import TEST_SECRET

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 40
    while True:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            if httpx.get(base + "/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "server did not become ready"
        time.sleep(0.2)


@pytest.fixture
def server(
    settings: Settings, backend: str, tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """``gongzhi serve --workers 2`` on the test's PostgreSQL database, as the app role."""
    if backend != "postgres":
        pytest.skip("several workers share a PostgreSQL database in production; tested there")
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_99999.db").write_bytes(b"stale samples of a previous run")
    port = free_port()
    env = {
        **os.environ,
        "GONGZHI_DATABASE_URL": settings.database_url,
        "GONGZHI_SECRET_KEY": TEST_SECRET,
        "GONGZHI_ENV": "test",
        "GONGZHI_LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "core", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        yield base, proc, metrics_dir
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def live_requests(body: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "gongzhi_http_requests_total"
        and sample.labels.get("route") == "/health/live"
    )


def test_metrics_add_up_every_workers_requests(
    server: tuple[str, subprocess.Popen[bytes], Path],
) -> None:
    base, _proc, metrics_dir = server
    assert not (metrics_dir / "counter_99999.db").exists(), "old samples were not cleared"
    for _ in range(12):
        # A fresh connection each time, so the kernel spreads them over both workers.
        assert httpx.get(base + "/health/live", headers={"connection": "close"}).status_code == 200
    assert live_requests(httpx.get(base + "/metrics").text) == 12
    assert len(list(metrics_dir.glob("counter_*.db"))) >= 1


async def _hold_lock(owner_url: str, locked: threading.Event, release: threading.Event) -> None:
    conn = await asyncpg.connect(owner_url)
    try:
        async with conn.transaction():
            await conn.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")
            locked.set()
            await asyncio.to_thread(release.wait, 30)
    finally:
        await conn.close()


def test_sigterm_lets_the_request_in_flight_finish_then_exits_cleanly(
    server: tuple[str, subprocess.Popen[bytes], Path], settings: Settings
) -> None:
    base, proc, _ = server
    owner = make_url(settings.migrations_url).set(drivername="postgresql")
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(
        target=asyncio.run,
        args=(_hold_lock(owner.render_as_string(hide_password=False), locked, release),),
    )
    holder.start()
    try:
        assert locked.wait(10)
        # Readiness reads alembic_version, so this request waits on the lock: a slow request.
        result: dict[str, httpx.Response] = {}
        slow = threading.Thread(
            target=lambda: result.setdefault("r", httpx.get(base + "/health/ready", timeout=30))
        )
        slow.start()
        time.sleep(1.0)
        assert slow.is_alive(), "the request did not wait for the lock"
        proc.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert proc.poll() is None, "the server exited with a request in flight"
        with pytest.raises(httpx.HTTPError):
            httpx.get(base + "/health/live", timeout=2)
    finally:
        release.set()
        holder.join(10)
    slow.join(30)
    assert result["r"].status_code == 200
    assert proc.wait(timeout=30) == 0
