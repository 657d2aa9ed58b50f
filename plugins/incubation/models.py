"""Tables of the incubation module (社会组织培育); every row is tenant-owned.

A base (the district's 培育服务基地 or a town's 社区社会组织发展促进中心) lives at its tenant and
owns its staff, cohorts, mentors and the incubatees admitted in its cohorts; every record of an
incubatee (stage records, scorecards, projects, mentor pairings) lives at the incubatee's
tenant, so one subtree test decides who sees it. Money is integer fen.
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
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core import Base, TenantOwned, Timestamps, UTCDateTime, UUIDPrimaryKey

JSONData = JSON().with_variant(JSONB(), "postgresql")

BASE_KINDS = ("district_base", "town_centre")
STAFF_ROLES = ("social_worker", "expert", "manager")
INCUBATEE_KINDS = ("organisation", "town_centre")
CHAIN = ("needs_survey", "training", "supervision", "resource_matching")
"""需求调研 → 定制培训 → 项目督导 → 资源对接, in order."""
STAGES = (*CHAIN, "graduated", "exited")
MATCH_KINDS = ("charity_resource", "funding_call", "enterprise_support")
MATCH_OUTCOMES = ("offered", "secured", "declined")
MATCH_SOURCES = ("manual", "funding_event")
SCORECARD_KINDS = ("intake", "graduation")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _incubatee_fk() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, ForeignKey("inc_incubatees.id", ondelete="RESTRICT"), index=True)


class IncubationBase(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """培育基地: the district base or a town promotion centre, at its tenant (a tenant may run
    more than one site; names are unique per tenant)."""

    __tablename__ = "inc_bases"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint(_in("kind", BASE_KINDS), name="kind_valid"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    established_on: Mapped[date] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)


class Staff(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A base's 专业社工, 资深专家 or manager."""

    __tablename__ = "inc_staff"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="role_valid"),)

    base_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_bases.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Cohort(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """批次: the organisations a base admits together, with the intake date."""

    __tablename__ = "inc_cohorts"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    base_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_bases.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    intake_on: Mapped[date] = mapped_column(Date)


IN_INCUBATION = "stage NOT IN ('graduated', 'exited')"
"""An incubatee still in the chain (neither graduated nor exited)."""
ACTIVE_BY_ID = text(f"{IN_INCUBATION} AND organisation_id IS NOT NULL")
ACTIVE_BY_NAME = text(f"{IN_INCUBATION} AND organisation_id IS NULL AND centre_base_id IS NULL")
ACTIVE_CENTRE = text(f"{IN_INCUBATION} AND centre_base_id IS NOT NULL")


class Incubatee(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """An organisation (or a town promotion centre) admitted in a cohort, and where it stands.

    The database holds what admission checks: at most one incubatee in the chain per tenant for
    a directory organisation (by id), an organisation named plainly (by name) and a town centre
    (partial unique indexes), so two admissions racing each other cannot both succeed.
    """

    __tablename__ = "inc_incubatees"
    __table_args__ = (
        UniqueConstraint("tenant_id", "cohort_id", "organisation_name"),
        CheckConstraint(_in("kind", INCUBATEE_KINDS), name="kind_valid"),
        CheckConstraint(_in("stage", STAGES), name="stage_valid"),
        Index("ix_inc_incubatees_tenant_id_organisation_id", "tenant_id", "organisation_id"),
        Index(
            "uq_inc_incubatees_active_organisation",
            "tenant_id",
            "organisation_id",
            unique=True,
            sqlite_where=ACTIVE_BY_ID,
            postgresql_where=ACTIVE_BY_ID,
        ),
        Index(
            "uq_inc_incubatees_active_name",
            "tenant_id",
            "organisation_name",
            unique=True,
            sqlite_where=ACTIVE_BY_NAME,
            postgresql_where=ACTIVE_BY_NAME,
        ),
        Index(
            "uq_inc_incubatees_active_centre",
            "tenant_id",
            "centre_base_id",
            unique=True,
            sqlite_where=ACTIVE_CENTRE,
            postgresql_where=ACTIVE_CENTRE,
        ),
    )

    cohort_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_cohorts.id", ondelete="RESTRICT"), index=True
    )
    base_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_bases.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    centre_base_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("inc_bases.id", ondelete="RESTRICT")
    )
    leader_name: Mapped[str | None] = mapped_column(String(100))
    admitted_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(24))
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    exit_reason: Mapped[str | None] = mapped_column(String(500))


class StageChange(UUIDPrimaryKey, TenantOwned, Base):
    """One move along the chain; an override keeps its reason and what was missing."""

    __tablename__ = "inc_stage_changes"

    incubatee_id: Mapped[uuid.UUID] = _incubatee_fk()
    from_stage: Mapped[str | None] = mapped_column(String(24))
    to_stage: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(500))
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    missing: Mapped[list[str]] = mapped_column(JSONData, default=list)
    changed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Survey(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """需求调研: questions with their answers, and the findings."""

    __tablename__ = "inc_surveys"

    incubatee_id: Mapped[uuid.UUID] = _incubatee_fk()
    surveyed_on: Mapped[date] = mapped_column(Date)
    surveyor: Mapped[str] = mapped_column(String(100))
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSONData, default=list)
    findings: Mapped[str] = mapped_column(Text)


