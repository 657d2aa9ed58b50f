"""HTTP routes of identity: login, refresh, logout, ``/me`` and one's own password, members
(invite, roles, removal, password reset, disable/enable) and API tokens.

A member's account (password, status) is changed here only by an administrator who reaches
every tenant where that user holds a role, with a role at least as high as each of those roles
there; otherwise 403 ``user-beyond-reach``: a community administrator cannot take over, by a
password reset, the account of a volunteer who is also a town's administrator.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, cast

import msgspec
from argon2 import PasswordHasher
from litestar import Request, Response, delete, get, patch, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.db import across_tree
from core.errors import PROBLEM_MEDIA_TYPE, Invalid, NotFound, Problem, problem_responses
from core.identity import service
from core.identity.access import decide, may_grant, principal_of, registry_of
from core.identity.models import ApiToken, Membership, User
from core.identity.passwords import one_time_password
from core.identity.principal import Principal
from core.identity.ratelimit import RateLimiter
from core.identity.schemas import (
    ApiTokenCreated,
    ApiTokenData,
    ApiTokenOut,
    LoginData,
    MemberCreated,
    MemberData,
    MemberOut,
    MemberRoleData,
    MeOut,
    MyMembership,
    PasswordChangeData,
    PasswordResetData,
    PasswordResetOut,
    RefreshData,
    Role,
    TenantRef,
    TokenPairOut,
    UserRef,
    UserStatus,
)
from core.paging import Page, Paging, paginate
from core.settings import Settings
from core.tenancy.models import Tenant


def _client(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


def _hasher(request: Request[Any, Any, Any]) -> PasswordHasher:
    hasher: PasswordHasher = request.app.state.password_hasher
    return hasher


def _pair(pair: service.TokenPair) -> TokenPairOut:
    return TokenPairOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        token_type=pair.token_type,
        expires_in=pair.expires_in,
        password_change_required=pair.password_change_required,
    )


@post(
    "/api/v1/auth/login",
    status_code=200,
    summary="登录 / Log in",
    responses=problem_responses(401, 429),
)
async def login(
    request: Request[Any, Any, Any], session: AsyncSession, data: LoginData
) -> TokenPairOut:
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = request.app.state.login_limiter
    pair = await service.login(
        session,
        settings,
        _hasher(request),
        limiter,
        username=data.username,
        password=data.password,
        client_address=_client(request),
    )
    return _pair(pair)


@post(
    "/api/v1/auth/refresh",
    status_code=200,
    summary="换取新令牌 / Rotate a refresh token",
    responses=problem_responses(401),
)
async def refresh(
    request: Request[Any, Any, Any], session: AsyncSession, data: RefreshData
) -> Response[TokenPairOut]:
    """A new pair for a valid refresh token. A reused one revokes its whole login session: that
    revocation must commit, so the 401 is returned rather than raised."""
    settings: Settings = request.app.state.settings
    pair, revoked = await service.refresh(
        session, settings, refresh_token=data.refresh_token, client_address=_client(request)
    )
    if pair is None:
        if revoked is not None:
            request.app.state.principal_cache.invalidate_session(revoked)
        problem = service.InvalidRefreshToken()
        refused: Response[Any] = Response(
            content=problem.body(instance=request.url.path),
            status_code=problem.status,
            media_type=PROBLEM_MEDIA_TYPE,
        )
        return refused
    return Response(content=_pair(pair), status_code=200)


@post("/api/v1/auth/logout", status_code=204, summary="退出登录 / Log out")
async def logout(
    request: Request[Any, Any, Any], session: AsyncSession, principal: Principal
) -> None:
    if principal.session_id is not None:
        await service.revoke_session(session, principal.session_id)
        await audit.record(
            session,
            action="auth.logout",
            target_type="login_session",
            target_id=principal.session_id,
            tenant_id=None,
        )
        request.app.state.principal_cache.invalidate_session(principal.session_id)


def _tenant_ref(tenant: Tenant | None) -> TenantRef | None:
    if tenant is None:
        return None
    return TenantRef(id=tenant.id, slug=tenant.slug, name=tenant.name, level=tenant.level)


@get("/api/v1/me", summary="当前用户 / The current user and their memberships")
async def me(session: AsyncSession, principal: Principal) -> MeOut:
    user = await session.get(User, principal.user_id)
    if user is None:
        raise NotFound("用户")
    # The caller's own memberships, with the tenants they are at: outside any one tenant's
    # context, so read across the tree, filtered to this user.
    async with across_tree(session):
        rows = (
            await session.execute(
                select(Membership, Tenant)
                .outerjoin(Tenant, Tenant.id == Membership.tenant_id)
                .where(Membership.user_id == user.id)
                .order_by(Membership.created_at, Membership.id)
            )
        ).all()
    return MeOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        phone=user.phone,
        email=user.email,
        status=cast(UserStatus, user.status),
        password_change_required=user.password_change_required,
        memberships=[
            MyMembership(id=m.id, role=cast(Role, m.role), tenant=_tenant_ref(t)) for m, t in rows
        ],
    )


class LoginSessionRequired(Problem):
    status = 403
    code = "login-session-required"

    def __init__(self) -> None:
        super().__init__(
            "接口令牌不能修改账户密码，请登录后操作",
            title_en="An API token cannot change a password; log in",
        )


@post(
    "/api/v1/me/password",
    status_code=204,
    summary="修改自己的密码 / Change your own password",
    responses=problem_responses(403, 422, 429),
)
async def change_my_password(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    principal: Principal,
    data: PasswordChangeData,
) -> None:
    """Check ``current_password`` and set ``new_password`` (8+ characters, not the current one).

    Every other login session of the caller is revoked; the one making this request stays
    valid. Wrong current passwords are throttled like failed logins (429 with ``Retry-After``).
    """
    if principal.api_scope is not None or principal.session_id is None:
        raise LoginSessionRequired()
    await service.change_own_password(
        session,
        request.app.state.settings,
        _hasher(request),
        request.app.state.login_limiter,
        user_id=principal.user_id,
        keep_session=principal.session_id,
        current_password=data.current_password,
        new_password=data.new_password,
        client_address=_client(request),
    )
    request.app.state.principal_cache.invalidate_user(principal.user_id)


def _user_ref(user: User) -> UserRef:
    return UserRef(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        status=cast(UserStatus, user.status),
        password_change_required=bool(user.password_change_required),
    )


def _member_view(membership: Membership, user: User) -> MemberOut:
    assert membership.tenant_id is not None
    return MemberOut(
        id=membership.id,
        role=cast(Role, membership.role),
        tenant_id=membership.tenant_id,
        user=_user_ref(user),
        created_at=membership.created_at,
    )


@get(
    "/api/v1/tenants/{tenant_key:str}/members",
    opt={"permission": "users:read"},
    summary="组织成员 / Memberships held at this tenant",
)
async def list_members(
    session: AsyncSession,
    tenant: Tenant,
    paging: Paging,
    q: Annotated[
        str | None,
        Parameter(max_length=64, description="用户名或姓名包含 / username or name contains"),
    ] = None,
    role: Role | None = None,
    status: UserStatus | None = None,
) -> Page[MemberOut]:
    """Memberships held at this tenant, by username; ``q``, ``role`` and ``status`` narrow
    the list."""
    stmt = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant.id)
        .order_by(User.username, Membership.role, Membership.id)
    )
    if q and q.strip():
        needle = q.strip().lower()
        stmt = stmt.where(
            or_(
                func.lower(User.username).contains(needle, autoescape=True),
                func.lower(User.display_name).contains(needle, autoescape=True),
            )
        )
    if role is not None:
        stmt = stmt.where(Membership.role == role)
    if status is not None:
        stmt = stmt.where(User.status == status)
    page = await paginate(session, stmt, paging, lambda m: m)
    users = {
        u.id: u
        for u in await session.scalars(
            select(User).where(User.id.in_([m.user_id for m in page.items]))
        )
    }
    return Page(
        items=[_member_view(m, users[m.user_id]) for m in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


class RoleAboveOwn(Problem):
    status = 403
    code = "role-above-own"

    def __init__(self, role: str) -> None:
        super().__init__(
            "不能授予或撤销高于自身的角色",
            title_en="Cannot grant or revoke a role above your own",
            detail=role,
        )


@post(
    "/api/v1/tenants/{tenant_key:str}/members",
    opt={"permission": "users:manage"},
    summary="添加成员（邀请）/ Add a membership, inviting a new user",
    responses=problem_responses(403),
)
async def add_member(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant, data: MemberData
) -> MemberCreated:
    """Give ``username`` ``role`` here, creating the user when new. A new user without a
    ``password`` gets a one-time password, answered this once, to be replaced at their first
    login."""
    principal = principal_of(request)
    assert principal is not None
    service.check_role(data.role)
    if not may_grant(principal.grants, tenant.path, data.role):
        raise RoleAboveOwn(data.role)
    user = await service.find_user(session, data.username)
    generated: str | None = None
    if user is None:
        generated = one_time_password() if data.password is None else None
        user = await service.create_user(
            session,
            _hasher(request),
            username=data.username,
            display_name=data.display_name,
            password=data.password or generated,
            tenant_id=tenant.id,
            password_change_required=generated is not None,
        )
    elif data.password is not None:
        raise Invalid(
            "password",
            "用户已存在，不能在此设置其密码",
            message_en="the user exists; their password is not set here",
        )
    membership = await service.add_membership(session, user, tenant, data.role)
    request.app.state.principal_cache.invalidate_user(user.id)
    view = _member_view(membership, user)
    return MemberCreated(**msgspec.structs.asdict(view), one_time_password=generated)


class UserBeyondReach(Problem):
    status = 403
    code = "user-beyond-reach"

    def __init__(self) -> None:
        super().__init__(
            "该用户在您的管理范围之外还有角色，不能在此修改其账户",
            title_en="The user holds a role beyond your reach; their account is not yours to change",
        )


class OwnAccount(Problem):
    status = 403
    code = "own-account"

    def __init__(self) -> None:
        super().__init__(
            "不能在此修改自己的账户，请使用“修改密码”",
            title_en="Not for your own account; change your password at /api/v1/me/password",
        )


async def _member_at(
    session: AsyncSession, tenant: Tenant, membership_id: uuid.UUID
) -> tuple[Membership, User]:
    """The membership ``membership_id`` held at ``tenant`` with its user; 404 otherwise."""
    row = (
        await session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.id == membership_id, Membership.tenant_id == tenant.id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound("成员")
    membership, user = row
    return membership, user


async def _account_in_reach(
    request: Request[Any, Any, Any], session: AsyncSession, user: User
) -> Principal:
    """The caller, if they may change ``user``'s account: not their own, and every role the
    user holds anywhere lies where the caller manages users with a role at least as high."""
    principal = principal_of(request)
    assert principal is not None
    if user.id == principal.user_id:
        raise OwnAccount()
    # Every membership of the user, wherever it is: outside this tenant's context on purpose,
    # and answered only as "in reach or not".
    async with across_tree(session):
        held = (
            await session.execute(
                select(Membership.role, Tenant.path)
                .outerjoin(Tenant, Tenant.id == Membership.tenant_id)
                .where(Membership.user_id == user.id)
            )
        ).all()
    registry = registry_of(request)
    for role, path in held:
        where = path or ""
        if not (
            decide(principal.grants, where, "users:manage", registry, principal.api_scope)
            and may_grant(principal.grants, where, role)
        ):
            raise UserBeyondReach()
    return principal


@patch(
    "/api/v1/tenants/{tenant_key:str}/members/{membership_id:uuid}",
    opt={"permission": "users:manage"},
    summary="修改成员角色 / Change a membership's role",
    responses=problem_responses(403),
)
async def change_member_role(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    tenant: Tenant,
    membership_id: uuid.UUID,
    data: MemberRoleData,
) -> MemberOut:
    """Both the old and the new role must be at most the caller's own here (403
    ``role-above-own``); 409 if the user already holds the new role at this tenant."""
    principal = principal_of(request)
    assert principal is not None
    membership, user = await _member_at(session, tenant, membership_id)
    for role in (membership.role, data.role):
        if not may_grant(principal.grants, tenant.path, role):
            raise RoleAboveOwn(role)
    await service.change_role(session, membership, user.username, data.role)
    request.app.state.principal_cache.invalidate_user(user.id)
    return _member_view(membership, user)


@post(
    "/api/v1/tenants/{tenant_key:str}/members/{membership_id:uuid}/password-reset",
    opt={"permission": "users:manage"},
    status_code=200,
    summary="重置成员密码 / Reset a member's password",
    responses=problem_responses(403),
)
async def reset_member_password(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    tenant: Tenant,
    membership_id: uuid.UUID,
    data: PasswordResetData,
) -> PasswordResetOut:
    """Set the member's password to ``password``, or to a generated one-time password answered
    this once. Every login of theirs ends; with ``require_change`` (always for a one-time
    password) their next login may do nothing but change it."""
    membership, user = await _member_at(session, tenant, membership_id)
    await _account_in_reach(request, session, user)
    generated = await service.reset_password(
        session,
        _hasher(request),
        user,
        password=data.password,
        require_change=data.require_change,
        tenant_id=tenant.id,
    )
    request.app.state.principal_cache.invalidate_user(user.id)
    return PasswordResetOut(
        membership_id=membership.id,
        user=_user_ref(user),
        one_time_password=generated,
        password_change_required=user.password_change_required,
    )


async def _set_member_status(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    tenant: Tenant,
    membership_id: uuid.UUID,
    status: str,
) -> MemberOut:
    membership, user = await _member_at(session, tenant, membership_id)
    await _account_in_reach(request, session, user)
    await service.set_status(session, user, status, tenant_id=tenant.id)
    cache = request.app.state.principal_cache
    if status == "active":
        # An API token refused while its user was disabled is cached as "nobody", which names
        # no user to drop; enabling is rare, so every cached principal goes.
        cache.clear()
    else:
        cache.invalidate_user(user.id)
    return _member_view(membership, user)


@post(
    "/api/v1/tenants/{tenant_key:str}/members/{membership_id:uuid}/disable",
    opt={"permission": "users:manage"},
    status_code=200,
    summary="停用成员账户 / Disable a member's account",
    responses=problem_responses(403),
)
async def disable_member(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant, membership_id: uuid.UUID
) -> MemberOut:
    """The user can no longer log in; their login sessions and API tokens stop at once (in
    every process, through Redis when configured). Disabling a disabled user changes nothing."""
    return await _set_member_status(request, session, tenant, membership_id, "disabled")


@post(
    "/api/v1/tenants/{tenant_key:str}/members/{membership_id:uuid}/enable",
    opt={"permission": "users:manage"},
    status_code=200,
    summary="启用成员账户 / Enable a member's account",
    responses=problem_responses(403),
)
async def enable_member(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant, membership_id: uuid.UUID
) -> MemberOut:
    """The user may log in again; sessions revoked when they were disabled stay revoked."""
    return await _set_member_status(request, session, tenant, membership_id, "active")


@delete(
    "/api/v1/tenants/{tenant_key:str}/members/{membership_id:uuid}",
    opt={"permission": "users:manage"},
    summary="移除成员 / Remove a membership",
    responses=problem_responses(403),
)
async def remove_member(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant, membership_id: uuid.UUID
) -> None:
    principal = principal_of(request)
    assert principal is not None
    row = (
        await session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.id == membership_id, Membership.tenant_id == tenant.id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound("成员")
    membership, user = row
    if not may_grant(principal.grants, tenant.path, membership.role):
        raise RoleAboveOwn(membership.role)
    await service.remove_membership(session, membership, user.username)
    request.app.state.principal_cache.invalidate_user(user.id)


@post(
    "/api/v1/tenants/{tenant_key:str}/api-tokens",
    opt={"permission": "users:manage"},
    summary="创建接口令牌（仅显示一次）/ Create an API token (shown once)",
)
async def create_api_token(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant, data: ApiTokenData
) -> ApiTokenCreated:
    principal = principal_of(request)
    assert principal is not None
    name = data.name.strip()
    if not name or len(name) > 100:
        raise Invalid("name", "名称须为 1 至 100 个字符", message_en="1 to 100 characters")
    if not data.permissions:
        raise Invalid("permissions", "至少需要一项权限", message_en="at least one permission")
    registry = registry_of(request)
    for permission in data.permissions:
        if permission not in registry:
            raise Invalid(
                "permissions", f"权限不存在：{permission}", message_en=f"unknown {permission!r}"
            )
        if not decide(principal.grants, tenant.path, permission, registry, principal.api_scope):
            raise Invalid(
                "permissions",
                f"不能委托自己没有的权限：{permission}",
                message_en=f"you do not hold {permission!r} here",
            )
    if data.expires_in is not None and data.expires_in < 60:
        raise Invalid("expires_in", "有效期至少 60 秒", message_en="at least 60 seconds")
    expires_at = datetime.now(UTC) + timedelta(seconds=data.expires_in) if data.expires_in else None
    api_token, plain = await service.create_api_token(
        session,
        tenant=tenant,
        user_id=principal.user_id,
        name=name,
        permissions=data.permissions,
        expires_at=expires_at,
    )
    return ApiTokenCreated(
        id=api_token.id,
        name=api_token.name,
        token=plain,
        permissions=list(api_token.permissions),
        tenant_id=tenant.id,
        expires_at=expires_at,
    )


@get(
    "/api/v1/tenants/{tenant_key:str}/api-tokens",
    opt={"permission": "users:manage"},
    summary="接口令牌列表 / API tokens of this tenant",
)
async def list_api_tokens(
    session: AsyncSession, tenant: Tenant, paging: Paging
) -> Page[ApiTokenOut]:
    stmt = (
        select(ApiToken)
        .where(ApiToken.tenant_id == tenant.id)
        .order_by(ApiToken.created_at, ApiToken.id)
    )
    return await paginate(
        session,
        stmt,
        paging,
        lambda t: ApiTokenOut(
            id=t.id,
            name=t.name,
            permissions=list(t.permissions),
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked=t.revoked_at is not None,
        ),
    )


@delete(
    "/api/v1/tenants/{tenant_key:str}/api-tokens/{token_id:uuid}",
    opt={"permission": "users:manage"},
    summary="吊销接口令牌 / Revoke an API token",
)
async def revoke_api_token(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant, token_id: uuid.UUID
) -> None:
    await service.revoke_api_token(session, tenant, token_id)
    request.app.state.principal_cache.clear()


ROUTES: list[ControllerRouterHandler] = [
    login,
    refresh,
    logout,
    me,
    change_my_password,
    list_members,
    add_member,
    change_member_role,
    remove_member,
    reset_member_password,
    disable_member,
    enable_member,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
]
