"""``gongzhi plugins``: listing, checking invariants, scaffolding; plugin-added commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import core.kernel as kernel_module
from core.cli import main
from core.db import Database
from core.modules.host import PluginHost
from core.modules.invariants import check_invariants
from core.settings import Settings
from tests.modules.sample_plugins import BadManifestPlugin, NotesPlugin


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> PluginHost:
    host = kernel_module.new_host(
        settings.with_(strict_plugins=False),
        [("notes", NotesPlugin()), ("bad", BadManifestPlugin())],
        discover=False,
    )
    monkeypatch.setattr(kernel_module, "load_host", lambda _settings: host)
    return host


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, database_url: str) -> CliRunner:
    monkeypatch.setenv("GONGZHI_DATABASE_URL", database_url)
    monkeypatch.setenv("GONGZHI_SECRET_KEY", "k" * 40)
    return CliRunner()


def test_list_shows_loaded_and_failed_plugins_with_the_reason(
    runner: CliRunner, host: PluginHost
) -> None:
    result = runner.invoke(main, ["plugins", "list"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("notes") and "loaded" in line for line in lines)
    assert any(
        line.startswith("bad") and "failed" in line and "bad manifest" in line for line in lines
    )


def test_check_runs_each_plugins_invariants(runner: CliRunner, host: PluginHost) -> None:
    result = runner.invoke(main, ["plugins", "check"])
    assert result.exit_code == 0, result.output
    assert "notes: ok" in result.stdout


async def test_a_violated_invariant_is_reported(db: Database, host: PluginHost) -> None:
    from sqlalchemy import update

    from core.tenancy.models import Tenant
    from core.testing import make_tree

    await make_tree(db, {"district": {}})
    async with db.session(write=True) as session:
        await session.execute(update(Tenant).values(path=""))
    assert await check_invariants(db, host) == {"notes": ["tenant district has no path"]}


def test_plugins_add_their_own_commands(host: PluginHost) -> None:
    import click

    group = click.Group()
    host.pm.hook.gongzhi_commands(cli=group)
    result = CliRunner().invoke(group, ["notes-hello"])
    assert result.stdout == "hello from notes\n"


def test_new_refuses_a_bad_name_or_an_existing_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["plugins", "new", "Bad_Name", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "kebab-case" in result.stderr
    assert runner.invoke(main, ["plugins", "new", "ok-name", "--dir", str(tmp_path)]).exit_code == 0
    again = runner.invoke(main, ["plugins", "new", "ok-name", "--dir", str(tmp_path)])
    assert again.exit_code == 2
    assert "already exists" in again.stderr
