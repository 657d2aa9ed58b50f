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
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn

from core.paging import Page, Paging
from core.readconn import READ_CONNECTION_KEY, RawSelect, ReadConnection

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


class _Compiled(Generic[T]):
    """A :class:`Query`'s statements compiled for one dialect, to run on a read request's
    connection, with the conversion of a fetched row into ``T``."""

    __slots__ = ("count", "page", "row", "stmt")

    def __init__(
        self, stmt: RawSelect, page: RawSelect, count: RawSelect, row: Callable[[Any], T]
    ) -> None:
        self.stmt = stmt
        self.page = page
        self.count = count
        self.row = row


def _struct_from_sequence(struct: Any, columns: tuple[str, ...]) -> Callable[[Any], Any]:
    """Build ``struct`` from a fetched row whose values come in the order of ``columns``."""
    fields: tuple[str, ...] = struct.__struct_fields__
    where = {name: i for i, name in enumerate(columns)}
    if any(name not in where for name in fields):
        missing = [name for name in fields if name not in where]
        raise TypeError(f"{struct.__name__}: the statement selects no column {missing}")
    pairs = tuple((name, where[name]) for name in fields)

    def build(row: Any) -> Any:
        return struct(**{name: row[i] for name, i in pairs})

    return build


class Query(Generic[T]):
    """A SELECT built once, run with the request's values, each row turned into ``T``.

    ``stmt`` selects plain columns (labelled like ``into``'s fields when ``into`` is a msgspec
    struct, which is built from the row's columns by name; any other callable gets the row).
    Values the request supplies are ``bindparam("name")`` in ``stmt`` and keyword arguments of
    the calls. :meth:`page` also needs ``stmt`` to carry its ORDER BY.

    In a read request with ``into`` a msgspec struct, the statements run on the request's
    :class:`~core.readconn.ReadConnection`, straight on the driver; otherwise (a write, a
    session of the command line, a conversion that takes SQLAlchemy's row) through the
    session's connection. The rows, the transaction and the context are the same either way.
    """

    def __init__(self, stmt: Select[Any], into: type[T] | Callable[[Row[Any]], T]) -> None:
        self.stmt = stmt
        self.convert = _into(into)
        self._struct: Any = (
            into if isinstance(into, type) and issubclass(into, msgspec.Struct) else None
        )
        self._page = stmt.limit(bindparam(LIMIT)).offset(bindparam(OFFSET))
        self._count = select(func.count()).select_from(
            stmt.order_by(None).limit(None).offset(None).subquery()
        )
        self._compiled: dict[str, _Compiled[T] | None] = {}

    def _for(self, session: AsyncSession) -> tuple[ReadConnection, _Compiled[T]] | None:
        """The read connection and this query's compiled statements, when both apply."""
        shared = session.sync_session.info.get(READ_CONNECTION_KEY)
        if shared is None or self._struct is None:
            return None
        dialect = shared.dialect
        compiled = self._compiled.get(dialect.name, self)
        if compiled is self:
            compiled = self._compile(dialect)
            self._compiled[dialect.name] = compiled
        if compiled is None:
            return None
        return shared, compiled  # type: ignore[return-value]

    def _compile(self, dialect: Dialect) -> _Compiled[T] | None:
        stmt = RawSelect.build(self.stmt, dialect)
        page = RawSelect.build(self._page, dialect)
        count = RawSelect.build(self._count, dialect)
        if stmt is None or page is None or count is None:
            return None
        return _Compiled(stmt, page, count, _struct_from_sequence(self._struct, stmt.columns))

    async def all(self, session: AsyncSession, **params: Any) -> list[T]:
        """Every row, converted."""
        found = self._for(session)
        if found is not None:
            shared, compiled = found
            row = compiled.row
            return [row(r) for r in await shared.fetch(compiled.stmt, params)]
        return await greenlet_spawn(self._all, session.sync_session, params)

    async def first(self, session: AsyncSession, **params: Any) -> T | None:
        """The first row converted, or None."""
        found = self._for(session)
        if found is not None:
            shared, compiled = found
            rows = await shared.fetch(compiled.stmt, params, brief=True)
            return compiled.row(rows[0]) if rows else None
        return await greenlet_spawn(self._first, session.sync_session, params)

    async def page(self, session: AsyncSession, paging: Paging, **params: Any) -> Page[T]:
        """The page ``paging`` selects and the number of all matches (two statements, both
        compiled once), like :func:`core.paging.paginate`."""
        found = self._for(session)
        if found is not None:
            shared, compiled = found
            total = int((await shared.fetch(compiled.count, params))[0][0])
            window: Mapping[str, Any] = {**params, LIMIT: paging.limit, OFFSET: paging.offset}
            row = compiled.row
            return Page(
                items=[row(r) for r in await shared.fetch(compiled.page, window)],
                total=total,
                limit=paging.limit,
                offset=paging.offset,
            )
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
