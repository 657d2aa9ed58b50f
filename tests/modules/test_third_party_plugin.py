"""A plugin shipped as its own distribution works exactly like a first-party module."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core import migrate
from core.app import load_plugins
from core.db import Database
from core.modules.scaffold import scaffold
from core.settings import Settings
from core.testing import DEFAULT_PASSWORD, TEST_SECRET, create_user, make_tree

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "gongzhi-bulletin"


def pip_install_target(source: Path, target: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def bulletin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin built and installed as its own distribution into a private folder."""
    target = tmp_path_factory.mktemp("bulletin-site")
    pip_install_target(EXAMPLE, target)
    return target


@pytest.fixture
def app_plugins(
    bulletin_site: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> list[tuple[str, Any]]:
    """Put the installed distribution on the path and migrate its branch into the test database."""
    if "gongzhi_bulletin" not in sys.modules:
        with pytest.raises(ImportError):
            __import__("gongzhi_bulletin")
    monkeypatch.syspath_prepend(str(bulletin_site))
    host = load_plugins(settings)
    assert "bulletin" in host.plugins, host.failures
    migrate.upgrade_settings(settings, host.migration_locations())
    return []


Client = AsyncTestClient[Litestar]
TREE: dict[str, Any] = {"district": {"town-a": {"comm-a1": {}, "comm-a2": {}}}}


async def test_installed_plugin_answers_only_where_enabled(
    app_plugins: list[Any], admin_client: Client, db: Database
) -> None:
    await make_tree(db, TREE)
    url = "/api/v1/tenants/{}/bulletin/notices"
    created = await admin_client.post(url.format("comm-a1"), json={"title": "停水通知"})
    assert created.status_code == 404

    response = await admin_client.put(
        "/api/v1/tenants/comm-a1/modules/bulletin", json={"enabled": True}
    )
    assert response.status_code == 200, response.text
    created = await admin_client.post(url.format("comm-a1"), json={"title": "停水通知"})
    assert created.status_code == 201, created.text
    listed = await admin_client.get(url.format("comm-a1"))
    assert [i["title"] for i in listed.json()["items"]] == ["停水通知"]
    assert (await admin_client.get(url.format("comm-a2"))).status_code == 404
    assert (await admin_client.get(url.format("town-a"))).status_code == 404

    response = await admin_client.put(
        "/api/v1/tenants/town-a/modules/bulletin", json={"enabled": True}
    )
    assert response.status_code == 200
    from_above = (await admin_client.get(url.format("town-a"))).json()["items"]
    assert [i["title"] for i in from_above] == ["停水通知"], "a town lists its subtree's notices"

    response = await admin_client.put(
        "/api/v1/tenants/town-a/modules/bulletin/policy", json={"policy": "forbidden"}
    )
    assert response.status_code == 200
    assert (await admin_client.get(url.format("comm-a1"))).status_code == 404
    assert (await admin_client.get(url.format("town-a"))).status_code == 404


def test_scaffolded_plugin_passes_its_own_tests(tmp_path: Path) -> None:
    """The generated plugin's own five tests pass, the isolation matrix, its metric, its event
    and subscriber and its demo data among them (each on PostgreSQL too when configured)."""
    project = scaffold("sample-notes", tmp_path, title_zh="示例记事")
    site = tmp_path / "site"
    pip_install_target(project, site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", str(project / "tests")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    passed = {
        line.split("::")[1].split("[")[0] for line in result.stdout.splitlines() if "PASSED" in line
    }
    assert {
        "test_no_other_tenant_reads_or_changes_items",
        "test_the_metric_counts_items_and_the_event_announces_each_once",
        "test_demo_data_is_loaded_once_at_the_leaves",
    } <= passed, result.stdout[-3000:]
    expected = 10 if os.environ.get("GONGZHI_TEST_POSTGRES") else 5
    assert f"{expected} passed" in result.stdout, result.stdout[-1000:]


def test_the_outside_plugin_runs_the_isolation_matrix_from_its_own_tests(
    bulletin_site: Path,
) -> None:
    """The example distribution, written from docs/plugins.md (scaffold, a table, two routes, a
    metric, an event with a subscriber), passes its own ``pytest`` (not the core's suite): the
    isolation matrix and the row-level-security check through the pytest plugin, the metric,
    the event and demo data."""
    env = {**os.environ, "PYTHONPATH": str(bulletin_site), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "test_isolation.py::test_no_other_tenant_reads_or_changes_notices" in result.stdout
    expected = 10 if os.environ.get("GONGZHI_TEST_POSTGRES") else 5
    assert f"{expected} passed" in result.stdout, result.stdout[-1000:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def two_workers(
    app_plugins: list[Any], bulletin_site: Path, settings: Settings
) -> Iterator[tuple[str, str]]:
    """Two separate server processes serving the same database."""
    env = {
        **os.environ,
        "PYTHONPATH": str(bulletin_site),
        "GONGZHI_DATABASE_URL": settings.database_url,
        "GONGZHI_SECRET_KEY": TEST_SECRET,
        "GONGZHI_ENV": "test",
        "GONGZHI_LOG_LEVEL": "WARNING",
    }
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "core", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 30
        for base, proc in zip(bases, procs, strict=True):
            while True:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                try:
                    if httpx.get(base + "/health/ready", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "server did not become ready"
                time.sleep(0.1)
        yield bases[0], bases[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)


async def test_switching_off_through_one_worker_is_seen_by_the_other_within_a_second(
    two_workers: tuple[str, str], db: Database
) -> None:
    first, second = two_workers
    await make_tree(db, TREE)
    await create_user(db, db.settings, "root", [(None, "platform_admin")])
    async with httpx.AsyncClient(timeout=5) as http:
        login = await http.post(
            f"{first}/api/v1/auth/login",
            json={"username": "root", "password": DEFAULT_PASSWORD},
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        response = await http.put(
            f"{first}/api/v1/tenants/comm-a1/modules/bulletin",
            json={"enabled": True},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        route = f"{second}/api/v1/tenants/comm-a1/bulletin/notices"
        deadline = time.monotonic() + 3
        while (await http.get(route, headers=headers)).status_code != 200:
            assert time.monotonic() < deadline
        response = await http.put(
            f"{first}/api/v1/tenants/comm-a1/modules/bulletin",
            json={"enabled": False},
            headers=headers,
        )
        assert response.status_code == 200
        switched = time.monotonic()
        while (await http.get(route, headers=headers)).status_code != 404:
            assert time.monotonic() - switched < 1.0, "the other worker still serves the module"


def test_a_plugin_branch_can_be_removed_before_uninstalling(
    app_plugins: list[Any], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    import core.kernel as kernel_module
    from core.cli import main

    kernel_module._loaded.clear()
    monkeypatch.setenv("GONGZHI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GONGZHI_MIGRATION_DATABASE_URL", settings.migrations_url)
    monkeypatch.setenv("GONGZHI_SECRET_KEY", TEST_SECRET)
    runner = CliRunner()
    status = runner.invoke(main, ["db", "status"])
    assert status.exit_code == 0, status.output
    assert any(
        line.startswith("bulletin") and line.endswith("ok") for line in status.stdout.splitlines()
    )
    refused = runner.invoke(main, ["db", "downgrade-branch", "core", "--yes"])
    assert refused.exit_code == 2
    removed = runner.invoke(main, ["db", "downgrade-branch", "bulletin", "--yes"])
    assert removed.exit_code == 0, removed.output
    status = runner.invoke(main, ["db", "status"])
    assert any(
        line.startswith("bulletin") and line.endswith("behind")
        for line in status.stdout.splitlines()
    )
    assert migrate.status(settings.migrations_url, load_plugins(settings).migration_locations())
    kernel_module._loaded.clear()
