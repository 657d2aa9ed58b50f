"""A module's hot reads, built once and answered as plain rows.

A handler that builds ``select(Model, ...)`` on every request pays for it every time: the
statement's construction, its cache key, the ORM's compile state and an ORM object per row
(14 % of a tenant read's CPU in ``make bench-profile``). :class:`Query` takes a Core SELECT
built once at import, with :func:`sqlalchemy.bindparam` where the request's values go, and runs
it on the request's session: SQLAlchemy compiles it once per dialect (its compiled cache), no
ORM object is made, and each row becomes the module's msgspec struct (or whatever ``into``
returns). The statement still runs in the request's one transaction, so row-level security, the
context and the commit are exactly those of any other statement.

Use it for the reads a module serves most (a record by id, a list page); anything rare can stay
an ORM query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import msgspec
from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn

from core.paging import Page, Paging

T = TypeVar("T")

LIMIT = "gongzhi_limit"
OFFSET = "gongzhi_offset"


def _into(into: type[T] | Callable[[Row[Any]], T]) -> Callable[[Row[Any]], T]:
    if isinstance(into, type) and issubclass(into, msgspec.Struct):
        fields = into.__struct_fields__
        struct: Any = into

        def build(row: Row[Any]) -> T:
            mapping = row._mapping
            result: T = struct(**{name: mapping[name] for name in fields})
            return result

        return build
    return into  # type: ignore[return-value]


class Query(Generic[T]):
    """A SELECT built once, run with the request's values, each row turned into ``T``.

    ``stmt`` selects plain columns (labelled like ``into``'s fields when ``into`` is a msgspec
    struct, which is built from the row's columns by name; any other callable gets the row).
    Values the request supplies are ``bindparam("name")`` in ``stmt`` and keyword arguments of
    the calls. :meth:`page` also needs ``stmt`` to carry its ORDER BY.
    """

    def __init__(self, stmt: Select[Any], into: type[T] | Callable[[Row[Any]], T]) -> None:
        self.stmt = stmt
        self.convert = _into(into)
        self._page = stmt.limit(bindparam(LIMIT)).offset(bindparam(OFFSET))
        self._count = select(func.count()).select_from(
            stmt.order_by(None).limit(None).offset(None).subquery()
        )

    async def all(self, session: AsyncSession, **params: Any) -> list[T]:
        """Every row, converted."""
        return await greenlet_spawn(self._all, session.sync_session, params)

    async def first(self, session: AsyncSession, **params: Any) -> T | None:
        """The first row converted, or None."""
        return await greenlet_spawn(self._first, session.sync_session, params)

    async def page(self, session: AsyncSession, paging: Paging, **params: Any) -> Page[T]:
        """The page ``paging`` selects and the number of all matches (two statements, both
        compiled once), like :func:`core.paging.paginate`."""
        return await greenlet_spawn(self._paged, session.sync_session, paging, params)

    # The statements run in one greenlet per call, the connection taken inside it: the async
    # proxies (``session.connection()``, then ``execute``) would spend a greenlet each.

    def _all(self, session: Session, params: Mapping[str, Any]) -> list[T]:
        convert = self.convert
        return [convert(row) for row in session.connection().execute(self.stmt, params)]

    def _first(self, session: Session, params: Mapping[str, Any]) -> T | None:
        row = session.connection().execute(self.stmt, params).first()
        return None if row is None else self.convert(row)

    def _paged(self, session: Session, paging: Paging, params: Mapping[str, Any]) -> Page[T]:
        connection = session.connection()
        total = int(connection.execute(self._count, params).scalar_one())
        window: Mapping[str, Any] = {**params, LIMIT: paging.limit, OFFSET: paging.offset}
        convert = self.convert
        return Page(
            items=[convert(row) for row in connection.execute(self._page, window)],
            total=total,
            limit=paging.limit,
            offset=paging.offset,
        )
