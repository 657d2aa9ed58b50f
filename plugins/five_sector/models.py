"""Tables of the five-sector module; every row is tenant-owned.

Money and goods quantities are integers (fen for money); service time is integer minutes. The
ledger (:class:`ServiceEntry`) is append-only: corrections are reversal rows, never updates.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core import Base, TenantOwned, Timestamps, UTCDateTime, UUIDPrimaryKey

JSONList = JSON().with_variant(JSONB(), "postgresql")

ORG_KINDS = ("social_group", "social_service_agency", "foundation", "community")
"""社会团体, 社会服务机构/民办非企业, 基金会 (registered) and 社区社会组织 (filed)."""
REGISTERED_KINDS = ("social_group", "social_service_agency", "foundation")
ORG_STATUSES = ("incubating", "filed", "registered", "suspended", "dissolved")
CERTIFICATE_LEVELS = ("assistant", "social_worker", "senior", "none")
"""助理社工师, 社工师, 高级社工师, or no certificate."""
ACTIVITY_STATUSES = ("open", "closed")
PARTICIPANT_ROLES = ("volunteer", "beneficiary")
ENTRY_KINDS = ("credit", "reversal")
RESOURCE_KINDS = ("money", "goods", "space", "service")
DONOR_KINDS = ("enterprise", "foundation", "person")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A social organisation homed at a tenant (its 主管/备案 tenant)."""

    __tablename__ = "fs_organisations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "uscc"),
        UniqueConstraint("tenant_id", "filing_number"),
        CheckConstraint(_in("kind", ORG_KINDS), name="kind_valid"),
        CheckConstraint(_in("status", ORG_STATUSES), name="status_valid"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_valid"),
        CheckConstraint("founders_count >= 0 AND members_count >= 0", name="counts_valid"),
    )

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="incubating")
    uscc: Mapped[str | None] = mapped_column(String(18))
    registered_on: Mapped[date | None] = mapped_column(Date)
    filing_number: Mapped[str | None] = mapped_column(String(64))
    filed_on: Mapped[date | None] = mapped_column(Date)
    filing_expires_on: Mapped[date | None] = mapped_column(Date)
    founders_count: Mapped[int] = mapped_column(Integer, default=0)
    members_count: Mapped[int] = mapped_column(Integer, default=0)
    charter_document: Mapped[str | None] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(String(300))
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_on: Mapped[date | None] = mapped_column(Date)
    brand_project: Mapped[bool] = mapped_column(Boolean, default=False)


