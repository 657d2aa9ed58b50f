"""Authentication: a bearer token becomes the request's :class:`Principal` (or None).

The middleware never rejects a request by itself except one to a route that declares a
permission (a tenant route) made without valid credentials: that gets 401 before the tenant is
looked up, so an anonymous caller learns nothing about which tenants exist. Every request's
principal is loaded from the database (user active, session or token not revoked, current
memberships) and cached per process for at most :data:`CACHE_TTL` seconds; logout and
disabling a user in this process drop the cached entries at once. A signed access token's
checked claims are kept until it expires, so a request with a known token pays neither the
signature check nor a query.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from litestar import Litestar
from litestar.exceptions import NotAuthorizedException
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditContext, audit_context
from core.db import SYSTEM, Database
from core.identity.models import ApiToken, LoginSession, Membership, User
from core.identity.principal import ApiScope, Grant, Principal
from core.identity.tokens import (
    API_TOKEN_PREFIX,
    InvalidToken,
    decode_access_token_expiry,
    token_hash,
)
from core.logging import bind
from core.settings import Settings
from core.tenancy.models import Tenant

CACHE_TTL = 2.0
PRINCIPALS_CHANNEL = "principals"
MAX_TOKENS = 10_000


class PrincipalCache:
    """Principals by credential for a short time, droppable by session or by user.

    With ``publish`` set (Redis configured), every drop is also announced to the other
    processes, which apply it through :meth:`receive`. A process that receives a drop also
    refrains from caching matching principals for one TTL: the sender announces before its
    transaction commits, so a principal read in between must not be kept.
    """

    def __init__(
        self,
        ttl: float = CACHE_TTL,
        clock: Callable[[], float] = time.monotonic,
        publish: Callable[[str], None] | None = None,
    ):
        self.ttl = ttl
        self._clock = clock
        self.publish = publish
        self._entries: dict[str, tuple[float, Principal | None, uuid.UUID | None]] = {}
        self._quiet: dict[str, float] = {}
        self._tokens: dict[str, tuple[float, str]] = {}

    def token_key(self, settings: Settings, token: str) -> str | None:
        """The principal key of a valid signed access token, or None (invalid or expired).

        A token's signature and claims cannot change, so their check is kept until the token
        expires; whether its session and user are still good is the principal's business.
        """
        now = time.time()
        known = self._tokens.get(token)
        if known is not None:
            if now < known[0]:
                return known[1]
            del self._tokens[token]
        try:
            user_id, session_id, expires = decode_access_token_expiry(settings, token)
        except InvalidToken:
            return None
        if len(self._tokens) >= MAX_TOKENS:
            self._tokens = {t: v for t, v in self._tokens.items() if v[0] > now}
            if len(self._tokens) >= MAX_TOKENS:
                self._tokens.clear()
        key = f"sid:{session_id}:{user_id}"
        self._tokens[token] = (expires, key)
        return key

    def get(self, key: str) -> tuple[bool, Principal | None]:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            self._entries.pop(key, None)
            return False, None
        return True, entry[1]

    def _is_quiet(self, key: str, user_id: uuid.UUID | None, now: float) -> bool:
        self._quiet = {mark: until for mark, until in self._quiet.items() if until > now}
        return any(
            mark == "all"
            or (mark.startswith("sid:") and key.startswith(mark + ":"))
            or (user_id is not None and mark == f"user:{user_id}")
            for mark in self._quiet
        )

    def put(self, key: str, principal: Principal | None, user_id: uuid.UUID | None) -> None:
        now = self._clock()
        if self._quiet and self._is_quiet(key, user_id, now):
            return
        if len(self._entries) > 10_000:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
        self._entries[key] = (now + self.ttl, principal, user_id)

    def _drop_session(self, session_id: str) -> None:
        prefix = f"sid:{session_id}:"
        self._entries = {k: v for k, v in self._entries.items() if not k.startswith(prefix)}

    def _drop_user(self, user_id: str) -> None:
        self._entries = {k: v for k, v in self._entries.items() if str(v[2]) != user_id}

    def invalidate_session(self, session_id: uuid.UUID) -> None:
        self._drop_session(str(session_id))
        if self.publish is not None:
            self.publish(f"sid:{session_id}")

    def clear(self) -> None:
        self._entries.clear()
        if self.publish is not None:
            self.publish("all")

    def invalidate_user(self, user_id: uuid.UUID) -> None:
        self._drop_user(str(user_id))
        if self.publish is not None:
            self.publish(f"user:{user_id}")

    def receive(self, message: str) -> None:
        """Apply a drop announced by another process (``""``: messages may have been lost)."""
        kind, _, value = message.partition(":")
        if kind == "sid" and value:
            self._drop_session(value)
        elif kind == "user" and value:
            self._drop_user(value)
        else:
            self._entries.clear()
            message = "all"
        self._quiet[message] = self._clock() + self.ttl


async def load_grants(session: AsyncSession, user_id: uuid.UUID) -> tuple[Grant, ...]:
    rows = await session.execute(
        select(Membership.tenant_id, Tenant.path, Membership.role)
        .outerjoin(Tenant, Tenant.id == Membership.tenant_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at, Membership.id)
    )
    return tuple(Grant(tid, path, role) for tid, path, role in rows)


async def _active_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    user = await session.get(User, user_id)
    return user if user is not None and user.status == "active" else None


async def principal_for_session(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
) -> Principal | None:
    """The principal of a login session, or None if it is revoked, expired or the user is not
    active."""
    now = datetime.now(UTC)
    current = await session.scalar(
        select(LoginSession.id).where(
            LoginSession.session_id == session_id,
            LoginSession.user_id == user_id,
            LoginSession.used_at.is_(None),
            LoginSession.revoked_at.is_(None),
            LoginSession.expires_at > now,
        )
    )
    user = await _active_user(session, user_id) if current is not None else None
    if user is None:
        return None
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        grants=await load_grants(session, user.id),
        session_id=session_id,
        password_change_required=user.password_change_required,
    )


async def principal_for_api_token(session: AsyncSession, token: str) -> Principal | None:
    now = datetime.now(UTC)
    row = (
        await session.execute(
            select(ApiToken, Tenant.path)
            .join(Tenant, Tenant.id == ApiToken.tenant_id)
            .where(
                ApiToken.token_hash == token_hash(token),
                ApiToken.revoked_at.is_(None),
                or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            )
        )
    ).one_or_none()
    if row is None:
        return None
    api_token, path = row
    user = await _active_user(session, api_token.user_id)
    if user is None:
        return None
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        grants=await load_grants(session, user.id),
        api_scope=ApiScope(
            token_id=api_token.id,
            tenant_id=api_token.tenant_id,
            tenant_path=path,
            permissions=frozenset(str(p) for p in api_token.permissions),
        ),
    )


def cached_principal(
    settings: Settings, cache: PrincipalCache, token: str
) -> tuple[bool, Principal | None]:
    """``(True, principal)`` when ``token``'s principal (or its invalidity) is known without a
    query, ``(False, None)`` when it must be loaded (:func:`load_principal`).

    Synchronous, so a request with a known token pays no await for its caller.
    """
    if token.startswith(API_TOKEN_PREFIX):
        return cache.get(f"api:{token_hash(token)}")
    session_key = cache.token_key(settings, token)
    if session_key is None:
        return True, None
    return cache.get(session_key)


async def load_principal(
    settings: Settings, db: Database, cache: PrincipalCache, token: str
) -> Principal | None:
    """Load ``token``'s principal from the database and keep it in ``cache``."""
    principal: Principal | None
    if token.startswith(API_TOKEN_PREFIX):
        key = f"api:{token_hash(token)}"
        async with db.session(context=SYSTEM) as session:
            principal = await principal_for_api_token(session, token)
        cache.put(key, principal, principal.user_id if principal else None)
        return principal
    session_key = cache.token_key(settings, token)
    if session_key is None:
        return None
    _, session_id_text, user_id_text = session_key.split(":")
    user_id, session_id = uuid.UUID(user_id_text), uuid.UUID(session_id_text)
    async with db.session(context=SYSTEM) as session:
        principal = await principal_for_session(session, user_id, session_id)
    cache.put(session_key, principal, user_id)
    return principal


