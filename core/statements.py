"""A module's hot reads and writes, built once: reads answered as plain rows, writes without
the ORM's unit of work.

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

:class:`Insert` is the same for a row a hot route appends (a ledger entry, a sign-up): a Core
INSERT of the table built once, run with the row's values on the request's connection. The ORM's
``add`` and ``flush`` of one new row cost more than the statement itself (the unit of work sorts
the session's changes, builds an insert state per object, fires its events and refreshes the
identity map: a third of a service-hours credit's CPU in ``make bench-profile``). The kernel's
own appends (the audit record, the outbox event) go through it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import msgspec
from sqlalchemy import Insert as CoreInsert
from sqlalchemy import Row, Select, Table, bindparam, func, insert, select
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


class Insert:
    """An INSERT into one table built once, run with one row's values in the request's
    transaction.

    ``table`` is a mapped class or its :class:`~sqlalchemy.Table`. A row is a mapping of column
    names to values or a msgspec struct whose fields are column names; give every column the row
    needs, ids and times included (a column left out gets its column default, computed by
    SQLAlchemy as the ORM would). SQLAlchemy compiles the statement once per dialect and set of
    columns given. The row is written when :meth:`add` returns, on the session's connection,
    under the request's row-level-security context, and rolls back with the request; no ORM
    object is made, so nothing is left in the session and no flush follows.

    With ``flush_first`` (the default) rows the session holds unflushed are written first, so
    the new row may refer to them; a table with no foreign key into the session's rows may pass
    False and leave their flush where it would have been.
    """

    def __init__(self, table: type[Any] | Table, *, flush_first: bool = True) -> None:
        found: Any = table if isinstance(table, Table) else getattr(table, "__table__", None)
        if not isinstance(found, Table):
            raise TypeError(f"Insert needs a table or a mapped class, not {table!r}")
        self.table: Table = found
        self.stmt: CoreInsert = insert(found)
        self.flush_first = flush_first

    async def add(self, session: AsyncSession, row: Mapping[str, Any] | msgspec.Struct) -> None:
        """Insert ``row`` now, in ``session``'s transaction (one statement, one greenlet)."""
        values = msgspec.structs.asdict(row) if isinstance(row, msgspec.Struct) else row
        await greenlet_spawn(self.add_sync, session.sync_session, values)

    def add_sync(self, session: Session, values: Mapping[str, Any]) -> None:
        """:meth:`add` for code already running in SQLAlchemy's greenlet (a sync session)."""
        if self.flush_first:
            session.flush()  # returns at once when nothing is pending
        session.connection().execute(self.stmt, values)
