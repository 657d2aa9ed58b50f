"""Users, memberships, logins and API tokens: the rules, independent of HTTP and the CLI.

Every function works inside the caller's transaction and writes its audit record there, so a
change and its record are committed together or not at all.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.errors import Conflict, Invalid, NotFound, Problem
from core.identity.models import USER_STATUSES, ApiToken, LoginSession, Membership, User
from core.identity.passwords import (
    check_password_length,
    check_password_rules,
    hash_password,
    one_time_password,
    verify_password,
)
from core.identity.permissions import ROLES
from core.identity.ratelimit import RateLimiter
from core.identity.tokens import (
    issue_access_token,
    new_api_token,
    new_refresh_token,
    token_hash,
)
from core.settings import Settings
from core.tenancy.models import Tenant

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$")


class InvalidCredentials(Problem):
    """The one answer for an unknown user, a wrong password and a disabled account."""

    status = 401
    code = "invalid-credentials"

    def __init__(self) -> None:
        super().__init__(
            "用户名或密码错误",
            title_en="Invalid username or password",
            headers={"WWW-Authenticate": 'Bearer realm="gongzhi"'},
        )


class InvalidRefreshToken(Problem):
    status = 401
    code = "invalid-refresh-token"

    def __init__(self) -> None:
        super().__init__(
            "登录已失效，请重新登录",
            title_en="Refresh token is invalid, expired or revoked; log in again",
        )


class TooManyAttempts(Problem):
    status = 429
    code = "too-many-requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "登录尝试过于频繁，请稍后再试",
            title_en="Too many login attempts; try again later",
            detail=f"retry after {retry_after} seconds",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )


class TooManyPasswordAttempts(Problem):
    status = 429
    code = "too-many-requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "密码尝试过于频繁，请稍后再试",
            title_en="Too many password attempts; try again later",
            detail=f"retry after {retry_after} seconds",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"
    password_change_required: bool = False


def check_username(username: str) -> None:
    if not USERNAME_RE.match(username):
        raise Invalid(
            "username",
            "用户名须为 2 至 64 个字母、数字或 _.@- 字符",
            message_en="2 to 64 letters, digits or _.@- characters",
        )


def check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(
            "role",
            f"角色不存在：{role}",
            message_en=f"unknown role {role!r}; expected one of {', '.join(ROLES)}",
        )


async def find_user(session: AsyncSession, username: str) -> User | None:
    result = await session.execute(select(User).where(User.username == username))
    return result.scalar_one_or_none()


def user_fields(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "phone": user.phone,
        "email": user.email,
        "status": user.status,
        "password_change_required": user.password_change_required,
    }


def _address_key(client_address: str | None) -> str:
    return f"login:address:{client_address or '-'}"


async def create_user(
    session: AsyncSession,
    hasher: PasswordHasher,
    *,
    username: str,
    display_name: str | None = None,
    password: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    tenant_id: uuid.UUID | None = None,
    password_change_required: bool = False,
) -> User:
    """Create an active user; 409 if the username is taken, 422 for a bad name or password.

    ``password_change_required``: the password was given by someone else (an invitation's
    one-time password), so the user's first login must replace it."""
    check_username(username)
    if password is not None:
        check_password_rules(password)
    if await find_user(session, username) is not None:
        raise Conflict("用户名已存在", title_en="Username already taken", detail=username)
    user = User(
        username=username,
        display_name=(display_name or username).strip()[:100] or username,
        phone=phone,
        email=email,
        password_hash=await hash_password(hasher, password) if password is not None else None,
        status="active",
        password_change_required=password_change_required and password is not None,
    )
    session.add(user)
    await session.flush()
    await audit.record(
        session,
        action="users.create",
        target_type="user",
        target_id=user.id,
        tenant_id=tenant_id,
        after=user_fields(user),
    )
    return user