async def authenticate(
    settings: Settings, db: Database, cache: PrincipalCache, token: str
) -> Principal | None:
    """The principal a bearer ``token`` stands for, or None if it is not (or no longer) valid."""
    found, principal = cached_principal(settings, cache, token)
    if found:
        return principal
    return await load_principal(settings, db, cache, token)


def bearer_token(scope: Scope) -> str | None:
    """The bearer token of the request's first ``Authorization`` header, if any.

    Read straight from the ASGI header list: building Litestar's ``Headers`` for it cost more
    than the rest of authenticating a cached token.
    """
    for name, raw in scope["headers"]:
        if name.lower() == b"authorization":
            header = raw.decode("latin-1")
            break
    else:
        return None
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def audit_context_of(scope: Scope, principal: Principal | None) -> AuditContext:
    """The audit context of a request: its caller, request id and client address."""
    client = scope.get("client")
    return AuditContext(
        actor_id=principal.user_id if principal else None,
        actor_username=principal.username if principal else None,
        request_id=scope.setdefault("state", {}).get("request_id"),
        client_address=client[0] if client else None,
    )


def refuse_anonymous(scope: Scope, principal: Principal | None, token: str | None) -> None:
    """401 for a request without valid credentials to a route that declares a permission
    (and is not a public one): before the tenant is looked up."""
    route_handler = scope.get("route_handler")
    if (
        principal is None
        and route_handler is not None
        and route_handler.opt.get("permission")
        and not route_handler.opt.get("public")
    ):
        raise NotAuthorizedException(
            detail="invalid or expired token" if token else "no bearer token"
        )


async def request_principal(scope: Scope, token: str) -> Principal | None:
    """The principal of ``token`` for a request of the app in ``scope``."""
    state = Litestar.from_scope(scope).state
    return await authenticate(state.settings, state.db, state.principal_cache, token)


class AuthenticationMiddleware:
    """Set ``scope["user"]`` to the caller's :class:`Principal` or None, and the audit context.

    The kernel serves HTTP requests through :class:`core.middleware.RequestMiddleware`, which
    does the same in one layer with the request id, the log context and the metrics; this one
    serves any other connection (a WebSocket).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope)
        principal = await request_principal(scope, token) if token is not None else None
        scope["user"] = principal
        reset = audit_context.set(audit_context_of(scope, principal))
        try:
            if principal is not None:
                bind(user=principal.username)
            refuse_anonymous(scope, principal, token)
            await self.app(scope, receive, send)
        finally:
            audit_context.reset(reset)
