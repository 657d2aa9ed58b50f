"""HTTP routes of identity: login, refresh, logout, ``/me``, memberships and API tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from litestar import Request, Response, delete, get, post
from litestar.types import ControllerRouterHandler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.db import across_tree
from core.errors import PROBLEM_MEDIA_TYPE, Invalid, NotFound, Problem, problem_responses
from core.identity import service
from core.identity.access import decide, may_grant, principal_of, registry_of
from core.identity.models import ApiToken, Membership, User
from core.identity.principal import Principal
from core.identity.ratelimit import RateLimiter
from core.identity.schemas import (
    ApiTokenCreated,
    ApiTokenData,
    ApiTokenOut,
    LoginData,
    MemberData,
    MemberOut,
    MeOut,
    MyMembership,
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
        memberships=[
            MyMembership(id=m.id, role=cast(Role, m.role), tenant=_tenant_ref(t)) for m, t in rows
        ],
    )


def _member_view(membership: Membership, user: User) -> MemberOut:
    assert membership.tenant_id is not None
    return MemberOut(
        id=membership.id,
        role=cast(Role, membership.role),
        tenant_id=membership.tenant_id,
        user=UserRef(id=user.id, username=user.username, display_name=user.display_name),
    )


@get(
    "/api/v1/tenants/{tenant_key:str}/members",
    opt={"permission": "users:read"},
    summary="组织成员 / Memberships held at this tenant",
)
async def list_members(session: AsyncSession, tenant: Tenant, paging: Paging) -> Page[MemberOut]:
    stmt = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant.id)
        .order_by(User.username, Membership.role, Membership.id)
    )
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
    summary="添加成员 / Add a membership (creating the user if missing)",
    responses=problem_responses(403),
)
async def add_member(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant, data: MemberData
) -> MemberOut:
    principal = principal_of(request)
    assert principal is not None
    service.check_role(data.role)
    if not may_grant(principal.grants, tenant.path, data.role):
        raise RoleAboveOwn(data.role)
    user = await service.find_user(session, data.username)
    if user is None:
        user = await service.create_user(
            session,
            _hasher(request),
            username=data.username,
            display_name=data.display_name,
            password=data.password,
            tenant_id=tenant.id,
        )
    elif data.password is not None:
        raise Invalid(
            "password",
            "用户已存在，不能在此设置其密码",
            message_en="the user exists; their password is not set here",
        )
    membership = await service.add_membership(session, user, tenant, data.role)
    request.app.state.principal_cache.invalidate_user(user.id)
    return _member_view(membership, user)


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
    list_members,
    add_member,
    remove_member,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
]
