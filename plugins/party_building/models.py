"""Tables of the party-building module; every row is tenant-owned.

Organisations of other modules (the social organisations a party body covers) are named by their
directory id and a copied name, never by a foreign key into another module's tables. Lists of
member ids are kept as JSON beside the rows that use them; person-times are integers.
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

ORG_KINDS = ("committee", "general_branch", "branch", "joint_branch", "group")
"""综合党委/党委, 党总支, 党支部, 联合党支部, 党小组."""
MEMBER_STATUSES = ("probationary", "full", "left")
MEETING_TYPES = ("party_assembly", "branch_committee", "group_meeting", "party_lesson", "theme_day")
"""党员大会, 支委会, 党小组会, 党课, 主题党日."""
SERVICE_SOURCES = ("event", "manual")
FOLLOW_UP_STATUSES = ("open", "done")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PartyOrganisation(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A party body: its kind, the body above it, its secretary."""

    __tablename__ = "pb_organisations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint(_in("kind", ORG_KINDS), name="kind_valid"),
    )

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("pb_organisations.id", ondelete="RESTRICT"), index=True
    )
    secretary_name: Mapped[str | None] = mapped_column(String(100))
    secretary_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    has_committee: Mapped[bool] = mapped_column(Boolean, default=False)
    established_on: Mapped[date] = mapped_column(Date)


class CoveredUnit(UUIDPrimaryKey, TenantOwned, Base):
    """A social organisation a party body covers (a joint branch covers several)."""

    __tablename__ = "pb_covered_units"
    __table_args__ = (UniqueConstraint("tenant_id", "party_organisation_id", "organisation_name"),)

    party_organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_organisations.id", ondelete="RESTRICT"), index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Instructor(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A party-building instructor (党建指导员) sent to a social organisation without a party
    body."""

    __tablename__ = "pb_instructors"
    __table_args__ = (UniqueConstraint("tenant_id", "organisation_name", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    assigned_on: Mapped[date] = mapped_column(Date)


class Member(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A party member, full or probationary, in one organisation at a time.

    ``joined_on`` is the admission date (the start of probation); ``converted_on`` the date the
    member became full. The tenant is the organisation's: a transfer moves both.
    """

    __tablename__ = "pb_members"
    __table_args__ = (
        CheckConstraint(_in("status", MEMBER_STATUSES), name="status_valid"),
        CheckConstraint(
            "status <> 'full' OR converted_on IS NOT NULL", name="full_has_conversion_date"
        ),
    )

    party_organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_organisations.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(16))
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32))
    id_number: Mapped[str | None] = mapped_column(String(32))
    joined_on: Mapped[date] = mapped_column(Date)
    converted_on: Mapped[date | None] = mapped_column(Date)
    show_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    model_post: Mapped[str | None] = mapped_column(String(200))


class MemberTransfer(UUIDPrimaryKey, TenantOwned, Base):
    """One move of a member between organisations (组织关系转接); the member's history."""

    __tablename__ = "pb_member_transfers"

    member_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_members.id", ondelete="RESTRICT"), index=True
    )
    from_organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_organisations.id", ondelete="RESTRICT")
    )
    to_organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_organisations.id", ondelete="RESTRICT")
    )
    transferred_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PioneerTeam(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A party member pioneer team (党员先锋队) and the members who form it."""

    __tablename__ = "pb_pioneer_teams"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200))
    leader_name: Mapped[str] = mapped_column(String(100))
    party_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("pb_organisations.id", ondelete="RESTRICT")
    )
    member_ids: Mapped[list[str]] = mapped_column(JSONList, default=list)


class TeamActivity(UUIDPrimaryKey, TenantOwned, Base):
    """An activity (of the five-sector module, by id) that a team serves in."""

    __tablename__ = "pb_team_activities"
    __table_args__ = (UniqueConstraint("tenant_id", "team_id", "activity_id"),)

    team_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_pioneer_teams.id", ondelete="RESTRICT"), index=True
    )
    activity_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    title: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TeamService(UUIDPrimaryKey, TenantOwned, Base):
    """Person-times a team mobilised in one activity: credited from an event, or by hand.

    ``event_id`` is unique, so an event credits a team once however often it is delivered.
    """

    __tablename__ = "pb_team_services"
    __table_args__ = (
        UniqueConstraint("tenant_id", "team_id", "event_id"),
        CheckConstraint(_in("source", SERVICE_SOURCES), name="source_valid"),
        CheckConstraint(
            "member_person_times >= 0 AND other_person_times >= 0", name="person_times_valid"
        ),
        CheckConstraint("source = 'manual' OR event_id IS NOT NULL", name="event_credit_named"),
    )

    team_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_pioneer_teams.id", ondelete="RESTRICT"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(200))
    served_on: Mapped[date] = mapped_column(Date)
    member_person_times: Mapped[int] = mapped_column(Integer)
    other_person_times: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Meeting(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A meeting of 三会一课 or a 主题党日, with its attendance and, for an assembly, quorum."""

    __tablename__ = "pb_meetings"
    __table_args__ = (
        CheckConstraint(_in("type", MEETING_TYPES), name="type_valid"),
        CheckConstraint("attendees_count >= 0", name="attendees_valid"),
    )

    party_organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_organisations.id", ondelete="RESTRICT"), index=True
    )
    type: Mapped[str] = mapped_column(String(32))
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    attendee_ids: Mapped[list[str]] = mapped_column(JSONList, default=list)
    attendees_count: Mapped[int] = mapped_column(Integer)
    full_members_count: Mapped[int] = mapped_column(Integer)
    quorum_met: Mapped[bool | None] = mapped_column(Boolean)
    minutes: Mapped[str | None] = mapped_column(Text)


