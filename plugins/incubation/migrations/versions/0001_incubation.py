"""Incubation: bases, staff, cohorts, incubatees and their stage history, the four chain
stages' records, mentors with pairings and meetings, benchmarks, projects, brand projects and
capacity scorecards; row-level security on every table.

Revision ID: inc_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from core import UTCDateTime, disable_tenant_rls, enable_tenant_rls

revision: str = "inc_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("incubation",)
depends_on: str | Sequence[str] | None = "0001_tenants"

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
"""Every table of the branch, in an order that respects the foreign keys."""


def upgrade() -> None:
    op.create_table(
        "inc_bases",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('district_base', 'town_centre')", name=op.f("ck_inc_bases_kind_valid")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_bases_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_bases")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_inc_bases_tenant_id_name")),
    )
    op.create_index(op.f("ix_inc_bases_tenant_id"), "inc_bases", ["tenant_id"], unique=False)
    op.create_table(
        "inc_brand_projects",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column(
            "figures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "organisations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_brand_projects_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_brand_projects")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_inc_brand_projects_tenant_id_name")),
    )
    op.create_index(
        op.f("ix_inc_brand_projects_tenant_id"), "inc_brand_projects", ["tenant_id"], unique=False
    )
    op.create_table(
        "inc_cohorts",
        sa.Column("base_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("intake_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_id"],
            ["inc_bases.id"],
            name=op.f("fk_inc_cohorts_base_id_inc_bases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_cohorts_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_cohorts")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_inc_cohorts_tenant_id_name")),
    )
    op.create_index(op.f("ix_inc_cohorts_base_id"), "inc_cohorts", ["base_id"], unique=False)
    op.create_index(op.f("ix_inc_cohorts_tenant_id"), "inc_cohorts", ["tenant_id"], unique=False)
    op.create_table(
        "inc_staff",
        sa.Column("base_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "role IN ('social_worker', 'expert', 'manager')", name=op.f("ck_inc_staff_role_valid")
        ),
        sa.ForeignKeyConstraint(
            ["base_id"],
            ["inc_bases.id"],
            name=op.f("fk_inc_staff_base_id_inc_bases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_staff_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_staff")),
    )
    op.create_index(op.f("ix_inc_staff_base_id"), "inc_staff", ["base_id"], unique=False)
    op.create_index(op.f("ix_inc_staff_tenant_id"), "inc_staff", ["tenant_id"], unique=False)
    op.create_table(
        "inc_incubatees",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("base_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_tenant_id", sa.Uuid(), nullable=True),
        sa.Column("centre_base_id", sa.Uuid(), nullable=True),
        sa.Column("leader_name", sa.String(length=100), nullable=True),
        sa.Column("admitted_on", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("stage_changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("exit_reason", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('organisation', 'town_centre')", name=op.f("ck_inc_incubatees_kind_valid")
        ),
        sa.CheckConstraint(
            "stage IN ('needs_survey', 'training', 'supervision', 'resource_matching', 'graduated', 'exited')",
            name=op.f("ck_inc_incubatees_stage_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["base_id"],
            ["inc_bases.id"],
            name=op.f("fk_inc_incubatees_base_id_inc_bases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["centre_base_id"],
            ["inc_bases.id"],
            name=op.f("fk_inc_incubatees_centre_base_id_inc_bases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["inc_cohorts.id"],
            name=op.f("fk_inc_incubatees_cohort_id_inc_cohorts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_incubatees_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_incubatees")),
        sa.UniqueConstraint(
            "tenant_id",
            "cohort_id",
            "organisation_name",
            name=op.f("uq_inc_incubatees_tenant_id_cohort_id_organisation_name"),
        ),
    )
    op.create_index(op.f("ix_inc_incubatees_base_id"), "inc_incubatees", ["base_id"], unique=False)
    op.create_index(
        op.f("ix_inc_incubatees_cohort_id"), "inc_incubatees", ["cohort_id"], unique=False
    )
    op.create_index(
        op.f("ix_inc_incubatees_tenant_id"), "inc_incubatees", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_inc_incubatees_tenant_id_organisation_id",
        "inc_incubatees",
        ["tenant_id", "organisation_id"],
        unique=False,
    )
    op.create_table(
        "inc_mentors",
        sa.Column("base_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_id"],
            ["inc_bases.id"],
            name=op.f("fk_inc_mentors_base_id_inc_bases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["inc_staff.id"],
            name=op.f("fk_inc_mentors_staff_id_inc_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_mentors_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_mentors")),
    )
    op.create_index(op.f("ix_inc_mentors_base_id"), "inc_mentors", ["base_id"], unique=False)
    op.create_index(op.f("ix_inc_mentors_tenant_id"), "inc_mentors", ["tenant_id"], unique=False)
    op.create_table(
        "inc_benchmarks",
        sa.Column("base_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("incubatee_id", sa.Uuid(), nullable=True),
        sa.Column("designated_on", sa.Date(), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column(
            "highlights",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_id"],
            ["inc_bases.id"],
            name=op.f("fk_inc_benchmarks_base_id_inc_bases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_benchmarks_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_benchmarks_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_benchmarks")),
        sa.UniqueConstraint(
            "tenant_id",
            "organisation_name",
            name=op.f("uq_inc_benchmarks_tenant_id_organisation_name"),
        ),
    )
    op.create_index(op.f("ix_inc_benchmarks_base_id"), "inc_benchmarks", ["base_id"], unique=False)
    op.create_index(
        op.f("ix_inc_benchmarks_tenant_id"), "inc_benchmarks", ["tenant_id"], unique=False
    )
    op.create_table(
        "inc_mentorships",
        sa.Column("mentor_id", sa.Uuid(), nullable=False),
        sa.Column("incubatee_id", sa.Uuid(), nullable=False),
        sa.Column("leader_name", sa.String(length=100), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_mentorships_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["inc_mentors.id"],
            name=op.f("fk_inc_mentorships_mentor_id_inc_mentors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_mentorships_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_mentorships")),
    )
    op.create_index(
        op.f("ix_inc_mentorships_mentor_id"), "inc_mentorships", ["mentor_id"], unique=False
    )
    op.create_index(
        op.f("ix_inc_mentorships_tenant_id"), "inc_mentorships", ["tenant_id"], unique=False
    )
    op.create_index(
        "uq_inc_mentorships_open_incubatee",
        "inc_mentorships",
        ["incubatee_id"],
        unique=True,
        sqlite_where=sa.text("ended_on IS NULL"),
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    op.create_index(
        "uq_inc_mentorships_open_mentor",
        "inc_mentorships",
        ["mentor_id"],
        unique=True,
        sqlite_where=sa.text("ended_on IS NULL"),
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    op.create_table(
        "inc_projects",
        sa.Column("incubatee_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("funding_application_id", sa.Uuid(), nullable=True),
        sa.Column("funding_reference", sa.String(length=100), nullable=True),
        sa.Column("approved_fen", sa.BigInteger(), nullable=True),
        sa.Column("funder_name", sa.String(length=200), nullable=True),
        sa.Column("approved_event_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "approved_fen IS NULL OR approved_fen >= 0", name=op.f("ck_inc_projects_approved_valid")
        ),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_projects_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_projects_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_projects")),
        sa.UniqueConstraint(
            "tenant_id",
            "funding_application_id",
            name=op.f("uq_inc_projects_tenant_id_funding_application_id"),
        ),
    )
    op.create_index(
        op.f("ix_inc_projects_incubatee_id"), "inc_projects", ["incubatee_id"], unique=False
    )
    op.create_index(op.f("ix_inc_projects_tenant_id"), "inc_projects", ["tenant_id"], unique=False)
    op.create_table(
        "inc_resource_matches",
        sa.Column("incubatee_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("matched_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('charity_resource', 'funding_call', 'enterprise_support')",
            name=op.f("ck_inc_resource_matches_kind_valid"),
        ),
        sa.CheckConstraint(
            "outcome IN ('offered', 'secured', 'declined')",
            name=op.f("ck_inc_resource_matches_outcome_valid"),
        ),
        sa.CheckConstraint(
            "source IN ('manual', 'funding_event')",
            name=op.f("ck_inc_resource_matches_source_valid"),
        ),
        sa.CheckConstraint(
            "amount_fen IS NULL OR amount_fen >= 0",
            name=op.f("ck_inc_resource_matches_amount_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_resource_matches_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_resource_matches_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_resource_matches")),
        sa.UniqueConstraint(
            "incubatee_id", "event_id", name=op.f("uq_inc_resource_matches_incubatee_id_event_id")
        ),
    )
    op.create_index(
        op.f("ix_inc_resource_matches_incubatee_id"),
        "inc_resource_matches",
        ["incubatee_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_inc_resource_matches_tenant_id"),
        "inc_resource_matches",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "inc_scorecards",
        sa.Column("incubatee_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scored_on", sa.Date(), nullable=False),
        sa.Column(
            "scores",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column(
            "rubric",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("scored_by", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('intake', 'graduation')", name=op.f("ck_inc_scorecards_kind_valid")
        ),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_scorecards_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_scorecards_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_scorecards")),
        sa.UniqueConstraint(
            "incubatee_id", "kind", name=op.f("uq_inc_scorecards_incubatee_id_kind")
        ),
    )
    op.create_index(
        op.f("ix_inc_scorecards_incubatee_id"), "inc_scorecards", ["incubatee_id"], unique=False
    )
    op.create_index(
        op.f("ix_inc_scorecards_tenant_id"), "inc_scorecards", ["tenant_id"], unique=False
    )
    op.create_table(
        "inc_stage_changes",
        sa.Column("incubatee_id", sa.Uuid(), nullable=False),
        sa.Column("from_stage", sa.String(length=24), nullable=True),
        sa.Column("to_stage", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column(
            "missing",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_stage_changes_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_stage_changes_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_stage_changes")),
    )
    op.create_index(
        op.f("ix_inc_stage_changes_incubatee_id"),
        "inc_stage_changes",
        ["incubatee_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_inc_stage_changes_tenant_id"), "inc_stage_changes", ["tenant_id"], unique=False
    )
    op.create_table(
        "inc_supervision_visits",
        sa.Column("incubatee_id", sa.Uuid(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(length=100), nullable=False),
        sa.Column(
            "issues",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "follow_ups",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_supervision_visits_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_supervision_visits_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_supervision_visits")),
    )
    op.create_index(
        op.f("ix_inc_supervision_visits_incubatee_id"),
        "inc_supervision_visits",
        ["incubatee_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_inc_supervision_visits_tenant_id"),
        "inc_supervision_visits",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "inc_surveys",
        sa.Column("incubatee_id", sa.Uuid(), nullable=False),
        sa.Column("surveyed_on", sa.Date(), nullable=False),
        sa.Column("surveyor", sa.String(length=100), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_surveys_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_surveys_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_surveys")),
    )
    op.create_index(
        op.f("ix_inc_surveys_incubatee_id"), "inc_surveys", ["incubatee_id"], unique=False
    )
    op.create_index(op.f("ix_inc_surveys_tenant_id"), "inc_surveys", ["tenant_id"], unique=False)
    op.create_table(
        "inc_trainings",
        sa.Column("incubatee_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "courses",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "sessions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incubatee_id"],
            ["inc_incubatees.id"],
            name=op.f("fk_inc_trainings_incubatee_id_inc_incubatees"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_trainings_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_trainings")),
    )
    op.create_index(
        op.f("ix_inc_trainings_incubatee_id"), "inc_trainings", ["incubatee_id"], unique=False
    )
    op.create_index(
        op.f("ix_inc_trainings_tenant_id"), "inc_trainings", ["tenant_id"], unique=False
    )
    op.create_table(
        "inc_mentor_meetings",
        sa.Column("mentorship_id", sa.Uuid(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["inc_mentorships.id"],
            name=op.f("fk_inc_mentor_meetings_mentorship_id_inc_mentorships"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_inc_mentor_meetings_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inc_mentor_meetings")),
    )
    op.create_index(
        op.f("ix_inc_mentor_meetings_mentorship_id"),
        "inc_mentor_meetings",
        ["mentorship_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_inc_mentor_meetings_tenant_id"), "inc_mentor_meetings", ["tenant_id"], unique=False
    )
    for table in TABLES:
        enable_tenant_rls(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        disable_tenant_rls(op, table)
        op.drop_table(table)