class OrganisationStatusChange(UUIDPrimaryKey, TenantOwned, Base):
    """One lifecycle change of an organisation, with its reason: the lifecycle's audit trail."""

    __tablename__ = "fs_org_status_changes"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("fs_organisations.id", ondelete="RESTRICT"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500))
    changed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SocialWorker(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    __tablename__ = "fs_social_workers"
    __table_args__ = (
        CheckConstraint(_in("certificate_level", CERTIFICATE_LEVELS), name="level_valid"),
    )

    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    certificate_level: Mapped[str] = mapped_column(String(16))
    certificate_number: Mapped[str | None] = mapped_column(String(64))
    served_tenant_ids: Mapped[list[str]] = mapped_column(JSONList, default=list)


class Volunteer(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A volunteer; hours and stars are computed from the ledger, never stored here."""

    __tablename__ = "fs_volunteers"
    __table_args__ = (UniqueConstraint("tenant_id", "volunteer_number"),)

    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    volunteer_number: Mapped[str] = mapped_column(String(64))
    id_type: Mapped[str | None] = mapped_column(String(32))
    id_number: Mapped[str | None] = mapped_column(String(64))
    skills: Mapped[list[str]] = mapped_column(JSONList, default=list)
    served_tenant_ids: Mapped[list[str]] = mapped_column(JSONList, default=list)


class Activity(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """An activity or service. A joint activity of a pairing has ``pairing_id`` set and is owned
    by the pairing's tenant; it is visible to both paired communities and their ancestors."""

    __tablename__ = "fs_activities"
    __table_args__ = (
        CheckConstraint(_in("status", ACTIVITY_STATUSES), name="status_valid"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_valid"),
        CheckConstraint("person_times >= 0", name="person_times_valid"),
    )

    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)
    organiser_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("fs_organisations.id", ondelete="RESTRICT"), index=True
    )
    pairing_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("fs_pairings.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    person_times: Mapped[int] = mapped_column(Integer, default=0)


class Participant(UUIDPrimaryKey, TenantOwned, Base):
    """A sign-up to an activity: a volunteer serving or a beneficiary being served."""

    __tablename__ = "fs_activity_participants"
    __table_args__ = (
        UniqueConstraint("tenant_id", "activity_id", "volunteer_id"),
        CheckConstraint(_in("role", PARTICIPANT_ROLES), name="role_valid"),
    )

    activity_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("fs_activities.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    volunteer_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("fs_volunteers.id", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(100))
    signed_up_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ServiceEntry(UUIDPrimaryKey, TenantOwned, Base):
    """One append-only ledger entry of a volunteer's service time.

    A credit has ``minutes`` in (0, 1440]; a reversal has the negated minutes of the credit it
    names in ``reverses_id`` (once). One credit per volunteer per activity. The
    ``(tenant_id, minutes)`` index lets roll-ups total a subtree's hours from the index alone;
    on PostgreSQL it also carries ``activity_id``, which the read policy tests.
    """

    __tablename__ = "fs_service_entries"
    __table_args__ = (
        Index(
            "ix_fs_service_entries_tenant_id_minutes",
            "tenant_id",
            "minutes",
            postgresql_include=["activity_id"],
        ),
        UniqueConstraint("tenant_id", "activity_id", "volunteer_id", "kind"),
        UniqueConstraint("tenant_id", "reverses_id"),
        CheckConstraint(_in("kind", ENTRY_KINDS), name="kind_valid"),
        CheckConstraint(
            "(kind = 'credit' AND minutes > 0 AND minutes <= 1440 AND reverses_id IS NULL)"
            " OR (kind = 'reversal' AND minutes < 0 AND minutes >= -1440"
            " AND reverses_id IS NOT NULL)",
            name="minutes_valid",
        ),
    )

    volunteer_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("fs_volunteers.id", ondelete="RESTRICT"), index=True
    )
    activity_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("fs_activities.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)
    served_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(String(500))
    verified_by: Mapped[str] = mapped_column(String(100))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("fs_service_entries.id", ondelete="RESTRICT")
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CharityResource(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """Donated money (fen), goods, space or services, with a balance that never goes negative."""

    __tablename__ = "fs_charity_resources"
    __table_args__ = (
        CheckConstraint(_in("kind", RESOURCE_KINDS), name="kind_valid"),
        CheckConstraint(_in("donor_kind", DONOR_KINDS), name="donor_kind_valid"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("balance >= 0 AND balance <= quantity", name="balance_valid"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    donor_kind: Mapped[str] = mapped_column(String(16))
    donor_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    balance: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("fs_organisations.id", ondelete="RESTRICT")
    )


class Allocation(UUIDPrimaryKey, TenantOwned, Base):
    __tablename__ = "fs_allocations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("activity_id IS NOT NULL OR project IS NOT NULL", name="target_given"),
    )

    resource_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("fs_charity_resources.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[int] = mapped_column(Integer)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("fs_activities.id", ondelete="RESTRICT")
    )
    project: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Pairing(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """An urban community paired with a village by a common ancestor (usually the district)."""

    __tablename__ = "fs_pairings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "urban_tenant_id", "rural_tenant_id"),
        CheckConstraint("urban_tenant_id <> rural_tenant_id", name="distinct_parties"),
    )

    urban_tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True
    )
    rural_tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True
    )
    started_on: Mapped[date] = mapped_column(Date)
    goals: Mapped[list[str]] = mapped_column(JSONList, default=list)
