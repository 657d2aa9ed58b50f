"""Tables of the deliberation-hall module; every row is tenant-owned.

A topic belongs to the tenant where it was raised (``tenant_id``) for its whole life, and so do
its sessions, votes, ballots, tasks and evaluations: escalation moves who *handles* it
(``handling_tenant_id``), never who owns it, so the community that raised a topic keeps seeing
it and its outcome under row-level security. A secret ballot is two rows that share nothing
but the vote: :class:`Ballot` (who voted) and :class:`SecretTally` (a counter per choice, no
voter, no time).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

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

TOPIC_STATES = (
    "collected",
    "under_review",
    "accepted",
    "rejected",
    "published",
    "in_deliberation",
    "voting",
    "result_published",
    "in_implementation",
    "evaluated",
    "closed",
)
PROPOSER_KINDS = ("resident", "member", "staff", "organisation")
SESSION_KINDS = ("meeting", "hearing")
SESSION_STATUSES = ("planned", "held")
VOTE_METHODS = ("majority", "two_thirds", "consent")
VOTE_STATUSES = ("open", "closed")
CHOICES = ("yes", "no", "abstain", "agree", "disagree", "block")
OUTCOMES = ("passed", "failed", "tie", "blocked", "no_quorum")
TASK_STATUSES = ("open", "done")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Topic(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A matter raised for deliberation (议题), owned by the tenant where it was raised."""

    __tablename__ = "dh_topics"
    __table_args__ = (
        CheckConstraint(_in("state", TOPIC_STATES), name="state_valid"),
        CheckConstraint(_in("proposer_kind", PROPOSER_KINDS), name="proposer_kind_valid"),
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64))
    proposer_kind: Mapped[str] = mapped_column(String(16))
    proposer_name: Mapped[str] = mapped_column(String(200))
    proposer_contact: Mapped[str | None] = mapped_column(String(100))
    proposer_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    cosigners: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONList, default=list)
    state: Mapped[str] = mapped_column(String(24), default="collected")
    handling_tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True
    )
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_summary: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Transition(UUIDPrimaryKey, TenantOwned, Base):
    """One state change of a topic: who, when, why, and at which tier."""

    __tablename__ = "dh_transitions"

    topic_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_topics.id", ondelete="RESTRICT"), index=True
    )
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(1000))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_name: Mapped[str] = mapped_column(String(200))
    acting_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Escalation(UUIDPrimaryKey, TenantOwned, Base):
    """A topic passed up a tier (community → town → district)."""

    __tablename__ = "dh_escalations"

    topic_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_topics.id", ondelete="RESTRICT"), index=True
    )
    from_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    to_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reason: Mapped[str] = mapped_column(String(1000))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Session(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A deliberation meeting (议事会) or hearing (听证会) on one topic."""

    __tablename__ = "dh_sessions"
    __table_args__ = (
        CheckConstraint(_in("kind", SESSION_KINDS), name="kind_valid"),
        CheckConstraint(_in("status", SESSION_STATUSES), name="status_valid"),
    )

    topic_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_topics.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    convened_by_tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    notice_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    representatives_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    minutes: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    summary_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """A hearing's: from when its summary is late (fixed when it is scheduled, from the
    convening tenant's working days); ``None`` for a meeting."""


class Representative(UUIDPrimaryKey, TenantOwned, Base):
    """A participant of a session, with the stakeholder flag and attendance."""

    __tablename__ = "dh_representatives"
    __table_args__ = (UniqueConstraint("tenant_id", "session_id", "name"),)

    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_sessions.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    stakeholder: Mapped[bool] = mapped_column(Boolean, default=False)
    contact: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Vote(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """A vote on a topic in a session; its result is computed by the server when it closes."""

    __tablename__ = "dh_votes"
    __table_args__ = (
        CheckConstraint(_in("method", VOTE_METHODS), name="method_valid"),
        CheckConstraint(_in("status", VOTE_STATUSES), name="status_valid"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome_valid"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_sessions.id", ondelete="RESTRICT"), index=True
    )
    topic_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_topics.id", ondelete="RESTRICT"), index=True
    )
    question: Mapped[str] = mapped_column(String(500))
    method: Mapped[str] = mapped_column(String(16))
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    representatives: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[int | None] = mapped_column(Integer)
    tally: Mapped[dict[str, Any]] = mapped_column(JSONList, default=dict)
    outcome: Mapped[str | None] = mapped_column(String(16))


class Ballot(UUIDPrimaryKey, TenantOwned, Base):
    """That a participant voted; how, only for an open ballot (``choice`` NULL when secret).

    The unique key on (vote, representative) is what makes one vote per participant hold
    under concurrent requests: the database refuses the second row."""

    __tablename__ = "dh_ballots"
    __table_args__ = (
        UniqueConstraint("tenant_id", "vote_id", "representative_id"),
        CheckConstraint(f"choice IS NULL OR {_in('choice', CHOICES)}", name="choice_valid"),
    )

    vote_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_votes.id", ondelete="RESTRICT"), index=True
    )
    representative_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_representatives.id", ondelete="RESTRICT")
    )
    choice: Mapped[str | None] = mapped_column(String(16))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class SecretTally(UUIDPrimaryKey, TenantOwned, Base):
    """How many chose ``choice`` in a secret ballot: a counter per choice, created when the
    vote opens and incremented by each ballot, so no row ever ties a choice to a voter or a
    time."""

    __tablename__ = "dh_secret_tallies"
    __table_args__ = (
        UniqueConstraint("tenant_id", "vote_id", "choice"),
        CheckConstraint(_in("choice", CHOICES), name="choice_valid"),
        CheckConstraint("count >= 0", name="count_valid"),
    )

    vote_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_votes.id", ondelete="RESTRICT"), index=True
    )
    choice: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)


class Task(UUIDPrimaryKey, Timestamps, TenantOwned, Base):
    """An implementation task of a topic's result, with an owner and a due date."""

    __tablename__ = "dh_tasks"
    __table_args__ = (
        CheckConstraint(_in("status", TASK_STATUSES), name="status_valid"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_valid"),
    )

    topic_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_topics.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    owner_name: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    done_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class TaskUpdate(UUIDPrimaryKey, TenantOwned, Base):
    """A progress report on a task."""

    __tablename__ = "dh_task_updates"

    task_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_tasks.id", ondelete="RESTRICT"), index=True
    )
    progress: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(1000))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Evaluation(UUIDPrimaryKey, TenantOwned, Base):
    """A resident's satisfaction with a topic's implementation, 1 to 5, once per resident."""

    __tablename__ = "dh_evaluations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "topic_id", "user_id"),
        CheckConstraint("score >= 1 AND score <= 5", name="score_valid"),
    )

    topic_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("dh_topics.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(1000))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
