"""``gongzhi users ...``: create, list, disable and enable users, set or reset a password, and
ensure the demo administrator.

Commands act as the operator (audit actor ``cli``). Problems a user can fix print one plain line
``错误：… / error: …`` on stderr and exit 2, writing nothing. A password is never taken as an
argument (it would stay in the shell's history and the process list): it is prompted for, or
read from standard input with ``--password-stdin``.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditContext, audit_context
from core.clikit import fail, migrated_settings_or_exit
from core.db import SYSTEM, Database
from core.errors import Invalid, Problem
from core.identity import service
from core.identity.models import Membership, User
from core.identity.passwords import hasher_for
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.resolve import find_tenant

T = TypeVar("T")

DEMO_ADMIN = "admin"


def run_in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one write transaction; a :class:`Problem` exits 2 with nothing written."""

    async def go() -> T:
        db = Database(settings, default_context=SYSTEM)
        reset = audit_context.set(AuditContext(actor_username="cli"))
        try:
            async with db.session(write=True) as session:
                return await work(session)
        finally:
            audit_context.reset(reset)
            await db.dispose()

    try:
        return asyncio.run(go())
    except Invalid as exc:
        [error] = exc.extra["errors"]
        fail(
            f"{error['field']}：{error['message']}",
            f"{error['field']}: {error['message_en']}",
        )
    except Problem as exc:
        detail = f": {exc.detail}" if exc.detail else ""
        fail(f"{exc.title}{detail}", f"{exc.title_en or exc.title}{detail}")


