"""A tenant's subtree: the tenant itself and every tenant below it.

Modules keep their rows at the tenant that made them and show a tenant everything of its
subtree, so the two questions every module asks are "does this row lie in the subtree?"
(:func:`in_subtree` for a WHERE clause over many rows, :func:`row_in_subtree` for one read by
its key) and "which tenant of the subtree does the caller name?" (:func:`find_tenant_in_subtree`,
for a request body that refers to a tenant).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, String, bindparam, select
from sqlalchemy import column as sql_column
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

from core.errors import Invalid
from core.rls import ROW_PATH_COLUMN
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
    """:func:`in_subtree` for a statement that reads a row (or a few) by its key: the path of
    the row's tenant is compared with ``tenant``'s.

    The same rows as :func:`in_subtree`, at a cost that does not grow with the subtree: that one
    lists the subtree's tenants once for all the statement's rows, the right trade for a list or
    a count, while a point read in a district of 300 tenants paid 100,000 of the database
    server's instructions to list them (docs/benchmarks.md, issue 12's thirteenth pass). Where
    ``column`` is its table's ``tenant_id``, PostgreSQL reads the path the row carries for its
    policies (:data:`core.rls.ROW_PATH_COLUMN`: two comparisons, nothing looked up); elsewhere,
    and on SQLite, the path is looked up by the tenant's id, a lookup per row, so use it where
    the key bounds the rows.
    """
    condition: ColumnElement[bool] = RowTenantPath(column).startswith(tenant.path)
    return condition


def row_in_subtree_of(column: Any, param: str = "subtree_path") -> ColumnElement[bool]:
    """:func:`row_in_subtree` for a statement built once (:class:`core.statements.Query`): the
    subtree's path is the bound parameter ``param``, given as ``tenant.path`` at each call."""
    condition: ColumnElement[bool] = RowTenantPath(column).startswith(bindparam(param))
    return condition


class RowTenantPath(ColumnElement[str]):
    """The path of the tenant ``column`` (a tenant id) names, as :func:`row_in_subtree` reads
    it: on PostgreSQL, where ``column`` is its table's ``tenant_id``, the row's own
    :data:`~core.rls.ROW_PATH_COLUMN`, which every table under row-level security carries
    (the catalogue check of the suite and of ``gongzhi_isolation_check`` requires it); otherwise
    a look-up of ``tenant_paths`` by id."""

    __visit_name__ = "gongzhi_row_tenant_path"
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's protocol)
        ("column", InternalTraversal.dp_clauseelement)
    ]
    type = String()

    def __init__(self, column: Any) -> None:
        self.column = column


def _path_of(column: Any) -> ScalarSelect[str]:
    paths = TENANT_PATHS.c
    return select(paths.path).where(paths.id == column).scalar_subquery()


@compiles(RowTenantPath)
def _looked_up(element: RowTenantPath, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(_path_of(element.column), **kw)


@compiles(RowTenantPath, "postgresql")
def _carried(element: RowTenantPath, compiler: SQLCompiler, **kw: Any) -> str:
    table = getattr(element.column, "table", None)
    if getattr(element.column, "name", None) != "tenant_id" or table is None:
        return _looked_up(element, compiler, **kw)
    return compiler.process(sql_column(ROW_PATH_COLUMN, String, _selectable=table), **kw)


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
