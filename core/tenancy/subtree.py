"""A tenant's subtree: the tenant itself and every tenant below it.

Modules keep their rows at the tenant that made them and show a tenant everything of its
subtree, so the two questions every module asks are "does this row lie in the subtree?"
(:func:`in_subtree` for a WHERE clause over many rows, :func:`row_in_subtree` for one read by
its key) and "which tenant of the subtree does the caller name?" (:func:`find_tenant_in_subtree`,
for a request body that refers to a tenant).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, select
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


def row_in_subtree(column: Any, tenant: Tenant) -> ColumnElement[bool]:
    """:func:`in_subtree` for a statement that reads a row (or a few) by its key: the row's
    tenant's path is looked up by the tenant's id and compared with ``tenant``'s.

    The same rows as :func:`in_subtree`, at a cost that does not grow with the subtree: that one
    lists the subtree's tenants once for all the statement's rows, the right trade for a list or
    a count, while a point read in a district of 300 tenants paid 100,000 of the database
    server's instructions to list them against 26,000 for the lookup (docs/benchmarks.md, issue
    12's thirteenth pass). Each row costs a lookup, so use it where the key bounds the rows.
    """
    condition: ColumnElement[bool] = _path_of(column).startswith(tenant.path)
    return condition


def row_in_subtree_of(column: Any, param: str = "subtree_path") -> ColumnElement[bool]:
    """:func:`row_in_subtree` for a statement built once (:class:`core.statements.Query`): the
    subtree's path is the bound parameter ``param``, given as ``tenant.path`` at each call."""
    condition: ColumnElement[bool] = _path_of(column).startswith(bindparam(param))
    return condition


def _path_of(column: Any) -> ScalarSelect[str]:
    paths = TENANT_PATHS.c
    return select(paths.path).where(paths.id == column).scalar_subquery()


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
