"""The ``tenants`` table: one row per node of the administrative tree."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, JSONType, Timestamps, UUIDPrimaryKey

TENANT_STATUSES = ("active", "suspended", "archived")


def path_segment(tenant_id: uuid.UUID) -> str:
    return tenant_id.hex


class Tenant(UUIDPrimaryKey, Timestamps, Base):
    """A district, town, community, or any level configured in ``GONGZHI_TENANT_LEVELS``.

    ``path`` is the materialised chain of ids from the root, ``/<root>/.../<self>/``, so the
    subtree of ``t`` is every row whose path starts with ``t.path`` and the ancestors of ``t`` are
    the ids in its path. ``division_code`` is an attribute (codes change between data years),
    never a key.
    """

    __tablename__ = "tenants"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'suspended', 'archived')", name="status_valid"),
        Index(
            "ix_tenants_path",
            "path",
            postgresql_ops={"path": "text_pattern_ops"},
            postgresql_include=["id"],
        ),
    )

    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(String(2048), unique=True)
    depth: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str | None] = mapped_column(String(32))
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(200))
    division_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    division_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active")
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    @property
    def ancestor_ids(self) -> list[uuid.UUID]:
        """Ids from the root down to and including this tenant."""
        return [uuid.UUID(hex=part) for part in self.path.strip("/").split("/")]


TENANT_PATHS = Table(
    "tenant_paths",
    MetaData(),
    Column("id", Uuid, primary_key=True),
    Column("path", String(2048), nullable=False),
)
"""Every tenant's id and path, as the database keeps them from ``tenants``
(:func:`core.rls.tenant_paths_statements`): read-only for the application, and outside the
ORM's metadata because the database, not the ORM, makes it. A subtree's ids are read here
rather than in ``tenants``, whose own row-level-security policy would be paid again by every
statement that asks which tenants lie below a path."""
