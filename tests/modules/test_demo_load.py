"""`gongzhi demo load`: every module on somewhere in the tree, in `requires` order, never in
production by accident."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import core.kernel as plugins_cli
from core import DemoContext, Manifest, hookimpl
from core.app import load_plugins
from core.cli import main
from core.db import Database
from core.demo import in_requires_order, load_demo
from core.modules.models import ModuleChoice
from core.settings import Settings
from core.testing import TEST_SECRET, make_tree
from tests.modules.sample_plugins import manifest

CALLS: list[tuple[str, str, int]] = []


class DemoPlugin:
    """A module whose demo hook records where and in which order it was called."""

    def __init__(self, name: str, **manifest_kwargs: Any) -> None:
        self.name = name
        self.manifest_kwargs = manifest_kwargs

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest(self.name, **self.manifest_kwargs)

    @hookimpl
    async def gongzhi_demo_load(self, context: DemoContext) -> None:
        CALLS.append((self.name, context.root.slug, context.random.randint(0, 10**9)))
        assert set(context.tenants) == {"district", "town", "community"}


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    CALLS.clear()
    return [
        ("base-demo", DemoPlugin("base-demo")),
        ("after-base", DemoPlugin("after-base", requires=["base-demo"])),
        ("never-on", DemoPlugin("never-on")),
    ]


def test_modules_come_after_the_modules_they_require() -> None:
    manifests = {
        m.name: m
        for m in (
            manifest("a-mod", requires=["c-mod"]),
            manifest("b-mod"),
            manifest("c-mod", requires=["b-mod"]),
        )
    }
    assert in_requires_order(manifests, ["a-mod", "b-mod", "c-mod"]) == ["b-mod", "c-mod", "a-mod"]
    assert in_requires_order(manifests, ["a-mod"]) == ["a-mod"]


async def test_each_module_on_below_the_root_loads_in_requires_order(
    app_plugins: list[tuple[str, Any]], settings: Settings, db: Database
) -> None:
    tree = await make_tree(db, {"district": {"town": {"community": {}}}})
    async with db.session(write=True) as session:
        for name in ("after-base", "base-demo"):
            session.add(ModuleChoice(tenant_id=tree["community"].id, module=name, enabled=True))
    host = load_plugins(settings, app_plugins)
    loads = await load_demo(db, host, "district")
    assert [load.module for load in loads] == ["base-demo", "after-base"]
    assert [call[:2] for call in CALLS] == [("base-demo", "district"), ("after-base", "district")]
    await load_demo(db, host, "district")
    assert CALLS[:2] == CALLS[2:], "the generator is seeded per module and root"


def test_production_refuses_without_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugins_cli._loaded.clear()
    monkeypatch.setenv("GONGZHI_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'g.db'}")
    monkeypatch.setenv("GONGZHI_SECRET_KEY", TEST_SECRET)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    monkeypatch.setenv("GONGZHI_ENV", "production")
    refused = runner.invoke(main, ["demo", "load"])
    assert refused.exit_code == 2
    assert "GONGZHI_ENV=production" in refused.stderr
    assert "--force" in refused.stderr
    forced = runner.invoke(main, ["demo", "load", "--force"])
    assert forced.exit_code == 2, "past the refusal, it stops at the missing tree"
    assert "tenants apply" in forced.stderr
    plugins_cli._loaded.clear()
