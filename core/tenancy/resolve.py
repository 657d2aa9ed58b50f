"""Finding the tenant a request is about, and the ``tenant`` dependency of tenant routes.

Every route under ``/api/v1/tenants/{tenant_key}`` receives its tenant through
:func:`provide_tenant`, which resolves the key (a slug or a division code), asks the access
check whether the caller reaches it with the permission the route declares in
``opt={"permission": ...}``, and answers 404 for both "no such tenant" and "not yours".
For writes it also refuses (409) a tenant that is, or lies under, a suspended or archived
tenant, unless the route declares ``opt={"allow_inactive": True}`` (reactivation, archiving).

Resolution runs once per request, before any handler code, and every query of the handler is
bound to the tenant's subtree by PostgreSQL's row-level security as well as by its own filters
(:func:`request_session`). A key the process's tenant cache knows is resolved without a query,
so the request's one transaction opens directly in the tenant's context and its checks (module
states, and for writes the tenant's status) read only what that context may read. An unknown
key is looked up at the start of the transaction in the system context (the tenant is not known
yet, so row-level security could not admit it otherwise), and the same transaction then switches
to the tenant's context.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import SYSTEM, Database, DbContext, set_context
from core.errors import NotFound, Problem
from core.identity.access import authorize
from core.logging import bind
from core.readconn import READ_CONNECTION_KEY
from core.tenancy.cache import TenantCache, attach_copy, find_tenant, is_division_code
from core.tenancy.models import Tenant
from core.tenancy.service import ensure_writable

__all__ = [
    "RESOLVED_KEY",
    "check_found_tenant",
    "check_tenant",
    "find_tenant",
    "is_division_code",
    "provide_tenant",
    "request_session",
]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RESOLVED_KEY = "gongzhi_tenant"


def route_permission(request: Request[Any, Any, Any]) -> str:
    permission = request.route_handler.opt.get("permission")
    if not isinstance(permission, str):
        raise RuntimeError(
            f"route {request.route_handler.handler_name} takes a tenant but declares no permission"
        )
    return permission


async def check_tenant(
    request: Request[Any, Any, Any], session: AsyncSession, tenant_key: str
) -> Tenant:
    """Find ``{tenant_key}`` and run every check of the route on it; 404/409 otherwise.

    Write methods on an inactive tenant or subtree get 409 ``tenant-suspended`` /
    ``tenant-archived`` after the access check, so outsiders still see only 404.
    """
    route_permission(request)
    tenant: Tenant | None = await request.app.state.tenant_cache.find(session, tenant_key)
    if tenant is None:
        raise NotFound("组织", detail=f"no tenant {tenant_key!r}")
    await check_found_tenant(request, session, tenant)
    return tenant


async def check_found_tenant(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant
) -> None:
    """Every check of the route on a found ``tenant``: access, module switch, status.

    Reads nothing beyond the tenant's own subtree and ancestors, so it runs in the system
    context or in the tenant's own.
    """
    opt = request.route_handler.opt
    permission = route_permission(request)
    if "public" not in opt or not await _open_to_public(request, session, tenant):
        await authorize(request, session, tenant, permission)
    module = opt.get("module")
    if not isinstance(module, str):
        bind(tenant=tenant.slug)
    elif await request.app.state.module_states.is_enabled(session, tenant, module):
        bind(tenant=tenant.slug, module=module)
    else:
        bind(tenant=tenant.slug)
        raise Problem(
            "该模块未对此组织启用",
            title_en="Module not enabled for this tenant",
            detail=f"{module} is not enabled for {tenant.slug}",
            status=404,
            code="module-not-enabled",
        )
    if request.method not in READ_METHODS and not opt.get("allow_inactive"):
        await ensure_writable(session, tenant)


async def _open_to_public(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant
) -> bool:
    """Whether the route is a module's public read and its setting opens it at ``tenant``.

    A route with ``opt["public"] = "<setting>"`` answers anyone, anonymous callers included,
    where the module is on and that boolean setting is true; elsewhere it needs its permission
    like any route (staff preview a page before it is opened), and the same 404 meets everyone
    else. The manifest check allows it on read routes only.
    """
    opt = request.route_handler.opt
    setting, module = opt.get("public"), opt.get("module")
    if not isinstance(setting, str) or not isinstance(module, str):
        return False
    if request.method not in READ_METHODS:
        return False
    opened: bool = await request.app.state.module_states.opens_to_public(
        session, tenant, module, setting
    )
    return opened


async def resolve_request_tenant(request: Request[Any, Any, Any]) -> Tenant | None:
    """The checked tenant of a route under ``{tenant_key}`` (None for other routes).

    Resolved once per request, in the system context, and kept in the request's scope.
    """
    tenant_key = request.path_params.get("tenant_key")
    if not isinstance(tenant_key, str):
        return None
    state = request.scope.setdefault("state", {})
    tenant = state.get(RESOLVED_KEY)
    if isinstance(tenant, Tenant):
        return tenant
    db: Database = request.app.state.db
    async with db.session(context=SYSTEM) as session:
        tenant = await check_tenant(request, session, tenant_key)
    state[RESOLVED_KEY] = tenant
    return tenant


def request_user_id(request: Request[Any, Any, Any]) -> uuid.UUID | None:
    """The id of the authenticated caller, if any."""
    user = request.scope.get("user")
    user_id = getattr(user, "user_id", None)
    return user_id if isinstance(user_id, uuid.UUID) else None


async def request_context(request: Request[Any, Any, Any]) -> DbContext:
    """The row-level security context of the request's transaction.

    A tenant route runs in its tenant's context; any other route only with the caller's id
    (their own memberships and tokens).
    """
    tenant = await resolve_request_tenant(request)
    user_id = request_user_id(request)
    if tenant is not None:
        return DbContext.for_tenant(tenant, user_id)
    return DbContext(user_id=user_id)


@asynccontextmanager
async def request_session(
    request: Request[Any, Any, Any], db: Database, *, write: bool
) -> AsyncIterator[AsyncSession]:
    """The request's one transaction, already in the request's row-level security context.

    On a tenant route the tenant is found and every check of the route run before any handler
    code. A tenant the cache knows needs no query to be found: the transaction opens in its
    context (on PostgreSQL the context travels with ``BEGIN``) and the checks run there. Any
    other key is found in the system context, and the same transaction then switches to the
    tenant's. One BEGIN and one COMMIT per request, whatever the route. The resolved row kept
    for the request is detached, so a rollback never expires what logging and metrics read
    from it afterwards.
    """
    tenant_key = request.path_params.get("tenant_key")
    state = request.scope.setdefault("state", {})
    resolved = state.get(RESOLVED_KEY)
    user_id = request_user_id(request)
    cache: TenantCache = request.app.state.tenant_cache
    if not isinstance(tenant_key, str) or isinstance(resolved, Tenant):
        async with db.session(
            write=write, context=await request_context(request), shared_read=not write
        ) as session:
            cache.use_in(session)
            yield session
            await _settle_events(request, session)
        return
    cached = cache.cached(tenant_key)
    if cached is not None:
        context = DbContext.for_tenant(cached, user_id)
        async with db.session(write=write, context=context, shared_read=not write) as session:
            cache.use_in(session)
            await check_found_tenant(request, session, cached)
            state[RESOLVED_KEY] = cached
            yield session
            await _settle_events(request, session)
        return
    async with db.session(write=write, context=SYSTEM, shared_read=not write) as session:
        cache.use_in(session)
        tenant = await check_tenant(request, session, tenant_key)
        if tenant in session:
            session.expunge(tenant)
        state[RESOLVED_KEY] = tenant
        await set_context(session, DbContext.for_tenant(tenant, user_id))
        yield session
        await _settle_events(request, session)


async def _settle_events(request: Request[Any, Any, Any], session: AsyncSession) -> None:
    """Before commit: settle the events the request emitted that no subscriber will hear
    (:meth:`core.modules.dispatch.EventDispatcher.settle_unheard`)."""
    tenant = request.scope.get("state", {}).get(RESOLVED_KEY)
    await request.app.state.dispatcher.settle_unheard(
        session, tenant if isinstance(tenant, Tenant) else None
    )


def provide_tenant(request: Request[Any, Any, Any], session: AsyncSession) -> Tenant:
    """The ``tenant`` dependency: the request's checked tenant; in a write, attached to
    ``session``.

    Synchronous (provided with ``sync_to_thread=False``): ``session`` is resolved first and
    :func:`request_session` has found and checked the tenant by then, so nothing is left to
    await. A write's session gets its own copy of the detached row (:func:`attach_copy`, what
    ``merge(load=False)`` gives, without a greenlet or a query), so a rollback never expires
    the copy kept for the request's logging and metrics, and rows the write adds may refer to
    it. A read (a session on a :class:`~core.readconn.ReadConnection`) gets the request's
    detached row itself, every column loaded: attaching it began the session's unit of work,
    which a read that runs only statements built once never uses (a row a read adds that
    refers to it attaches it then, as the ORM attaches any detached object it cascades to).
    """
    tenant = request.scope.get("state", {}).get(RESOLVED_KEY)
    if not isinstance(tenant, Tenant):
        raise RuntimeError(
            f"route {request.route_handler.handler_name} takes a tenant but has no {{tenant_key}}"
        )
    sync = session.sync_session
    if READ_CONNECTION_KEY in sync.info:
        return tenant
    return attach_copy(sync, tenant)
