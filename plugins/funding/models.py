"""Tables of the funding module; every row is tenant-owned and money is integer fen.

A call (:class:`Call`) and its ledger (:class:`LedgerEntry`) belong to the tenant that runs the
call and holds its pool. An application belongs to the tenant it was made at, which lies in the
call's subtree. The ledger is append-only (the migration adds triggers refusing UPDATE and
DELETE): each entry carries the call's running totals after it, numbered by ``seq`` per call,
so the database itself keeps approvals within the pool and disbursements within what was
approved, and two writers racing for the same place in the chain cannot both win.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core import Base, TenantOwned, Timestamps, UTCDateTime, UUIDPrimaryKey

JSONValue = JSON().with_variant(JSONB(), "postgresql")

FUNDER_KINDS = ("foundation", "government", "enterprise")
REGISTRATIONS = ("registered", "filed", "none")
TRIGGERS = ("agreement", "midterm", "closing")
STATUSES = (
    "draft",
    "submitted",
    "screened",
    "under_review",
    "published",
    "approved",
    "rejected",
    "agreement_signed",
    "in_progress",
    "closed",
    "terminated",
)
STAGES = ("midterm", "final")
ENTRY_KINDS = ("commitment", "disbursement", "return", "release", "reversal")
"""立项承诺 (pool committed to a project), 拨付, 退回 (a project gives money back), 释放 (an
ended project's undisbursed remainder goes back to the pool), 冲正 (reversal)."""


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Call(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A funding call (公益创投 / 项目申报) with its pool, rules and tranche plan."""

    __tablename__ = "funding_calls"
    __table_args__ = (
        CheckConstraint(_in("funder_kind", FUNDER_KINDS), name="funder_kind_valid"),
        CheckConstraint("pool_fen > 0", name="pool_positive"),
        CheckConstraint("opens_on <= closes_on", name="dates_ordered"),
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    funder_kind: Mapped[str] = mapped_column(String(16))
    funder_name: Mapped[str] = mapped_column(String(200))
    pool_fen: Mapped[int] = mapped_column(BigInteger)
    categories: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    eligible_registrations: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    eligible_levels: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue, default=list)
    tranche_plan: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue, default=list)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Application(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """An application to a call, by one organisation or jointly (two organisations, or the two
    communities of an urban-rural pair). ``approved_fen`` is the decision; what was committed
    and disbursed is read from the ledger."""

    __tablename__ = "funding_applications"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status_valid"),
        CheckConstraint("requested_fen > 0", name="requested_positive"),
        CheckConstraint(
            "approved_fen IS NULL OR (approved_fen > 0 AND approved_fen <= requested_fen)",
            name="approved_valid",
        ),
        CheckConstraint(
            "(pair_urban_tenant_id IS NULL) = (pair_rural_tenant_id IS NULL)", name="pair_whole"
        ),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("funding_calls.id", ondelete="RESTRICT"), index=True
    )
    call_tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    joint: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation_ids: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    applicant_names: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    applicant_registrations: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    pair_urban_tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT")
    )
    pair_rural_tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT")
    )
    budget_lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue, default=list)
    requested_fen: Mapped[int] = mapped_column(BigInteger)
    documents: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    approved_fen: Mapped[int | None] = mapped_column(BigInteger)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class StatusChange(UUIDPrimaryKey, TenantOwned, Base):
    """One step of an application's lifecycle, with its reason: the lifecycle's audit trail."""

    __tablename__ = "funding_status_changes"

    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("funding_applications.id", ondelete="RESTRICT"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")
    changed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConflictDeclaration(UUIDPrimaryKey, TenantOwned, Base):
    """A reviewer's declared conflict of interest with an application (回避声明)."""

    __tablename__ = "funding_conflicts"
    __table_args__ = (UniqueConstraint("tenant_id", "application_id", "reviewer_id"),)

    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("funding_applications.id", ondelete="RESTRICT"), index=True
    )
    reviewer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reviewer_name: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScoreSheet(UUIDPrimaryKey, TenantOwned, Base):
    """One reviewer's scores of an application, criterion by criterion (0-100 each), and their
    weighted total in hundredths of a point (sum of score x weight, weights summing to 100)."""

    __tablename__ = "funding_score_sheets"
    __table_args__ = (
        UniqueConstraint("tenant_id", "application_id", "reviewer_id"),
        CheckConstraint("weighted_total >= 0 AND weighted_total <= 10000", name="total_valid"),
    )

    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("funding_applications.id", ondelete="RESTRICT"), index=True
    )
    reviewer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reviewer_name: Mapped[str] = mapped_column(String(100))
    scores: Mapped[dict[str, int]] = mapped_column(JSONValue, default=dict)
    weighted_total: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Evaluation(UUIDPrimaryKey, TenantOwned, Base):
    """The mid-term or final evaluation of a funded project; a failed one ends it."""

    __tablename__ = "funding_evaluations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "application_id", "stage"),
        CheckConstraint(_in("stage", STAGES), name="stage_valid"),
    )

    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("funding_applications.id", ondelete="RESTRICT"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(1000), default="")
    evaluated_on: Mapped[date] = mapped_column(Date)
    evaluated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerEntry(UUIDPrimaryKey, TenantOwned, Base):
    """One append-only movement of a call's money, with the running totals after it.

    ``amount_fen`` is the movement's size (always positive); ``committed_delta`` and
    ``disbursed_delta`` its signed effect on what the call has committed to projects and paid
    out. ``seq`` numbers a call's entries from 1 without gaps; the ``*_total`` columns are the
    sums of the deltas up to and including this entry, for the call and for the entry's
    application, and the CHECK constraints keep them in bounds.
    """

    __tablename__ = "funding_ledger_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "call_id", "seq"),
        UniqueConstraint("tenant_id", "reverses_id"),
        CheckConstraint(_in("kind", ENTRY_KINDS), name="kind_valid"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint(
            "disbursed_total >= 0 AND disbursed_total <= committed_total"
            " AND committed_total <= pool_fen",
            name="call_within_pool",
        ),
        CheckConstraint(
            "project_disbursed_total >= 0 AND project_disbursed_total <= project_committed_total",
            name="project_within_approval",
        ),
        CheckConstraint(
            "(kind = 'reversal') = (reverses_id IS NOT NULL)", name="reversal_names_entry"
        ),
        CheckConstraint(
            "tranche IS NULL OR (tranche >= 1 AND kind IN ('disbursement', 'reversal'))",
            name="tranche_valid",
        ),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("funding_calls.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("funding_applications.id", ondelete="RESTRICT"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("funding_ledger_entries.id", ondelete="RESTRICT")
    )
    reverses_kind: Mapped[str | None] = mapped_column(String(16))
    tranche: Mapped[int | None] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    committed_delta: Mapped[int] = mapped_column(BigInteger)
    disbursed_delta: Mapped[int] = mapped_column(BigInteger)
    pool_fen: Mapped[int] = mapped_column(BigInteger)
    committed_total: Mapped[int] = mapped_column(BigInteger)
    disbursed_total: Mapped[int] = mapped_column(BigInteger)
    project_committed_total: Mapped[int] = mapped_column(BigInteger)
    project_disbursed_total: Mapped[int] = mapped_column(BigInteger)
    occurred_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
