"""Field types and checks shared by the aggregates, and the module's one clock.

Shapes, lengths and ranges are in the request schemas (a breach is a 422 naming the field
before a handler runs); what needs the clock or cleaning is here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Invalid, NotFound, Tenant, row_in_subtree

NOT_BLANK = r"\S"
T = TypeVar("T")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
PersonName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NOT_BLANK)]
LongText = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000, pattern=NOT_BLANK)]
Fen = Annotated[int, msgspec.Meta(ge=0, le=10**13, description="金额（分） / amount in fen")]
Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000, description="人数 / number of people")]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of the request bodies: unknown fields are refused."""


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def clean(value: str) -> str:
    return value.strip()


def optional(value: str | None) -> str | None:
    stripped = value.strip() if value is not None else None
    return stripped or None


def not_in_future(field: str, day: date) -> date:
    if day > today():
        raise Invalid(field, "日期不能晚于今天", message_en="cannot be in the future")
    return day


async def get_in_subtree(
    session: AsyncSession, model: type[T], tenant: Tenant, row_id: uuid.UUID, what: str
) -> T:
    """The row if it lies in ``tenant``'s subtree, else 404 naming ``what``."""
    table: Any = model
    found = await session.scalar(
        select(model).where(table.id == row_id, row_in_subtree(table.tenant_id, tenant))
    )
    if found is None:
        raise NotFound(what)
    return found


S = TypeVar("S", bound=msgspec.Struct)


def answer(row: object, struct: type[S]) -> S:
    """``struct`` filled from ``row``'s attributes of the same names (nested JSON included)."""
    return msgspec.convert(row, struct, from_attributes=True)


def stored(value: object) -> Any:
    """A request struct (or list of them) as the JSON a column keeps: dates as ISO text."""
    return msgspec.to_builtins(value)