class SupervisionVisit(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A party-building supervision visit (党建督导) and what it found."""

    __tablename__ = "pb_supervision_visits"

    party_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("pb_organisations.id", ondelete="RESTRICT"), index=True
    )
    visited_unit: Mapped[str] = mapped_column(String(200))
    visited_on: Mapped[date] = mapped_column(Date)
    supervisor: Mapped[str] = mapped_column(String(100))
    findings: Mapped[str] = mapped_column(Text)


class FollowUp(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """An action a visit asked for: open until done, overdue after its due date."""

    __tablename__ = "pb_follow_ups"
    __table_args__ = (
        CheckConstraint(_in("status", FOLLOW_UP_STATUSES), name="status_valid"),
        CheckConstraint("status <> 'done' OR done_on IS NOT NULL", name="done_dated"),
    )

    visit_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_supervision_visits.id", ondelete="RESTRICT"), index=True
    )
    action: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    done_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(500))


class Training(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A party-building training (党建培训) and who attended."""

    __tablename__ = "pb_trainings"
    __table_args__ = (
        CheckConstraint("invited_count >= 0 AND attended_count >= 0", name="counts_valid"),
    )

    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    trainer: Mapped[str] = mapped_column(String(100))
    invited_count: Mapped[int] = mapped_column(Integer)
    attended_count: Mapped[int] = mapped_column(Integer)
    attendee_names: Mapped[list[str]] = mapped_column(JSONList, default=list)


class WorkPlan(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A tenant's yearly plan built on its own method, e.g. the district's 136工作法.

    ``pillars`` is the method as data: ``[{"key", "group", "name"}]``. A template is offered to
    the tenants below to copy; ``copied_from_id`` names the plan a copy came from.
    """

    __tablename__ = "pb_work_plans"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "title"),)

    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(100))
    pillars: Mapped[list[dict[str, str]]] = mapped_column(JSONList, default=list)
    is_template: Mapped[bool] = mapped_column(Boolean, default=False)
    copied_from_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class PlanIndicator(UUIDPrimaryKey, TenantOwned, Base):
    """An indicator of a plan under one pillar, with its target and the progress entered."""

    __tablename__ = "pb_plan_indicators"
    __table_args__ = (
        UniqueConstraint("tenant_id", "plan_id", "name"),
        CheckConstraint("target > 0 AND progress >= 0", name="target_valid"),
    )

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_work_plans.id", ondelete="RESTRICT"), index=True
    )
    pillar: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32))
    target: Mapped[int] = mapped_column(Integer)
    progress: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorProgress(UUIDPrimaryKey, TenantOwned, Base):
    """One progress entry against an indicator; the indicator's ``progress`` is their sum."""

    __tablename__ = "pb_indicator_progress"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    indicator_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("pb_plan_indicators.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[int] = mapped_column(Integer)
    recorded_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
