"""Commands that need the database say plainly when it is unreachable or not migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import main

WANGCHENG = str(Path(__file__).resolve().parent.parent / "tenants" / "wangcheng.yaml")


@pytest.mark.parametrize("args", [["tenants", "apply", WANGCHENG], ["users", "list"]])
def test_an_unmigrated_database_gets_one_line_and_exit_2(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGZHI_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("GONGZHI_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "gongzhi db upgrade" in result.stderr
    assert "Traceback" not in result.output


def test_an_unreachable_database_gets_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGZHI_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("GONGZHI_SECRET_KEY", "k" * 40)
    result = CliRunner().invoke(main, ["tenants", "show", "wangcheng"])
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：无法连接数据库 / error: cannot reach the database")


def test_upgrade_after_uninstalling_a_plugin_without_downgrading_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The revision of a plugin that is gone gets one paragraph (Chinese, then English) naming
    it and the way out, not Alembic's traceback."""
    import asyncio

    from sqlalchemy import text

    from core.db import create_nullpool_engine

    url = f"sqlite+aiosqlite:///{tmp_path / 'gongzhi.db'}"
    monkeypatch.setenv("GONGZHI_DATABASE_URL", url)
    monkeypatch.setenv("GONGZHI_SECRET_KEY", "k" * 40)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0

    async def leave_an_orphan() -> None:
        engine = create_nullpool_engine(url)
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES ('gone_plugin_0001')")
            )
        await engine.dispose()

    asyncio.run(leave_an_orphan())
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    chinese, english = result.stderr.strip().split("\n")
    assert chinese.startswith("错误：")
    assert "gone_plugin_0001" in chinese
    assert english.startswith("error: ")
    assert "gone_plugin_0001" in english
    assert "gongzhi db downgrade-branch" in english