class Training(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """定制培训: a tailored plan of courses, with its sessions and their attendance."""

    __tablename__ = "inc_trainings"

    incubatee_id: Mapped[uuid.UUID] = _incubatee_fk()
    title: Mapped[str] = mapped_column(String(200))
    courses: Mapped[list[str]] = mapped_column(JSONData, default=list)
    sessions: Mapped[list[dict[str, Any]]] = mapped_column(JSONData, default=list)


class SupervisionVisit(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """项目督导: a visit, the issues found and the follow-ups with their due dates."""

    __tablename__ = "inc_supervision_visits"

    incubatee_id: Mapped[uuid.UUID] = _incubatee_fk()
    visited_on: Mapped[date] = mapped_column(Date)
    visitor: Mapped[str] = mapped_column(String(100))
    issues: Mapped[list[str]] = mapped_column(JSONData, default=list)
    follow_ups: Mapped[list[dict[str, Any]]] = mapped_column(JSONData, default=list)


class ResourceMatch(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """资源对接: what was offered to the incubatee and the outcome. A funding approval records
    one itself (``source = funding_event``), once per event id."""

    __tablename__ = "inc_resource_matches"
    __table_args__ = (
        UniqueConstraint("incubatee_id", "event_id"),
        CheckConstraint(_in("kind", MATCH_KINDS), name="kind_valid"),
        CheckConstraint(_in("outcome", MATCH_OUTCOMES), name="outcome_valid"),
        CheckConstraint(_in("source", MATCH_SOURCES), name="source_valid"),
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount_valid"),
    )

    incubatee_id: Mapped[uuid.UUID] = _incubatee_fk()
    kind: Mapped[str] = mapped_column(String(24))
    provider: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500))
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(16))
    matched_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    application_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Mentor(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """书记领航: an experienced (party) secretary or expert of a base who mentors one leader."""

    __tablename__ = "inc_mentors"

    base_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_bases.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("inc_staff.id", ondelete="RESTRICT")
    )


ACTIVE = text("ended_on IS NULL")


class Mentorship(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A one-to-one pairing of a mentor and an incubatee's leader; at most one open pairing per
    mentor and per incubatee (partial unique indexes)."""

    __tablename__ = "inc_mentorships"
    __table_args__ = (
        Index(
            "uq_inc_mentorships_open_mentor",
            "mentor_id",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        Index(
            "uq_inc_mentorships_open_incubatee",
            "incubatee_id",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
    )

    mentor_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_mentors.id", ondelete="RESTRICT"), index=True
    )
    incubatee_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_incubatees.id", ondelete="RESTRICT")
    )
    leader_name: Mapped[str] = mapped_column(String(100))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(500))


class MentorMeeting(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    __tablename__ = "inc_mentor_meetings"

    mentorship_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_mentorships.id", ondelete="RESTRICT"), index=True
    )
    met_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(String(500))


class Benchmark(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """标杆示范: an organisation held up as an example, with its showcase profile."""

    __tablename__ = "inc_benchmarks"
    __table_args__ = (UniqueConstraint("tenant_id", "organisation_name"),)

    base_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inc_bases.id", ondelete="RESTRICT"), index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    organisation_name: Mapped[str] = mapped_column(String(200))
    incubatee_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("inc_incubatees.id", ondelete="RESTRICT")
    )
    designated_on: Mapped[date] = mapped_column(Date)
    headline: Mapped[str] = mapped_column(String(200))
    story: Mapped[str] = mapped_column(Text)
    highlights: Mapped[list[str]] = mapped_column(JSONData, default=list)


class Project(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """项目带动: an incubatee's project, linked to a funding application when there is one;
    the funding approval event fills in what was approved."""

    __tablename__ = "inc_projects"
    __table_args__ = (
        UniqueConstraint("tenant_id", "funding_application_id"),
        CheckConstraint("approved_fen IS NULL OR approved_fen >= 0", name="approved_valid"),
    )

    incubatee_id: Mapped[uuid.UUID] = _incubatee_fk()
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    funding_application_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    funding_reference: Mapped[str | None] = mapped_column(String(100))
    approved_fen: Mapped[int | None] = mapped_column(BigInteger)
    funder_name: Mapped[str | None] = mapped_column(String(200))
    approved_event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class BrandProject(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """品牌项目: a flagship project with its story, figures and the organisations behind it."""

    __tablename__ = "inc_brand_projects"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    story: Mapped[str] = mapped_column(Text)
    started_on: Mapped[date | None] = mapped_column(Date)
    figures: Mapped[list[dict[str, Any]]] = mapped_column(JSONData, default=list)
    organisations: Mapped[list[dict[str, Any]]] = mapped_column(JSONData, default=list)


class Scorecard(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A capacity scorecard at intake or at graduation: the score per rubric dimension and the
    total; ``rubric`` keeps the rubric it was scored against (the setting may change later)."""

    __tablename__ = "inc_scorecards"
    __table_args__ = (
        UniqueConstraint("incubatee_id", "kind"),
        CheckConstraint(_in("kind", SCORECARD_KINDS), name="kind_valid"),
    )

    incubatee_id: Mapped[uuid.UUID] = _incubatee_fk()
    kind: Mapped[str] = mapped_column(String(16))
    scored_on: Mapped[date] = mapped_column(Date)
    scores: Mapped[dict[str, int]] = mapped_column(JSONData, default=dict)
    total: Mapped[int] = mapped_column(Integer)
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSONData, default=list)
    scored_by: Mapped[str | None] = mapped_column(String(100))


TABLES = (
    "inc_bases",
    "inc_staff",
    "inc_cohorts",
    "inc_incubatees",
    "inc_stage_changes",
    "inc_surveys",
    "inc_trainings",
    "inc_supervision_visits",
    "inc_resource_matches",
    "inc_mentors",
    "inc_mentorships",
    "inc_mentor_meetings",
    "inc_benchmarks",
    "inc_projects",
    "inc_brand_projects",
    "inc_scorecards",
)