def read_new_password(password_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at a hidden prompt.

    Two different entries, or nothing on standard input, exit 2.
    """
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("标准输入中没有密码", "no password on standard input")
        return line.rstrip("\r\n")
    first = click.prompt("新密码 / new password", hide_input=True, default="", show_default=False)
    second = click.prompt("再次输入 / repeat it", hide_input=True, default="", show_default=False)
    if first != second:
        fail("两次输入的密码不一致", "the two passwords differ")
    return str(first)


async def existing_user(session: AsyncSession, username: str) -> User:
    user = await service.find_user(session, username)
    if user is None:
        raise Problem("用户不存在", title_en="No such user", detail=username)
    return user


@click.group(help="用户与角色 / Users and roles")
def users() -> None:
    pass


@users.command(
    "create", help="创建用户（如不存在）并授予角色 / Create a user if missing and add a membership"
)
@click.option("--username", required=True)
@click.option("--tenant", "tenant_key", default=None, help="组织标识或区划代码 / slug or code")
@click.option("--role", required=True)
@click.option("--display-name", default=None)
@click.option(
    "--password-stdin", is_flag=True, help="从标准输入读取密码 / read the password from stdin"
)
def create(
    username: str, tenant_key: str | None, role: str, display_name: str | None, password_stdin: bool
) -> None:
    settings = migrated_settings_or_exit()
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None

    async def work(session: AsyncSession) -> str:
        service.check_role(role)
        tenant: Tenant | None = None
        if tenant_key is not None:
            tenant = await find_tenant(session, tenant_key)
            if tenant is None:
                raise Problem("组织不存在", title_en="No such tenant", detail=tenant_key)
        elif role != "platform_admin":
            raise Problem(
                "此角色必须指定组织", title_en="--tenant is required for this role", detail=role
            )
        user = await service.find_user(session, username)
        created = user is None
        if user is None:
            user = await service.create_user(
                session,
                hasher_for(settings),
                username=username,
                display_name=display_name,
                password=password,
                tenant_id=tenant.id if tenant else None,
            )
        await service.add_membership(session, user, tenant, role)
        if not created and password is not None:
            click.echo("注意：用户已存在，密码未更改 / note: the user exists; password unchanged")
        where = tenant.slug if tenant else "*"
        return f"{'已创建' if created else '已更新'} / {'created' if created else 'updated'}: {username} {role}@{where}"

    click.echo(run_in_session(settings, work))


@users.command("list", help="列出用户及其角色 / List users and their memberships")
@click.option("--tenant", "tenant_key", default=None, help="只看此组织 / only this tenant")
def list_users(tenant_key: str | None) -> None:
    settings = migrated_settings_or_exit()

    async def work(session: AsyncSession) -> list[str]:
        query = (
            select(User, Membership.role, Tenant.slug)
            .outerjoin(Membership, Membership.user_id == User.id)
            .outerjoin(Tenant, Tenant.id == Membership.tenant_id)
            .order_by(User.username, Tenant.slug, Membership.role)
        )
        if tenant_key is not None:
            tenant = await find_tenant(session, tenant_key)
            if tenant is None:
                raise Problem("组织不存在", title_en="No such tenant", detail=tenant_key)
            query = query.where(Membership.tenant_id == tenant.id)
        grouped: dict[str, tuple[User, list[str]]] = {}
        for user, role, slug in await session.execute(query):
            entry = grouped.setdefault(user.username, (user, []))
            if role is not None:
                entry[1].append(f"{role}@{slug or '*'}")
        return [
            f"{u.username}\t{u.display_name}\t{u.status}\t{','.join(roles) or '-'}"
            for u, roles in grouped.values()
        ]

    for line in run_in_session(settings, work):
        click.echo(line)


@users.command("disable", help="停用用户并吊销其登录 / Disable a user and revoke their logins")
@click.argument("username")
def disable(username: str) -> None:
    settings = migrated_settings_or_exit()

    async def work(session: AsyncSession) -> bool:
        return await service.set_status(session, await existing_user(session, username), "disabled")

    changed = run_in_session(settings, work)
    if changed:
        click.echo(f"已停用 / disabled: {username}")
    else:
        click.echo(f"已是停用状态 / already disabled: {username}")


@users.command("enable", help="重新启用用户 / Enable a disabled user again")
@click.argument("username")
def enable(username: str) -> None:
    settings = migrated_settings_or_exit()

    async def work(session: AsyncSession) -> bool:
        return await service.set_status(session, await existing_user(session, username), "active")

    changed = run_in_session(settings, work)
    if changed:
        click.echo(f"已启用 / enabled: {username}")
    else:
        click.echo(f"已是启用状态 / already active: {username}")


@users.command(
    "passwd", help="设置用户密码并结束其所有登录 / Set a user's password, ending their logins"
)
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="从标准输入读取密码 / read the password from stdin"
)
@click.option(
    "--require-change",
    is_flag=True,
    help="下次登录须修改密码 / the user must change it at their next login",
)
def passwd(username: str, password_stdin: bool, require_change: bool) -> None:
    settings = migrated_settings_or_exit()
    password = read_new_password(password_stdin)

    async def work(session: AsyncSession) -> None:
        await service.reset_password(
            session,
            hasher_for(settings),
            await existing_user(session, username),
            password=password,
            require_change=require_change,
            tenant_id=None,
        )

    run_in_session(settings, work)
    click.echo(f"密码已更新 / password set: {username}")
    if require_change:
        click.echo("下次登录须修改密码 / they must change it at their next login")


@users.command(
    "reset-password",
    help="生成一次性密码（仅显示一次），下次登录须修改 / "
    "Give a user a one-time password, shown once, to change at their next login",
)
@click.argument("username")
def reset_password(username: str) -> None:
    settings = migrated_settings_or_exit()

    async def work(session: AsyncSession) -> str:
        generated = await service.reset_password(
            session,
            hasher_for(settings),
            await existing_user(session, username),
            password=None,
            require_change=True,
            tenant_id=None,
        )
        assert generated is not None
        return generated

    password = run_in_session(settings, work)
    click.echo(f"用户名 / username: {username}")
    click.echo(f"一次性密码 / one-time password: {password}")
    click.echo("（仅显示一次，下次登录须修改 / shown once; to be changed at the next login）")


@users.command(
    "ensure-demo-admin",
    help="如无平台管理员则创建 admin 并打印一次密码 / Create a platform admin if none exists",
)
def ensure_demo_admin() -> None:
    settings = migrated_settings_or_exit()
    password = secrets.token_urlsafe(12)

    async def work(session: AsyncSession) -> bool:
        exists = await session.scalar(
            select(Membership.id).where(Membership.role == "platform_admin").limit(1)
        )
        if exists is not None:
            return False
        user = await service.find_user(session, DEMO_ADMIN)
        if user is None:
            user = await service.create_user(
                session,
                hasher_for(settings),
                username=DEMO_ADMIN,
                display_name="平台管理员",
                password=password,
            )
        else:
            user.password_hash = hasher_for(settings).hash(password)
        await service.add_membership(session, user, None, "platform_admin")
        return True

    if run_in_session(settings, work):
        click.echo(f"用户名 / username: {DEMO_ADMIN}")
        click.echo(f"密码 / password: {password}")
        click.echo("（仅显示一次，请妥善保存 / shown once; keep it safe）")
    else:
        click.echo("平台管理员已存在 / a platform admin already exists")
