"""Who may read the public view: the one place this module reaches past ``core``'s public API.

What the kernel (0.2) allows: every route of a module must declare ``opt["permission"]``
(:meth:`core.Manifest.validate`), and the authentication middleware answers 401 to any request
without credentials on a route that declares one (:mod:`core.identity.authn`), before routing
reaches the module; the ``tenant`` dependency's access check then requires a role granting that
permission at the tenant or above (:func:`core.identity.access.authorize`). There is no route
option for anonymous callers, so a module cannot serve a request made without a login.

What this module does within that: the public routes replace the ``session`` and ``tenant``
dependencies with their own (:data:`DEPENDENCIES`, on the public controller only), which do the
kernel's steps without requiring a role:

1. find ``{tenant_key}`` through the app's tenant cache (system context, as the kernel does) —
   unknown: 404 like any tenant route;
2. the module guard: the module must be on at that tenant (``module-not-enabled``, 404);
3. who may read: anyone (any signed-in caller, whatever their roles; and an anonymous caller as
   soon as the kernel lets one through) where the tenant's ``public_view`` setting is on;
   otherwise only a caller holding ``deliberation-hall:read`` there, previewing the page before
   it is switched on — everyone else gets the same 404 as an unknown tenant;
4. the transaction then switches to the tenant's row-level-security context (PostgreSQL), so
   the public queries see the tenant's subtree and nothing beside it, like any request.

The topics listed are further limited to tenants of the subtree where ``public_view`` is on
(a community may keep its page closed under a town that opened its own), and only published
topics and public fields ever leave (:mod:`plugins.deliberation_hall.public.services`).

The kernel objects used here (``core.db``, ``core.identity.access.decide``, and the app state's
``db``, ``tenant_cache``, ``module_states`` and ``permissions``) are not part of ``core``'s
public API. The controller marks its routes ``opt["public"] = True``: a kernel that skips the
middleware's 401 for such routes makes the page anonymous with no change here.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.di import Provide
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import NotFound, Problem, Tenant, module_settings
from core.db import SYSTEM, DbContext, set_context
from core.identity.access import decide
from plugins.deliberation_hall.manifest import MANIFEST, NAME

SCOPE_KEY = "deliberation_hall_public"
READ_PERMISSION = f"{NAME}:read"


@dataclass(frozen=True, slots=True)
class PublicScope:
    """The tenant of the URL and the tenants of its subtree whose topics may be shown, by id
    with their names; ``preview`` when a signed-in reader sees a page not yet switched on."""

    tenant: Tenant
    names: dict[uuid.UUID, str] = field(default_factory=dict)
    preview: bool = False

    @property
    def tenant_ids(self) -> list[uuid.UUID]:
        return list(self.names)


def _may_preview(request: Request[Any, Any, Any], tenant: Tenant) -> bool:
    principal = request.scope.get("user")
    grants = getattr(principal, "grants", None)
    if grants is None:
        return False
    registry = request.app.state.permissions
    return decide(
        grants, tenant.path, READ_PERMISSION, registry, getattr(principal, "api_scope", None)
    )


async def _shown_tenants(
    session: AsyncSession, tenant: Tenant, preview: bool
) -> dict[uuid.UUID, str]:
    rows = (await session.scalars(select(Tenant).where(Tenant.path.startswith(tenant.path)))).all()
    shown: dict[uuid.UUID, str] = {}
    for row in rows:
        if preview or (await module_settings(session, row, MANIFEST))["public_view"]:
            shown[row.id] = row.name
    return shown


async def public_session(request: Request[Any, Any, Any]) -> AsyncIterator[AsyncSession]:
    """A read-only transaction in the URL tenant's context, opened only for a reader the
    public view admits (see the module docstring); 404 otherwise."""
    state = request.app.state
    key = str(request.path_params.get("tenant_key", ""))
    async with state.db.session(context=SYSTEM) as session:
        state.tenant_cache.use_in(session)
        tenant = await state.tenant_cache.find(session, key)
        if tenant is None:
            raise NotFound("组织", detail=f"no tenant {key!r}")
        if not await state.module_states.is_enabled(session, tenant, NAME):
            raise Problem(
                "该模块未对此组织启用",
                title_en="Module not enabled for this tenant",
                detail=f"{NAME} is not enabled for {tenant.slug}",
                status=404,
                code="module-not-enabled",
            )
        preview = _may_preview(request, tenant)
        if not preview and not (await module_settings(session, tenant, MANIFEST))["public_view"]:
            raise NotFound("组织", detail=f"no tenant {key!r}")
        names = await _shown_tenants(session, tenant, preview)
        if tenant in session:
            session.expunge(tenant)
        request.scope.setdefault("state", {})[SCOPE_KEY] = PublicScope(tenant, names, preview)
        await set_context(session, DbContext.for_tenant(tenant))
        yield session


async def public_scope(request: Request[Any, Any, Any], session: AsyncSession) -> PublicScope:
    """What the admitted reader may see; takes ``session`` so it is resolved after it."""
    scope: PublicScope = request.scope["state"][SCOPE_KEY]
    return scope


async def public_tenant(scope: PublicScope) -> Tenant:
    return scope.tenant


DEPENDENCIES = {
    "session": Provide(public_session),
    "public": Provide(public_scope),
    "tenant": Provide(public_tenant),
}