async def add_membership(
    session: AsyncSession, user: User, tenant: Tenant | None, role: str
) -> Membership:
    """Give ``user`` ``role`` at ``tenant`` (None: global, platform_admin only); 409 if held."""
    check_role(role)
    if tenant is None and role != "platform_admin":
        raise Invalid("tenant", "只有平台管理员可以不指定组织", message_en="required for this role")
    tenant_id = tenant.id if tenant is not None else None
    existing = await session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.role == role,
            Membership.tenant_id.is_(None)
            if tenant_id is None
            else Membership.tenant_id == tenant_id,
        )
    )
    if existing is not None:
        raise Conflict("该成员已拥有此角色", title_en="Membership already exists")
    membership = Membership(user_id=user.id, tenant_id=tenant_id, role=role)
    session.add(membership)
    await session.flush()
    await audit.record(
        session,
        action="memberships.create",
        target_type="membership",
        target_id=membership.id,
        tenant_id=tenant_id,
        after={"user": user.username, "role": role, "tenant_id": tenant_id},
    )
    return membership


async def remove_membership(session: AsyncSession, membership: Membership, username: str) -> None:
    before = {"user": username, "role": membership.role, "tenant_id": membership.tenant_id}
    await session.delete(membership)
    await session.flush()
    await audit.record(
        session,
        action="memberships.delete",
        target_type="membership",
        target_id=membership.id,
        tenant_id=membership.tenant_id,
        before=before,
    )


async def set_status(
    session: AsyncSession, user: User, status: str, *, tenant_id: uuid.UUID | None = None
) -> bool:
    """Enable or disable ``user`` (``tenant_id``: where the change was made, for the audit log).

    A disabled user's login sessions are revoked too, so enabling them again does not bring an
    old token back. Setting the status a user already has changes and records nothing; the
    answer says whether anything changed. The caller drops the user from the principal cache.
    """
    if status not in USER_STATUSES:
        raise Invalid("status", f"状态不存在：{status}", message_en=f"unknown status {status!r}")
    before = user.status
    if before == status:
        return False
    user.status = status
    if status == "disabled":
        await revoke_user_sessions(session, user.id)
    await session.flush()
    await audit.record(
        session,
        action="users.disable" if status == "disabled" else "users.enable",
        target_type="user",
        target_id=user.id,
        tenant_id=tenant_id,
        before={"status": before},
        after={"status": status},
    )
    return True


async def revoke_user_sessions(
    session: AsyncSession, user_id: uuid.UUID, *, keep: uuid.UUID | None = None
) -> int:
    """Revoke every open login session of ``user_id`` except ``keep``; how many tokens."""
    query = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.session_id != keep)
    result = await session.execute(query.values(revoked_at=datetime.now(UTC)))
    return int(getattr(result, "rowcount", 0) or 0)


class WrongPassword(Invalid):
    def __init__(self) -> None:
        super().__init__("current_password", "当前密码不正确", message_en="wrong current password")


async def change_own_password(
    session: AsyncSession,
    settings: Settings,
    hasher: PasswordHasher,
    limiter: RateLimiter,
    *,
    user_id: uuid.UUID,
    keep_session: uuid.UUID | None,
    current_password: str,
    new_password: str,
    client_address: str | None,
) -> int:
    """Replace the user's password after checking the current one; how many other sessions'
    tokens were revoked.

    Wrong current passwords count like failed logins, per account and per client address (the
    address count is the login's own), and over either limit the answer is 429 before the
    password is checked. Every login session of the user but ``keep_session`` (the caller's) is
    revoked. Clears ``password_change_required``.
    """
    check_password_length(current_password, "current_password")
    check_password_rules(new_password, "new_password")
    window = float(settings.login_window)
    account_key = f"password:account:{user_id}"
    address_key = _address_key(client_address)
    waits = [
        await limiter.retry_after(account_key, settings.login_account_limit, window),
        await limiter.retry_after(address_key, settings.login_address_limit, window),
    ]
    blocked = [w for w in waits if w is not None]
    if blocked:
        raise TooManyPasswordAttempts(max(blocked))
    user = await session.get(User, user_id)
    if user is None or user.status != "active":
        raise NotFound("用户")
    if not await verify_password(hasher, user.password_hash, current_password):
        await limiter.hit(account_key, window)
        await limiter.hit(address_key, window)
        raise WrongPassword()
    await limiter.reset(account_key)
    if new_password == current_password:
        raise Invalid(
            "new_password",
            "新密码不能与当前密码相同",
            message_en="must differ from the current password",
        )
    required_before = user.password_change_required
    user.password_hash = await hash_password(hasher, new_password)
    user.password_change_required = False
    revoked = await revoke_user_sessions(session, user.id, keep=keep_session)
    await session.flush()
    await audit.record(
        session,
        action="users.password_change",
        target_type="user",
        target_id=user.id,
        tenant_id=None,
        before={"password_change_required": required_before},
        after={"password_change_required": False, "sessions_revoked": revoked},
    )
    return revoked


