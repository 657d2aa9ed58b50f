"""Finding the tenant a request is about, and the ``tenant`` dependency of tenant routes.

Every route under ``/api/v1/tenants/{tenant_key}`` receives its tenant through
:func:`provide_tenant`, which resolves the key (a slug or a division code), asks the access
check whether the caller reaches it with the permission the route declares in
``opt={"permission": ...}``, and answers 404 for both "no such tenant" and "not yours".
For writes it also refuses (409) a tenant that is, or lies under, a suspended or archived
tenant, unless the route declares ``opt={"allow_inactive": True}`` (reactivation, archiving).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import NotFound, Problem
from core.identity.access import authorize
from core.logging import bind
from core.tenancy.models import Tenant
from core.tenancy.service import ensure_writable

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_division_code(key: str) -> bool:
    return key.isascii() and key.isdigit()


async def find_tenant(session: AsyncSession, key: str) -> Tenant | None:
    """The tenant whose slug, or (for an all-digit key) division code, is ``key``."""
    column = Tenant.division_code if is_division_code(key) else Tenant.slug
    result = await session.execute(select(Tenant).where(column == key))
    return result.scalar_one_or_none()


async def provide_tenant(
    request: Request[Any, Any, Any], session: AsyncSession, tenant_key: str
) -> Tenant:
    """Resolve ``{tenant_key}`` and check the route's permission there; 404 otherwise.

    Write methods on an inactive tenant or subtree get 409 ``tenant-suspended`` /
    ``tenant-archived`` after the access check, so outsiders still see only 404.
    """
    permission = request.route_handler.opt.get("permission")
    if not isinstance(permission, str):
        raise RuntimeError(
            f"route {request.route_handler.handler_name} takes a tenant but declares no permission"
        )
    tenant: Tenant | None = await request.app.state.tenant_cache.find(session, tenant_key)
    if tenant is None:
        raise NotFound("组织", detail=f"no tenant {tenant_key!r}")
    await authorize(request, session, tenant, permission)
    bind(tenant=tenant.slug)
    module = request.route_handler.opt.get("module")
    if isinstance(module, str):
        states = request.app.state.module_states
        if not await states.is_enabled(session, tenant, module):
            raise Problem(
                "该模块未对此组织启用",
                title_en="Module not enabled for this tenant",
                detail=f"{module} is not enabled for {tenant.slug}",
                status=404,
                code="module-not-enabled",
            )
        bind(module=module)
    if request.method not in READ_METHODS and not request.route_handler.opt.get("allow_inactive"):
        await ensure_writable(session, tenant)
    return tenant
