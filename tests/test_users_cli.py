"""``gongzhi users``: create, list, disable and the demo administrator, from the command line."""

from __future__ import annotations

import asyncio

import pytest
from argon2.exceptions import VerifyMismatchError
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
    try:
        return stored is not None and hasher_for(settings).verify(stored, password)
    except VerifyMismatchError:
        return False


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


def _create(cli_env: CliRunner, username: str, password: str = "a-long-password") -> None:
    result = cli_env.invoke(
        main,
        [
            *("users", "create", "--username", username, "--tenant", "d1", "--role", "staff"),
            "--password-stdin",
        ],
        input=f"{password}\n",
    )
    assert result.exit_code == 0, result.output


def _required(settings: Settings, username: str) -> bool:
    async def read() -> bool | None:
        db = Database(settings, default_context=SYSTEM)
        try:
            async with db.session() as session:
                return await session.scalar(
                    select(User.password_change_required).where(User.username == username)
                )
        finally:
            await db.dispose()

    return bool(asyncio.run(read()))


def test_passwd_sets_a_password_from_stdin_or_the_prompt(
    cli_env: CliRunner, settings: Settings
) -> None:
    _create(cli_env, "chen")
    piped = cli_env.invoke(
        main, ["users", "passwd", "chen", "--password-stdin"], input="piped-password\n"
    )
    assert piped.exit_code == 0, piped.output
    assert "password set: chen" in piped.output
    assert _password_matches(settings, "chen", "piped-password")
    assert not _password_matches(settings, "chen", "a-long-password")
    assert not _required(settings, "chen")

    typed = cli_env.invoke(
        main, ["users", "passwd", "chen", "--require-change"], input="typed-password\n" * 2
    )
    assert typed.exit_code == 0, typed.output
    assert "typed-password" not in typed.output
    assert _password_matches(settings, "chen", "typed-password")
    assert _required(settings, "chen")


@pytest.mark.parametrize(
    ("args", "given", "fragment"),
    [
        (["nobody", "--password-stdin"], "long-enough-1\n", "No such user"),
        (["chen", "--password-stdin"], "short\n", "password: at least 8 characters"),
        (["chen", "--password-stdin"], "", "no password on standard input"),
        (["chen"], "first-password\nsecond-password\n", "the two passwords differ"),
    ],
)
def test_passwd_with_bad_input_exits_2_and_changes_nothing(
    cli_env: CliRunner, settings: Settings, args: list[str], given: str, fragment: str
) -> None:
    _create(cli_env, "chen")
    result = cli_env.invoke(main, ["users", "passwd", *args], input=given)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "错误：" in result.output
    assert _password_matches(settings, "chen", "a-long-password")


def test_reset_password_prints_a_one_time_password_to_change_at_next_login(
    cli_env: CliRunner, settings: Settings
) -> None:
    _create(cli_env, "zhou")
    result = cli_env.invoke(main, ["users", "reset-password", "zhou"])
    assert result.exit_code == 0, result.output
    password = next(
        line.split(": ", 1)[1]
        for line in result.output.splitlines()
        if line.startswith("一次性密码")
    )
    assert _password_matches(settings, "zhou", password)
    assert _required(settings, "zhou")
    assert cli_env.invoke(main, ["users", "reset-password", "nobody"]).exit_code == 2


def test_enable_undoes_disable_and_both_say_when_nothing_changes(cli_env: CliRunner) -> None:
    _create(cli_env, "qian")

    def status() -> str:
        listed = cli_env.invoke(main, ["users", "list"]).output.splitlines()
        return next(r for r in listed if r.startswith("qian\t")).split("\t")[2]

    assert "already active" in cli_env.invoke(main, ["users", "enable", "qian"]).output
    assert cli_env.invoke(main, ["users", "disable", "qian"]).exit_code == 0
    assert status() == "disabled"
    assert "already disabled" in cli_env.invoke(main, ["users", "disable", "qian"]).output
    enabled = cli_env.invoke(main, ["users", "enable", "qian"])
    assert enabled.exit_code == 0
    assert "enabled: qian" in enabled.output
    assert status() == "active"
    assert cli_env.invoke(main, ["users", "enable", "nobody"]).exit_code == 2