async def reset_password(
    session: AsyncSession,
    hasher: PasswordHasher,
    user: User,
    *,
    password: str | None,
    require_change: bool,
    tenant_id: uuid.UUID | None,
) -> str | None:
    """Give ``user`` a new password chosen by an administrator or the operator.

    With ``password`` None a one-time password is generated and returned (shown once, never
    stored in plain); it always requires a change at the next login. Every login session of the
    user is revoked. The audit record names neither password.
    """
    generated = one_time_password() if password is None else None
    if password is not None:
        check_password_rules(password)
    required = require_change or generated is not None
    required_before = user.password_change_required
    user.password_hash = await hash_password(hasher, password or generated or "")
    user.password_change_required = required
    revoked = await revoke_user_sessions(session, user.id)
    await session.flush()
    await audit.record(
        session,
        action="users.password_reset",
        target_type="user",
        target_id=user.id,
        tenant_id=tenant_id,
        before={"password_change_required": required_before},
        after={
            "username": user.username,
            "password_change_required": required,
            "one_time": generated is not None,
            "sessions_revoked": revoked,
        },
    )
    return generated


async def change_role(
    session: AsyncSession, membership: Membership, username: str, role: str
) -> bool:
    """Give ``membership`` another role (409 if the user holds it there already); whether
    anything changed."""
    check_role(role)
    if membership.role == role:
        return False
    taken = await session.scalar(
        select(Membership.id).where(
            Membership.user_id == membership.user_id,
            Membership.tenant_id == membership.tenant_id,
            Membership.role == role,
        )
    )
    if taken is not None:
        raise Conflict("该成员已拥有此角色", title_en="Membership already exists", detail=role)
    before = membership.role
    membership.role = role
    await session.flush()
    await audit.record(
        session,
        action="memberships.update",
        target_type="membership",
        target_id=membership.id,
        tenant_id=membership.tenant_id,
        before={"user": username, "role": before},
        after={"user": username, "role": role},
    )
    return True


