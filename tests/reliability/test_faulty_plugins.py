"""Broken plugins cannot take the platform down.

A real distribution (tests/fixtures/gongzhi-faulty) is installed into a private folder; its
five entry points fail at import, in their manifest, inside an event subscriber, inside a
route, and by hanging in the metrics hook. The app still starts, five-sector and the healthy
part of the faulty modules answer, each failure is logged with the plugin's name, and
``gongzhi plugins list`` shows the skipped ones as failed with the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from structlog.testing import capture_logs

from core import app as app_module
from core import kernel as kernel_module
from core.app import create_app
from core.cli import main
from core.db import Database
from core.logging import merge_request_context
from core.modules import host as host_module
from core.modules.models import ModulePolicy, OutboxEvent
from core.settings import Settings
from core.testing import create_user, login_headers
from tests.modules.test_third_party_plugin import pip_install_target
from tests.reliability.figures import count
from tests.reliability.isolation import make_tenant

FAULTY = Path(__file__).parents[1] / "fixtures" / "gongzhi-faulty"
SKIPPED = {
    "faulty-import": "import failed: RuntimeError",
    "faulty-manifest": "bad manifest",
    "faulty-metrics": "did not return within",
}
FIRST_PARTY = {
    ep.name for ep in entry_points(group="gongzhi.plugins") if ep.value.startswith("plugins.")
}
LOADED = FIRST_PARTY | {"faulty-route", "faulty-subscriber"}


@pytest.fixture(scope="session")
def faulty_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("faulty-site")
    pip_install_target(FAULTY, target)
    return target


@pytest.fixture
def faulty_installed(
    database_url: str, faulty_site: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The faulty distribution on the path (after the test database was migrated without it),
    with the start-up hook timeout lowered so the hanging hook costs a fraction of a second."""
    monkeypatch.syspath_prepend(str(faulty_site))
    monkeypatch.setattr(host_module, "STARTUP_HOOK_TIMEOUT", 0.3)
    monkeypatch.setattr(kernel_module, "_loaded", {})
    yield
    for name in [m for m in sys.modules if m.startswith("gongzhi_faulty")]:
        del sys.modules[name]


async def test_app_starts_and_healthy_modules_answer_beside_faulty_ones(
    faulty_installed: None,
    settings: Settings,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_module, "configure_logging", lambda _settings: None)
    with capture_logs(processors=[merge_request_context]) as logs:
        app = create_app(settings.with_(strict_plugins=False))
        host = app.state.host
        assert set(host.plugins) == LOADED, host.failures
        failures = {f.name: f.reason for f in host.failures}
        for name, reason in SKIPPED.items():
            assert reason in failures[name], failures
            assert any(
                e["event"] == "plugin_failed" and e["plugin"] == name and reason in e["reason"]
                for e in logs
            ), f"no log line names {name}"
            count("faulty plugins survived")

        district = make_tenant(None, "faulty-d", "district", "区")
        community = make_tenant(district, "faulty-c", "community", "社区")
        async with db.session(write=True) as session:
            session.add(district)
            await session.flush()
            session.add(community)
            for module in LOADED:
                session.add(ModulePolicy(tenant_id=district.id, module=module, policy="required"))
        await create_user(db, settings, "faulty-root", [(None, "platform_admin")])

        async with AsyncTestClient(app=app) as client:
            client.headers.update(await login_headers(client, "faulty-root"))
            base = "/api/v1/tenants/faulty-c"

            boom = await client.get(f"{base}/faulty-route/boom")
            assert boom.status_code == 500
            assert boom.headers["content-type"].startswith("application/problem+json")
            assert boom.json()["title_en"] == "Internal server error"
            assert "Traceback" not in boom.text
            assert "0xDEADBEEF" not in boom.text
            assert any(
                e["event"] == "unhandled_error" and e.get("module") == "faulty-route" for e in logs
            ), "the route's failure is not logged with its module"
            count("faulty plugins survived")
            fine = await client.get(f"{base}/faulty-route/fine")
            assert fine.status_code == 200, fine.text

            volunteer = await client.post(
                f"{base}/five-sector/volunteers", json={"name": "张三", "volunteer_number": "F1"}
            )
            assert volunteer.status_code == 201, volunteer.text
            entry = await client.post(
                f"{base}/five-sector/volunteers/{volunteer.json()['id']}/entries",
                json={
                    "hours": "1.5",
                    "served_on": "2026-03-01",
                    "content": "助老",
                    "verified_by": "王",
                },
            )
            assert entry.status_code == 201, entry.text
            assert any(
                e["event"] == "event_handler_failed" and e["plugin"] == "faulty-subscriber"
                for e in logs
            ), "the subscriber's failure is not logged with its name"
            count("faulty plugins survived")
            entries = await client.get(
                f"{base}/five-sector/volunteers/{volunteer.json()['id']}/entries"
            )
            assert entries.status_code == 200
            assert len(entries.json()["items"]) == 1

            metrics = await client.get("/api/v1/tenants/faulty-d/metrics")
            assert metrics.status_code == 200, metrics.text
            names = {f["name"] for f in metrics.json()["figures"]}
            assert "five-sector.service_hours" in names
            assert (await client.get("/health/ready")).status_code == 200

    async with db.session() as session:
        pending = await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.last_error.is_not(None))
        )
    assert pending == 1, "the failed delivery is kept for a retry"


def test_plugins_list_shows_each_faulty_plugin_as_failed_with_its_reason(
    faulty_installed: None, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGZHI_DATABASE_URL", database_url)
    monkeypatch.setenv("GONGZHI_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(main, ["plugins", "list"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    for name, reason in SKIPPED.items():
        assert any(
            line.startswith(name) and "failed" in line and reason in line for line in lines
        ), result.stdout
    for name in LOADED:
        assert any(line.startswith(name) and "loaded" in line for line in lines), result.stdout
