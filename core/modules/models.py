"""Tables of the plugin host: policies and choices per tenant, the state version, the outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from core.orm import Base, JSONType, Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow


class ModulePolicy(UUIDPrimaryKey, Timestamps, Base):
    """A tenant's policy for one module over its whole subtree (required/allowed/forbidden)."""

    __tablename__ = "module_policies"
    __table_args__ = (
        UniqueConstraint("tenant_id", "module"),
        CheckConstraint("policy IN ('required', 'allowed', 'forbidden')", name="policy_valid"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT")
    )
    module: Mapped[str] = mapped_column(String(40))
    policy: Mapped[str] = mapped_column(String(16))


class ModuleChoice(UUIDPrimaryKey, Timestamps, Base):
    """A tenant's own choice to switch a module on or off for itself."""

    __tablename__ = "module_choices"
    __table_args__ = (UniqueConstraint("tenant_id", "module"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT")
    )
    module: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool]


class ModuleStateVersion(Base):
    """A single counter bumped by every policy or choice change.

    Every process compares it with the version its cached effective states were computed at, so
    a change made through any worker or replica is seen by all within the staleness bound.
    """

    __tablename__ = "module_state_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class OutboxEvent(UUIDPrimaryKey, Base):
    """A domain event written in the emitter's transaction and dispatched after commit."""

    __tablename__ = "event_outbox"
    __table_args__ = (Index("ix_event_outbox_pending", "dispatched_at", "created_at"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True
    )
    type: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
