"""``gongzhi users``: create, list, disable and the demo administrator, from the command line."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.cli import main
from core.db import SYSTEM, Database
from core.identity.models import User
from core.identity.passwords import hasher_for
from core.settings import Settings
from tests.tree import DEMO_TREE, add_tenants


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, settings: Settings) -> CliRunner:
    monkeypatch.setenv("GONGZHI_DATABASE_URL", database_url)
    monkeypatch.setenv("GONGZHI_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("GONGZHI_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("GONGZHI_ARGON2_MEMORY_COST", "8")
    monkeypatch.setenv("GONGZHI_ARGON2_PARALLELISM", "1")

    async def arrange() -> None:
        db = Database(settings, default_context=SYSTEM)
        try:
            await add_tenants(db, DEMO_TREE)
        finally:
            await db.dispose()

    asyncio.run(arrange())
    return CliRunner()


def test_create_adds_user_and_membership_then_list_shows_them(cli_env: CliRunner) -> None:
    result = cli_env.invoke(
        main,
        [
            "users",
            "create",
            "--username",
            "li",
            "--tenant",
            "d1-t1",
            "--role",
            "admin",
            "--display-name",
            "李主任",
            "--password-stdin",
        ],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    again = cli_env.invoke(
        main,
        [
            "users",
            "create",
            "--username",
            "li",
            "--tenant",
            "d1-t2",
            "--role",
            "staff",
            "--password-stdin",
        ],
        input="another-password\n",
    )
    assert again.exit_code == 0, again.output
    assert "password unchanged" in again.output
    listed = cli_env.invoke(main, ["users", "list"])
    assert listed.exit_code == 0
    line = next(row for row in listed.output.splitlines() if row.startswith("li\t"))
    assert "李主任" in line
    assert "admin@d1-t1" in line
    assert "staff@d1-t2" in line
    only = cli_env.invoke(main, ["users", "list", "--tenant", "d1-t2"])
    assert "staff@d1-t2" in only.output
    assert "admin@d1-t1" not in only.output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--tenant", "nowhere", "--role", "admin"], "No such tenant"),
        (["--tenant", "d1", "--role", "mayor"], "unknown role"),
        (["--role", "staff"], "--tenant is required"),
    ],
)
def test_create_with_bad_input_exits_2_and_writes_nothing(
    cli_env: CliRunner, args: list[str], fragment: str
) -> None:
    result = cli_env.invoke(
        main,
        ["users", "create", "--username", "bad", *args, "--password-stdin"],
        input="a-long-password\n",
    )
    assert result.exit_code == 2
    assert fragment in result.output
    listed = cli_env.invoke(main, ["users", "list"])
    assert "bad\t" not in listed.output


def test_short_password_is_refused(cli_env: CliRunner) -> None:
    result = cli_env.invoke(
        main,
        [
            "users",
            "create",
            "--username",
            "shorty",
            "--tenant",
            "d1",
            "--role",
            "staff",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert result.exit_code == 2
    assert "error:" in result.output


def test_disable_marks_the_user_disabled(cli_env: CliRunner) -> None:
    cli_env.invoke(
        main,
        [
            "users",
            "create",
            "--username",
            "gone",
            "--tenant",
            "d1",
            "--role",
            "staff",
            "--password-stdin",
        ],
        input="a-long-password\n",
    )
    assert cli_env.invoke(main, ["users", "disable", "gone"]).exit_code == 0
    line = next(
        r
        for r in cli_env.invoke(main, ["users", "list"]).output.splitlines()
        if r.startswith("gone\t")
    )
    assert "\tdisabled\t" in line
    unknown = cli_env.invoke(main, ["users", "disable", "nobody"])
    assert unknown.exit_code == 2


def _password_matches(settings: Settings, username: str, password: str) -> bool:
    async def read() -> str | None:
        db = Database(settings, default_context=SYSTEM)
        try:
            async with db.session() as session:
                return await session.scalar(
                    select(User.password_hash).where(User.username == username)
                )
        finally:
            await db.dispose()

    stored = asyncio.run(read())
    return stored is not None and hasher_for(settings).verify(stored, password)


def test_ensure_demo_admin_prints_the_password_once(cli_env: CliRunner, settings: Settings) -> None:
    first = cli_env.invoke(main, ["users", "ensure-demo-admin"])
    assert first.exit_code == 0, first.output
    assert "用户名 / username: admin" in first.output
    password = next(
        line.split(": ", 1)[1] for line in first.output.splitlines() if line.startswith("密码")
    )
    assert _password_matches(settings, "admin", password)
    second = cli_env.invoke(main, ["users", "ensure-demo-admin"])
    assert second.exit_code == 0
    assert password not in second.output
    assert "already exists" in second.output
    assert "platform_admin@*" in cli_env.invoke(main, ["users", "list"]).output