async def revoke_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    await session.execute(
        update(LoginSession)
        .where(LoginSession.session_id == session_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


async def _issue(
    session: AsyncSession,
    settings: Settings,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    client_address: str | None,
    *,
    password_change_required: bool = False,
) -> TokenPair:
    refresh = new_refresh_token()
    now = datetime.now(UTC)
    session.add(
        LoginSession(
            session_id=session_id,
            user_id=user_id,
            token_hash=token_hash(refresh),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_ttl),
            client_address=client_address,
        )
    )
    await session.flush()
    return TokenPair(
        access_token=issue_access_token(settings, user_id, session_id, now),
        refresh_token=refresh,
        expires_in=settings.access_token_ttl,
        password_change_required=password_change_required,
    )


async def login(
    session: AsyncSession,
    settings: Settings,
    hasher: PasswordHasher,
    limiter: RateLimiter,
    *,
    username: str,
    password: str,
    client_address: str | None,
) -> TokenPair:
    """Check the password and open a login session.

    Failures count per account and per client address; over either limit the answer is 429
    with ``Retry-After`` before the password is even checked.
    """
    check_password_length(password)
    window = float(settings.login_window)
    account_key = f"login:account:{username.casefold()}"
    address_key = _address_key(client_address)
    waits = [
        await limiter.retry_after(account_key, settings.login_account_limit, window),
        await limiter.retry_after(address_key, settings.login_address_limit, window),
    ]
    blocked = [w for w in waits if w is not None]
    if blocked:
        raise TooManyAttempts(max(blocked))
    user = await find_user(session, username)
    ok = await verify_password(hasher, user.password_hash if user else None, password)
    if user is None or not ok or user.status != "active":
        await limiter.hit(account_key, window)
        await limiter.hit(address_key, window)
        raise InvalidCredentials()
    await limiter.reset(account_key)
    if hasher.check_needs_rehash(user.password_hash or ""):
        user.password_hash = await hash_password(hasher, password)
    pair = await _issue(
        session,
        settings,
        user.id,
        uuid.uuid4(),
        client_address,
        password_change_required=user.password_change_required,
    )
    await audit.record(
        session,
        action="auth.login",
        target_type="user",
        target_id=user.id,
        tenant_id=None,
        actor_id=user.id,
        actor_username=user.username,
    )
    return pair


async def refresh(
    session: AsyncSession, settings: Settings, *, refresh_token: str, client_address: str | None
) -> tuple[TokenPair | None, uuid.UUID | None]:
    """Rotate a refresh token: (new pair, None), or (None, session id revoked for reuse).

    A token that was already used means someone kept a copy: the whole login session is
    revoked, and the caller must commit that before answering 401.
    """
    now = datetime.now(UTC)
    row = await session.scalar(
        select(LoginSession).where(LoginSession.token_hash == token_hash(refresh_token))
    )
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise InvalidRefreshToken()
    if row.used_at is not None:
        await revoke_session(session, row.session_id)
        await audit.record(
            session,
            action="auth.refresh_reused",
            target_type="login_session",
            target_id=row.session_id,
            tenant_id=None,
            actor_id=row.user_id,
        )
        return None, row.session_id
    user = await session.get(User, row.user_id)
    if user is None or user.status != "active":
        raise InvalidRefreshToken()
    row.used_at = now
    await session.flush()
    pair = await _issue(
        session,
        settings,
        user.id,
        row.session_id,
        client_address,
        password_change_required=user.password_change_required,
    )
    await audit.record(
        session,
        action="auth.refresh",
        target_type="login_session",
        target_id=row.session_id,
        tenant_id=None,
        actor_id=user.id,
        actor_username=user.username,
    )
    return pair, None


async def create_api_token(
    session: AsyncSession,
    *,
    tenant: Tenant,
    user_id: uuid.UUID,
    name: str,
    permissions: list[str],
    expires_at: datetime | None,
) -> tuple[ApiToken, str]:
    """Store a new API token (hashed) and return it with the one-time plain token."""
    plain = new_api_token()
    api_token = ApiToken(
        tenant_id=tenant.id,
        user_id=user_id,
        name=name,
        token_hash=token_hash(plain),
        permissions=sorted(set(permissions)),
        expires_at=expires_at,
    )
    session.add(api_token)
    await session.flush()
    await audit.record(
        session,
        action="api_tokens.create",
        target_type="api_token",
        target_id=api_token.id,
        tenant_id=tenant.id,
        after={"name": name, "permissions": api_token.permissions},
    )
    return api_token, plain


async def revoke_api_token(session: AsyncSession, tenant: Tenant, token_id: uuid.UUID) -> None:
    api_token = await session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.tenant_id == tenant.id)
    )
    if api_token is None or api_token.revoked_at is not None:
        raise NotFound("令牌")
    api_token.revoked_at = datetime.now(UTC)
    await session.flush()
    await audit.record(
        session,
        action="api_tokens.revoke",
        target_type="api_token",
        target_id=api_token.id,
        tenant_id=tenant.id,
        before={"revoked_at": None},
        after={"revoked_at": api_token.revoked_at},
    )
