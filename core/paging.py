"""One way to page a list, for the core and every module.

Every list answer is a :class:`Page` (``items``, ``total``, ``limit``, ``offset``), so a client,
the console and the exports read all lists alike. A handler takes the ``paging`` dependency,
whose bounds are published in the OpenAPI document and enforced before the handler runs (a bad
value is a 400 problem naming the parameter), and hands it with a SELECT to :func:`paginate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import msgspec
from litestar.params import Parameter
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
M = TypeVar("M")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


class Page(msgspec.Struct, Generic[T], kw_only=True):
    """One page of a list and the number of all matches."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class Paging:
    """Which slice of a list the caller asked for; always within the published bounds."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


def provide_paging(
    limit: Annotated[
        int, Parameter(ge=1, le=MAX_LIMIT, description="每页条数 / page size (1–200)")
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int, Parameter(ge=0, le=MAX_OFFSET, description="跳过的条数 / items to skip")
    ] = 0,
) -> Paging:
    """The ``paging`` dependency: ``limit`` and ``offset`` from the query string."""
    return Paging(limit=limit, offset=offset)


async def count(session: AsyncSession, stmt: Select[Any]) -> int:
    """How many rows ``stmt`` matches, ignoring its order and any slice."""
    counted = select(func.count()).select_from(
        stmt.order_by(None).limit(None).offset(None).subquery()
    )
    return int((await session.execute(counted)).scalar_one())


async def paginate(
    session: AsyncSession,
    stmt: Select[M],
    paging: Paging,
    convert: Callable[[M], T],
) -> Page[T]:
    """The page of ``stmt`` that ``paging`` selects, each row turned into an answer item.

    ``stmt`` selects one entity or column and carries its own ORDER BY (a page of an unordered
    list is not stable between requests).
    """
    total = await count(session, stmt)
    rows: Sequence[M] = (
        (await session.execute(stmt.limit(paging.limit).offset(paging.offset))).scalars().all()
    )
    return Page(
        items=[convert(row) for row in rows], total=total, limit=paging.limit, offset=paging.offset
    )


def page_of(items: Sequence[T], paging: Paging, total: int | None = None) -> Page[T]:
    """A page built from items already cut (``total`` defaults to ``len(items)``)."""
    return Page(
        items=list(items),
        total=len(items) if total is None else total,
        limit=paging.limit,
        offset=paging.offset,
    )
