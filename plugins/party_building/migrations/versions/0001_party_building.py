"""Party-building: party organisations and the units they cover, instructors, members and
their transfers, pioneer teams with their activities and person-times, meetings, supervision
visits with follow-ups, trainings, and work plans with indicators and progress; row-level
security on every table.

Revision ID: pb_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core import disable_tenant_rls, enable_tenant_rls, timestamp_columns

revision: str = "pb_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("party-building",)
depends_on: str | Sequence[str] | None = "0001_tenants"

json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")

TABLES = (
    "pb_instructors",
    "pb_organisations",
    "pb_trainings",
    "pb_work_plans",
    "pb_covered_units",
    "pb_meetings",
    "pb_members",
    "pb_pioneer_teams",
    "pb_plan_indicators",
    "pb_supervision_visits",
    "pb_follow_ups",
    "pb_indicator_progress",
    "pb_member_transfers",
    "pb_team_activities",
    "pb_team_services",
)
ANCESTORS_READ = ("pb_organisations", "pb_work_plans", "pb_plan_indicators")
"""A branch sees the party bodies above it (to name its parent), and a tenant the plans above
it (templates to copy); the services narrow plans to templates."""


def upgrade() -> None:
    op.create_table(
        "pb_instructors",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_instructors_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_instructors")),
        sa.UniqueConstraint(
            "tenant_id",
            "organisation_name",
            "name",
            name=op.f("uq_pb_instructors_tenant_id_organisation_name_name"),
        ),
    )
    op.create_index(
        op.f("ix_pb_instructors_organisation_id"),
        "pb_instructors",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pb_instructors_tenant_id"), "pb_instructors", ["tenant_id"], unique=False
    )
    op.create_table(
        "pb_organisations",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("secretary_name", sa.String(length=100), nullable=True),
        sa.Column("secretary_user_id", sa.Uuid(), nullable=True),
        sa.Column("has_committee", sa.Boolean(), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('committee', 'general_branch', 'branch', 'joint_branch', 'group')",
            name=op.f("ck_pb_organisations_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["pb_organisations.id"],
            name=op.f("fk_pb_organisations_parent_id_pb_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_organisations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_organisations")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_pb_organisations_tenant_id_name")),
    )
    op.create_index(
        op.f("ix_pb_organisations_parent_id"), "pb_organisations", ["parent_id"], unique=False
    )
    op.create_index(
        op.f("ix_pb_organisations_tenant_id"), "pb_organisations", ["tenant_id"], unique=False
    )
    op.create_table(
        "pb_trainings",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("trainer", sa.String(length=100), nullable=False),
        sa.Column("invited_count", sa.Integer(), nullable=False),
        sa.Column("attended_count", sa.Integer(), nullable=False),
        sa.Column("attendee_names", json_type, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "invited_count >= 0 AND attended_count >= 0", name=op.f("ck_pb_trainings_counts_valid")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_trainings_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_trainings")),
    )
    op.create_index(op.f("ix_pb_trainings_tenant_id"), "pb_trainings", ["tenant_id"], unique=False)
    op.create_table(
        "pb_work_plans",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=100), nullable=False),
        sa.Column("pillars", json_type, nullable=False),
        sa.Column("is_template", sa.Boolean(), nullable=False),
        sa.Column("copied_from_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_work_plans_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_work_plans")),
        sa.UniqueConstraint(
            "tenant_id", "year", "title", name=op.f("uq_pb_work_plans_tenant_id_year_title")
        ),
    )
    op.create_index(
        op.f("ix_pb_work_plans_tenant_id"), "pb_work_plans", ["tenant_id"], unique=False
    )
    op.create_table(
        "pb_covered_units",
        sa.Column("party_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_organisation_id"],
            ["pb_organisations.id"],
            name=op.f("fk_pb_covered_units_party_organisation_id_pb_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_covered_units_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_covered_units")),
        sa.UniqueConstraint(
            "tenant_id",
            "party_organisation_id",
            "organisation_name",
            name=op.f("uq_pb_covered_units_tenant_id_party_organisation_id_organisation_name"),
        ),
    )
    op.create_index(
        op.f("ix_pb_covered_units_organisation_id"),
        "pb_covered_units",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pb_covered_units_party_organisation_id"),
        "pb_covered_units",
        ["party_organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pb_covered_units_tenant_id"), "pb_covered_units", ["tenant_id"], unique=False
    )
    op.create_table(
        "pb_meetings",
        sa.Column("party_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("attendee_ids", json_type, nullable=False),
        sa.Column("attendees_count", sa.Integer(), nullable=False),
        sa.Column("full_members_count", sa.Integer(), nullable=False),
        sa.Column("quorum_met", sa.Boolean(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "type IN ('party_assembly', 'branch_committee', 'group_meeting', 'party_lesson', 'theme_day')",
            name=op.f("ck_pb_meetings_type_valid"),
        ),
        sa.CheckConstraint("attendees_count >= 0", name=op.f("ck_pb_meetings_attendees_valid")),
        sa.ForeignKeyConstraint(
            ["party_organisation_id"],
            ["pb_organisations.id"],
            name=op.f("fk_pb_meetings_party_organisation_id_pb_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_meetings_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_meetings")),
    )
    op.create_index(
        op.f("ix_pb_meetings_party_organisation_id"),
        "pb_meetings",
        ["party_organisation_id"],
        unique=False,
    )
    op.create_index(op.f("ix_pb_meetings_tenant_id"), "pb_meetings", ["tenant_id"], unique=False)
    op.create_table(
        "pb_members",
        sa.Column("party_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("id_number", sa.String(length=32), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("converted_on", sa.Date(), nullable=True),
        sa.Column("show_identity", sa.Boolean(), nullable=False),
        sa.Column("model_post", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status <> 'full' OR converted_on IS NOT NULL",
            name=op.f("ck_pb_members_full_has_conversion_date"),
        ),
        sa.CheckConstraint(
            "status IN ('probationary', 'full', 'left')", name=op.f("ck_pb_members_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["party_organisation_id"],
            ["pb_organisations.id"],
            name=op.f("fk_pb_members_party_organisation_id_pb_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_members_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_members")),
    )
    op.create_index(
        op.f("ix_pb_members_party_organisation_id"),
        "pb_members",
        ["party_organisation_id"],
        unique=False,
    )
    op.create_index(op.f("ix_pb_members_tenant_id"), "pb_members", ["tenant_id"], unique=False)
    op.create_index(op.f("ix_pb_members_user_id"), "pb_members", ["user_id"], unique=False)
    op.create_table(
        "pb_pioneer_teams",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("leader_name", sa.String(length=100), nullable=False),
        sa.Column("party_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("member_ids", json_type, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_organisation_id"],
            ["pb_organisations.id"],
            name=op.f("fk_pb_pioneer_teams_party_organisation_id_pb_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_pioneer_teams_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_pioneer_teams")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_pb_pioneer_teams_tenant_id_name")),
    )
    op.create_index(
        op.f("ix_pb_pioneer_teams_tenant_id"), "pb_pioneer_teams", ["tenant_id"], unique=False
    )
    op.create_table(
        "pb_plan_indicators",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("pillar", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "target > 0 AND progress >= 0", name=op.f("ck_pb_plan_indicators_target_valid")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["pb_work_plans.id"],
            name=op.f("fk_pb_plan_indicators_plan_id_pb_work_plans"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_plan_indicators_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_plan_indicators")),
        sa.UniqueConstraint(
            "tenant_id",
            "plan_id",
            "name",
            name=op.f("uq_pb_plan_indicators_tenant_id_plan_id_name"),
        ),
    )
    op.create_index(
        op.f("ix_pb_plan_indicators_plan_id"), "pb_plan_indicators", ["plan_id"], unique=False
    )
    op.create_index(
        op.f("ix_pb_plan_indicators_tenant_id"), "pb_plan_indicators", ["tenant_id"], unique=False
    )
    op.create_table(
        "pb_supervision_visits",
        sa.Column("party_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("visited_unit", sa.String(length=200), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("supervisor", sa.String(length=100), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_organisation_id"],
            ["pb_organisations.id"],
            name=op.f("fk_pb_supervision_visits_party_organisation_id_pb_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_supervision_visits_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_supervision_visits")),
    )
    op.create_index(
        op.f("ix_pb_supervision_visits_party_organisation_id"),
        "pb_supervision_visits",
        ["party_organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pb_supervision_visits_tenant_id"),
        "pb_supervision_visits",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "pb_follow_ups",
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status <> 'done' OR done_on IS NOT NULL", name=op.f("ck_pb_follow_ups_done_dated")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'done')", name=op.f("ck_pb_follow_ups_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_follow_ups_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["pb_supervision_visits.id"],
            name=op.f("fk_pb_follow_ups_visit_id_pb_supervision_visits"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_follow_ups")),
    )
    op.create_index(
        op.f("ix_pb_follow_ups_tenant_id"), "pb_follow_ups", ["tenant_id"], unique=False
    )
    op.create_index(op.f("ix_pb_follow_ups_visit_id"), "pb_follow_ups", ["visit_id"], unique=False)
    op.create_table(
        "pb_indicator_progress",
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_pb_indicator_progress_amount_positive")),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["pb_plan_indicators.id"],
            name=op.f("fk_pb_indicator_progress_indicator_id_pb_plan_indicators"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_indicator_progress_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_indicator_progress")),
    )
    op.create_index(
        op.f("ix_pb_indicator_progress_indicator_id"),
        "pb_indicator_progress",
        ["indicator_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pb_indicator_progress_tenant_id"),
        "pb_indicator_progress",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "pb_member_transfers",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("from_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("to_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_organisation_id"],
            ["pb_organisations.id"],
            name=op.f("fk_pb_member_transfers_from_organisation_id_pb_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["pb_members.id"],
            name=op.f("fk_pb_member_transfers_member_id_pb_members"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_member_transfers_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["pb_organisations.id"],
            name=op.f("fk_pb_member_transfers_to_organisation_id_pb_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_member_transfers")),
    )
    op.create_index(
        op.f("ix_pb_member_transfers_member_id"), "pb_member_transfers", ["member_id"], unique=False
    )
    op.create_index(
        op.f("ix_pb_member_transfers_tenant_id"), "pb_member_transfers", ["tenant_id"], unique=False
    )
    op.create_table(
        "pb_team_activities",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["pb_pioneer_teams.id"],
            name=op.f("fk_pb_team_activities_team_id_pb_pioneer_teams"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_team_activities_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_team_activities")),
        sa.UniqueConstraint(
            "tenant_id",
            "team_id",
            "activity_id",
            name=op.f("uq_pb_team_activities_tenant_id_team_id_activity_id"),
        ),
    )
    op.create_index(
        op.f("ix_pb_team_activities_activity_id"),
        "pb_team_activities",
        ["activity_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pb_team_activities_team_id"), "pb_team_activities", ["team_id"], unique=False
    )
    op.create_index(
        op.f("ix_pb_team_activities_tenant_id"), "pb_team_activities", ["tenant_id"], unique=False
    )
    op.create_table(
        "pb_team_services",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("member_person_times", sa.Integer(), nullable=False),
        sa.Column("other_person_times", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "source = 'manual' OR event_id IS NOT NULL",
            name=op.f("ck_pb_team_services_event_credit_named"),
        ),
        sa.CheckConstraint(
            "source IN ('event', 'manual')", name=op.f("ck_pb_team_services_source_valid")
        ),
        sa.CheckConstraint(
            "member_person_times >= 0 AND other_person_times >= 0",
            name=op.f("ck_pb_team_services_person_times_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["pb_pioneer_teams.id"],
            name=op.f("fk_pb_team_services_team_id_pb_pioneer_teams"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pb_team_services_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_team_services")),
        sa.UniqueConstraint(
            "tenant_id",
            "team_id",
            "event_id",
            name=op.f("uq_pb_team_services_tenant_id_team_id_event_id"),
        ),
    )
    op.create_index(
        op.f("ix_pb_team_services_team_id"), "pb_team_services", ["team_id"], unique=False
    )
    op.create_index(
        op.f("ix_pb_team_services_tenant_id"), "pb_team_services", ["tenant_id"], unique=False
    )
    for table in TABLES:
        enable_tenant_rls(op, table, ancestors_read=table in ANCESTORS_READ)


def downgrade() -> None:
    for table in TABLES:
        disable_tenant_rls(op, table)
    op.drop_table("pb_team_services")
    op.drop_table("pb_team_activities")
    op.drop_table("pb_member_transfers")
    op.drop_table("pb_indicator_progress")
    op.drop_table("pb_follow_ups")
    op.drop_table("pb_supervision_visits")
    op.drop_table("pb_plan_indicators")
    op.drop_table("pb_pioneer_teams")
    op.drop_table("pb_members")
    op.drop_table("pb_meetings")
    op.drop_table("pb_covered_units")
    op.drop_table("pb_work_plans")
    op.drop_table("pb_trainings")
    op.drop_table("pb_organisations")
    op.drop_table("pb_instructors")
