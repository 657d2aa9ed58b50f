"""The declarative base and column types every Gongzhi table is built from.

Core and plugins share one :data:`metadata`, so a plugin's foreign key to ``tenants.id`` resolves
and Alembic sees the whole schema; each plugin still owns its tables through its own migration
branch.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, DateTime, ForeignKey, MetaData, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Gongzhi stores UTC-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every mapped class, core and plugins alike."""

    metadata = metadata
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, uuid.UUID: Uuid}


class UUIDPrimaryKey:
    """A random UUID primary key, generated in Python so ids are known before flush."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class Timestamps:
    """``created_at`` and ``updated_at`` in UTC, maintained on every ORM write."""

    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.current_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.current_timestamp()
    )


def timestamp_columns() -> list[Column[datetime]]:
    """The two columns of :class:`Timestamps`, for hand-written migrations (core and plugins)."""
    return [
        Column(
            name,
            DateTime(timezone=True),
            nullable=False,
            server_default=func.current_timestamp(),
        )
        for name in ("created_at", "updated_at")
    ]


class TenantOwned:
    """Mixin for every row that belongs to a tenant.

    The ``tenant_id`` column is what tenant scoping (in the application and, on PostgreSQL, in
    row-level security) filters on; keep it leading in the table's indexes and unique keys.
    """

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), nullable=False, index=True
        )
