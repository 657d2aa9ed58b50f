"""A tenant's subtree: the tenant itself and every tenant below it.

Modules keep their rows at the tenant that made them and show a tenant everything of its
subtree, so the two questions every module asks are "does this row lie in the subtree?"
(:func:`in_subtree`, for a WHERE clause) and "which tenant of the subtree does the caller name?"
(:func:`find_tenant_in_subtree`, for a request body that refers to a tenant).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Invalid
from core.tenancy.models import TENANT_PATHS, Tenant
from core.tenancy.resolve import find_tenant


def in_subtree(column: Any, tenant: Tenant) -> ColumnElement[bool]:
    """A condition true where ``column`` (a tenant id) is ``tenant`` or lies below it.

    One indexed prefix scan of the tenants' materialised paths (hex ids and slashes, so the
    prefix needs no escaping) in :data:`~core.tenancy.models.TENANT_PATHS`, usable in any WHERE
    clause; on PostgreSQL row-level security narrows the same rows again, so a query that uses
    it and one that forgets it differ only where the request's context is wider than ``tenant``.
    """
    paths = TENANT_PATHS.c
    condition: ColumnElement[bool] = column.in_(
        select(paths.id).where(paths.path.startswith(tenant.path))
    )
    return condition


def in_subtree_of(column: Any, param: str = "subtree_path") -> ColumnElement[bool]:
    """:func:`in_subtree` for a statement built once (:class:`core.statements.Query`): the
    subtree's path is the bound parameter ``param``, given as ``tenant.path`` at each call."""
    paths = TENANT_PATHS.c
    condition: ColumnElement[bool] = column.in_(
        select(paths.id).where(paths.path.startswith(bindparam(param)))
    )
    return condition


async def find_tenant_in_subtree(
    session: AsyncSession, tenant: Tenant, key: str, field: str
) -> Tenant:
    """The tenant of ``tenant``'s subtree (itself included) that ``key`` names.

    ``key`` is a slug or, when all digits, a division code, read exactly as in the URL's
    ``{tenant_key}``. A key naming no tenant, or one outside the subtree, is the caller's
    mistake in the request body: a 422 problem naming ``field``, the same for both, so the
    answer never tells whether a tenant elsewhere exists.
    """
    found = await find_tenant(session, key)
    if found is None or not found.path.startswith(tenant.path):
        raise Invalid(field, f"本辖区内没有 {key}", message_en=f"no tenant {key!r} in this subtree")
    return found
