"""Deliberation hall: topics and their transitions and escalations, sessions and
representatives, votes with ballots and secret tallies, tasks and their updates, evaluations;
row-level security on every table.

Revision ID: dh_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from core import disable_tenant_rls, enable_tenant_rls, timestamp_columns

revision: str = "dh_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("deliberation-hall",)
depends_on: str | Sequence[str] | None = "0001_tenants"

json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
UTC = sa.DateTime(timezone=True)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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
CHOICES = ("yes", "no", "abstain", "agree", "disagree", "block")
OUTCOMES = ("passed", "failed", "tie", "blocked", "no_quorum")


def _owned(table: str) -> list[Any]:
    """The id, the tenant column and its foreign key, as every table of the module has them."""
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f(f"fk_{table}_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="RESTRICT"
    )


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


TABLES = (
    "dh_topics",
    "dh_transitions",
    "dh_escalations",
    "dh_sessions",
    "dh_representatives",
    "dh_votes",
    "dh_ballots",
    "dh_secret_tallies",
    "dh_tasks",
    "dh_task_updates",
    "dh_evaluations",
)


def upgrade() -> None:
    t = "dh_topics"
    op.create_table(
        t,
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("proposer_kind", sa.String(length=16), nullable=False),
        sa.Column("proposer_name", sa.String(length=200), nullable=False),
        sa.Column("proposer_contact", sa.String(length=100), nullable=True),
        sa.Column("proposer_user_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("cosigners", json_type, nullable=False),
        sa.Column("attachments", json_type, nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("handling_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("collected_at", UTC, nullable=False),
        sa.Column("published_at", UTC, nullable=True),
        sa.Column("result_published_at", UTC, nullable=True),
        sa.Column("result_summary", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        *timestamp_columns(),
        *_owned(t),
        sa.ForeignKeyConstraint(
            ["handling_tenant_id"],
            ["tenants.id"],
            name=op.f(f"fk_{t}_handling_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(_in("state", TOPIC_STATES), name=op.f(f"ck_{t}_state_valid")),
        sa.CheckConstraint(
            _in("proposer_kind", ("resident", "member", "staff", "organisation")),
            name=op.f(f"ck_{t}_proposer_kind_valid"),
        ),
    )
    _index(t, "tenant_id", "handling_tenant_id")

    t = "dh_transitions"
    op.create_table(
        t,
        sa.Column("topic_id", sa.Uuid(), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=False),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("acting_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        *_owned(t),
        _fk(t, "topic_id", "dh_topics"),
    )
    _index(t, "tenant_id", "topic_id")

    t = "dh_escalations"
    op.create_table(
        t,
        sa.Column("topic_id", sa.Uuid(), nullable=False),
        sa.Column("from_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("to_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("at", UTC, nullable=False),
        *_owned(t),
        _fk(t, "topic_id", "dh_topics"),
    )
    _index(t, "tenant_id", "topic_id")

    t = "dh_sessions"
    op.create_table(
        t,
        sa.Column("topic_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("convened_by_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("notice_published_at", UTC, nullable=True),
        sa.Column("representatives_published_at", UTC, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("held_at", UTC, nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        *timestamp_columns(),
        *_owned(t),
        _fk(t, "topic_id", "dh_topics"),
        sa.CheckConstraint(_in("kind", ("meeting", "hearing")), name=op.f(f"ck_{t}_kind_valid")),
        sa.CheckConstraint(_in("status", ("planned", "held")), name=op.f(f"ck_{t}_status_valid")),
    )
    _index(t, "tenant_id", "topic_id")

    t = "dh_representatives"
    op.create_table(
        t,
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("stakeholder", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("added_at", UTC, nullable=False),
        *_owned(t),
        _fk(t, "session_id", "dh_sessions"),
        sa.UniqueConstraint(
            "tenant_id", "session_id", "name", name=op.f(f"uq_{t}_tenant_id_session_id_name")
        ),
    )
    _index(t, "tenant_id", "session_id")

    t = "dh_votes"
    op.create_table(
        t,
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("topic_id", sa.Uuid(), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", UTC, nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("representatives", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=True),
        sa.Column("tally", json_type, nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        *timestamp_columns(),
        *_owned(t),
        _fk(t, "session_id", "dh_sessions"),
        _fk(t, "topic_id", "dh_topics"),
        sa.CheckConstraint(
            _in("method", ("majority", "two_thirds", "consent")),
            name=op.f(f"ck_{t}_method_valid"),
        ),
        sa.CheckConstraint(_in("status", ("open", "closed")), name=op.f(f"ck_{t}_status_valid")),
        sa.CheckConstraint(
            f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name=op.f(f"ck_{t}_outcome_valid")
        ),
    )
    _index(t, "tenant_id", "session_id", "topic_id")

    t = "dh_ballots"
    op.create_table(
        t,
        sa.Column("vote_id", sa.Uuid(), nullable=False),
        sa.Column("representative_id", sa.Uuid(), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=True),
        sa.Column("cast_at", UTC, nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        *_owned(t),
        _fk(t, "vote_id", "dh_votes"),
        _fk(t, "representative_id", "dh_representatives"),
        sa.UniqueConstraint(
            "tenant_id",
            "vote_id",
            "representative_id",
            name=op.f(f"uq_{t}_tenant_id_vote_id_representative_id"),
        ),
        sa.CheckConstraint(
            f"choice IS NULL OR {_in('choice', CHOICES)}", name=op.f(f"ck_{t}_choice_valid")
        ),
    )
    _index(t, "tenant_id", "vote_id")

    t = "dh_secret_tallies"
    op.create_table(
        t,
        sa.Column("vote_id", sa.Uuid(), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        *_owned(t),
        _fk(t, "vote_id", "dh_votes"),
        sa.UniqueConstraint(
            "tenant_id", "vote_id", "choice", name=op.f(f"uq_{t}_tenant_id_vote_id_choice")
        ),
        sa.CheckConstraint(_in("choice", CHOICES), name=op.f(f"ck_{t}_choice_valid")),
        sa.CheckConstraint("count >= 0", name=op.f(f"ck_{t}_count_valid")),
    )
    _index(t, "tenant_id", "vote_id")

    t = "dh_tasks"
    op.create_table(
        t,
        sa.Column("topic_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        *timestamp_columns(),
        *_owned(t),
        _fk(t, "topic_id", "dh_topics"),
        sa.CheckConstraint(_in("status", ("open", "done")), name=op.f(f"ck_{t}_status_valid")),
        sa.CheckConstraint(
            "progress >= 0 AND progress <= 100", name=op.f(f"ck_{t}_progress_valid")
        ),
    )
    _index(t, "tenant_id", "topic_id")

    t = "dh_task_updates"
    op.create_table(
        t,
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        *_owned(t),
        _fk(t, "task_id", "dh_tasks"),
    )
    _index(t, "tenant_id", "task_id")

    t = "dh_evaluations"
    op.create_table(
        t,
        sa.Column("topic_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("at", UTC, nullable=False),
        *_owned(t),
        _fk(t, "topic_id", "dh_topics"),
        sa.UniqueConstraint(
            "tenant_id", "topic_id", "user_id", name=op.f(f"uq_{t}_tenant_id_topic_id_user_id")
        ),
        sa.CheckConstraint("score >= 1 AND score <= 5", name=op.f(f"ck_{t}_score_valid")),
    )
    _index(t, "tenant_id", "topic_id")

    for table in TABLES:
        enable_tenant_rls(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_tenant_rls(op, table)
        op.drop_table(table)
