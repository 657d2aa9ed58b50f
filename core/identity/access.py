"""The one access check: does the caller hold, at a tenant or an ancestor, a role granting a
permission?

:func:`decide` is the rule as a pure function (the property test compares it with a plain
model); :func:`authorize` applies it to a request and answers a caller without reach exactly
like an unknown tenant (404), so a tenant's existence is never revealed. :func:`require_user`
is the dependency for routes that need a caller but no tenant; :func:`provide_caller` gives any
handler (a module's included) the caller as a plain :class:`Caller`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import NotFound
from core.identity.passwords import PasswordChangeRequired
from core.identity.permissions import ROLES, PermissionRegistry
from core.identity.principal import ApiScope, Caller, Grant, Principal
from core.tenancy.models import Tenant

PLATFORM_ADMIN = "platform_admin"


def reaches(grant: Grant, tenant_path: str) -> bool:
    """True if ``grant`` applies at the tenant with ``tenant_path`` (itself or a descendant)."""
    if grant.role == PLATFORM_ADMIN:
        return True
    return grant.tenant_path is not None and tenant_path.startswith(grant.tenant_path)


def decide(
    grants: Iterable[Grant],
    tenant_path: str,
    permission: str,
    registry: PermissionRegistry,
    api_scope: ApiScope | None = None,
) -> bool:
    """May a caller with ``grants`` use ``permission`` at the tenant with ``tenant_path``?

    A role held at a tenant applies to its whole subtree; ``platform_admin`` held anywhere (or
    globally) grants everything everywhere. An API token additionally limits the caller to its
    tenant's subtree and its permission set.
    """
    if api_scope is not None and (
        permission not in api_scope.permissions or not tenant_path.startswith(api_scope.tenant_path)
    ):
        return False
    roles = registry.roles_granting(permission)
    return any(grant.role in roles and reaches(grant, tenant_path) for grant in grants)


def highest_role(grants: Iterable[Grant], tenant_path: str) -> str | None:
    """The most powerful role that applies at ``tenant_path``, or None."""
    ranks = [ROLES.index(g.role) for g in grants if g.role in ROLES and reaches(g, tenant_path)]
    return ROLES[min(ranks)] if ranks else None


def may_grant(grants: Iterable[Grant], tenant_path: str, role: str) -> bool:
    """An administrator grants only roles up to their own; only a platform_admin grants that."""
    own = highest_role(grants, tenant_path)
    if own is None or role not in ROLES:
        return False
    if role == PLATFORM_ADMIN:
        return own == PLATFORM_ADMIN
    return ROLES.index(role) >= ROLES.index(own)


def registry_of(request: Request[Any, Any, Any]) -> PermissionRegistry:
    registry: PermissionRegistry = request.app.state.permissions
    return registry


def principal_of(request: Request[Any, Any, Any]) -> Principal | None:
    principal = request.scope.get("user")
    return principal if isinstance(principal, Principal) else None


async def authorize(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    tenant: Tenant,
    permission: str,
    *,
    not_found: NotFound | None = None,
) -> None:
    """Raise :class:`~core.errors.NotFound` unless the caller may use ``permission`` at ``tenant``.

    An anonymous caller gets 401. The refusal is the 404 an unknown ``{tenant_key}`` gets; a
    route checking a second tenant (e.g. a move's new parent) passes ``not_found``, the problem
    it raises when that tenant does not exist, so both cases read the same. A login whose user
    must first replace a password an administrator gave gets 403 ``password-change-required``.
    The first tenant authorised in a request is the one its audit records name.
    """
    principal = principal_of(request)
    if principal is None:
        raise NotAuthorizedException()
    if principal.password_change_required and principal.api_scope is None:
        raise PasswordChangeRequired()
    if not decide(
        principal.grants, tenant.path, permission, registry_of(request), principal.api_scope
    ):
        if not_found is not None:
            raise not_found
        key = request.path_params.get("tenant_key", tenant.slug)
        raise NotFound("组织", detail=f"no tenant {key!r}")
    request.scope.setdefault("state", {}).setdefault("audit_tenant_id", tenant.id)


def require_user(request: Request[Any, Any, Any], session: AsyncSession) -> Principal:
    """The authenticated caller; 401 for an anonymous request.

    It takes ``session`` so Litestar resolves it after the session, one at a time rather than
    in a task group beside it. Correctness does not depend on the order: a session whose
    request fails in a later dependency is rolled back and closed by the kernel
    (:func:`core.app.close_abandoned_transaction`). Synchronous (provided with
    ``sync_to_thread=False``): the middleware has authenticated the caller, nothing is awaited.
    """
    principal = principal_of(request)
    if principal is None:
        raise NotAuthorizedException()
    return principal


def provide_caller(request: Request[Any, Any, Any], session: AsyncSession) -> Caller:
    """The ``caller`` dependency: who is calling; 401 for an anonymous request.

    Takes ``session`` for the same reason as :func:`require_user` (order only); synchronous
    like it.
    """
    return Caller.of(require_user(request, session))
