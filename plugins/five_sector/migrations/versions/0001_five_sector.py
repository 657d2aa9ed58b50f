"""Five-sector linkage: organisations, social workers, volunteers and their ledger, activities,
charity resources and allocations, community pairings.

Revision ID: fs_0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core import timestamp_columns

revision: str = "fs_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("five-sector",)
depends_on: str | Sequence[str] | None = "0001_tenants"

json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "fs_organisations",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("filing_number", sa.String(length=64), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("filing_expires_on", sa.Date(), nullable=True),
        sa.Column("founders_count", sa.Integer(), nullable=False),
        sa.Column("members_count", sa.Integer(), nullable=False),
        sa.Column("charter_document", sa.String(length=500), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=True),
        sa.Column("brand_project", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('social_group', 'social_service_agency', 'foundation', 'community')",
            name=op.f("ck_fs_organisations_kind_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('incubating', 'filed', 'registered', 'suspended', 'dissolved')",
            name=op.f("ck_fs_organisations_status_valid"),
        ),
        sa.CheckConstraint(
            "founders_count >= 0 AND members_count >= 0",
            name=op.f("ck_fs_organisations_counts_valid"),
        ),
        sa.CheckConstraint(
            "rating IS NULL OR (rating >= 1 AND rating <= 5)",
            name=op.f("ck_fs_organisations_rating_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_organisations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_organisations")),
        sa.UniqueConstraint(
            "tenant_id", "filing_number", name=op.f("uq_fs_organisations_tenant_id_filing_number")
        ),
        sa.UniqueConstraint("tenant_id", "uscc", name=op.f("uq_fs_organisations_tenant_id_uscc")),
    )
    op.create_index(
        op.f("ix_fs_organisations_tenant_id"), "fs_organisations", ["tenant_id"], unique=False
    )
    op.create_table(
        "fs_pairings",
        sa.Column("urban_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("rural_tenant_id", sa.Uuid(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("goals", json_type, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "urban_tenant_id <> rural_tenant_id", name=op.f("ck_fs_pairings_distinct_parties")
        ),
        sa.ForeignKeyConstraint(
            ["rural_tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_pairings_rural_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_pairings_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["urban_tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_pairings_urban_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_pairings")),
        sa.UniqueConstraint(
            "tenant_id",
            "urban_tenant_id",
            "rural_tenant_id",
            name=op.f("uq_fs_pairings_tenant_id_urban_tenant_id_rural_tenant_id"),
        ),
    )
    op.create_index(
        op.f("ix_fs_pairings_rural_tenant_id"), "fs_pairings", ["rural_tenant_id"], unique=False
    )
    op.create_index(op.f("ix_fs_pairings_tenant_id"), "fs_pairings", ["tenant_id"], unique=False)
    op.create_index(
        op.f("ix_fs_pairings_urban_tenant_id"), "fs_pairings", ["urban_tenant_id"], unique=False
    )
    op.create_table(
        "fs_social_workers",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("certificate_level", sa.String(length=16), nullable=False),
        sa.Column("certificate_number", sa.String(length=64), nullable=True),
        sa.Column("served_tenant_ids", json_type, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "certificate_level IN ('assistant', 'social_worker', 'senior', 'none')",
            name=op.f("ck_fs_social_workers_level_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_social_workers_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_social_workers")),
    )
    op.create_index(
        op.f("ix_fs_social_workers_tenant_id"), "fs_social_workers", ["tenant_id"], unique=False
    )
    op.create_table(
        "fs_volunteers",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("volunteer_number", sa.String(length=64), nullable=False),
        sa.Column("id_type", sa.String(length=32), nullable=True),
        sa.Column("id_number", sa.String(length=64), nullable=True),
        sa.Column("skills", json_type, nullable=False),
        sa.Column("served_tenant_ids", json_type, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_volunteers_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_volunteers")),
        sa.UniqueConstraint(
            "tenant_id",
            "volunteer_number",
            name=op.f("uq_fs_volunteers_tenant_id_volunteer_number"),
        ),
    )
    op.create_index(
        op.f("ix_fs_volunteers_tenant_id"), "fs_volunteers", ["tenant_id"], unique=False
    )
    op.create_index(op.f("ix_fs_volunteers_user_id"), "fs_volunteers", ["user_id"], unique=False)
    op.create_table(
        "fs_activities",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("organiser_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("pairing_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("person_times", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'closed')", name=op.f("ck_fs_activities_status_valid")
        ),
        sa.CheckConstraint(
            "capacity IS NULL OR capacity > 0", name=op.f("ck_fs_activities_capacity_valid")
        ),
        sa.CheckConstraint("person_times >= 0", name=op.f("ck_fs_activities_person_times_valid")),
        sa.ForeignKeyConstraint(
            ["organiser_organisation_id"],
            ["fs_organisations.id"],
            name=op.f("fk_fs_activities_organiser_organisation_id_fs_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["fs_pairings.id"],
            name=op.f("fk_fs_activities_pairing_id_fs_pairings"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_activities_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_activities")),
    )
    op.create_index(
        op.f("ix_fs_activities_organiser_organisation_id"),
        "fs_activities",
        ["organiser_organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_fs_activities_pairing_id"), "fs_activities", ["pairing_id"], unique=False
    )
    op.create_index(
        op.f("ix_fs_activities_tenant_id"), "fs_activities", ["tenant_id"], unique=False
    )
    op.create_table(
        "fs_charity_resources",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("donor_kind", sa.String(length=16), nullable=False),
        sa.Column("donor_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *timestamp_columns(),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "donor_kind IN ('enterprise', 'foundation', 'person')",
            name=op.f("ck_fs_charity_resources_donor_kind_valid"),
        ),
        sa.CheckConstraint(
            "kind IN ('money', 'goods', 'space', 'service')",
            name=op.f("ck_fs_charity_resources_kind_valid"),
        ),
        sa.CheckConstraint(
            "balance >= 0 AND balance <= quantity",
            name=op.f("ck_fs_charity_resources_balance_valid"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_fs_charity_resources_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["fs_organisations.id"],
            name=op.f("fk_fs_charity_resources_organisation_id_fs_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_charity_resources_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_charity_resources")),
    )
    op.create_index(
        op.f("ix_fs_charity_resources_tenant_id"),
        "fs_charity_resources",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "fs_org_status_changes",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["fs_organisations.id"],
            name=op.f("fk_fs_org_status_changes_organisation_id_fs_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_org_status_changes_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_org_status_changes")),
    )
    op.create_index(
        op.f("ix_fs_org_status_changes_organisation_id"),
        "fs_org_status_changes",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_fs_org_status_changes_tenant_id"),
        "fs_org_status_changes",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "fs_activity_participants",
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("signed_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "role IN ('volunteer', 'beneficiary')",
            name=op.f("ck_fs_activity_participants_role_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["fs_activities.id"],
            name=op.f("fk_fs_activity_participants_activity_id_fs_activities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_activity_participants_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["fs_volunteers.id"],
            name=op.f("fk_fs_activity_participants_volunteer_id_fs_volunteers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_activity_participants")),
        sa.UniqueConstraint(
            "tenant_id",
            "activity_id",
            "volunteer_id",
            name=op.f("uq_fs_activity_participants_tenant_id_activity_id_volunteer_id"),
        ),
    )
    op.create_index(
        op.f("ix_fs_activity_participants_activity_id"),
        "fs_activity_participants",
        ["activity_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_fs_activity_participants_tenant_id"),
        "fs_activity_participants",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "fs_allocations",
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.Column("project", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "activity_id IS NOT NULL OR project IS NOT NULL",
            name=op.f("ck_fs_allocations_target_given"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_fs_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["fs_activities.id"],
            name=op.f("fk_fs_allocations_activity_id_fs_activities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["fs_charity_resources.id"],
            name=op.f("fk_fs_allocations_resource_id_fs_charity_resources"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_allocations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_allocations")),
    )
    op.create_index(
        op.f("ix_fs_allocations_resource_id"), "fs_allocations", ["resource_id"], unique=False
    )
    op.create_index(
        op.f("ix_fs_allocations_tenant_id"), "fs_allocations", ["tenant_id"], unique=False
    )
    op.create_table(
        "fs_service_entries",
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("content", sa.String(length=500), nullable=False),
        sa.Column("verified_by", sa.String(length=100), nullable=False),
        sa.Column("reverses_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'credit' AND minutes > 0 AND minutes <= 1440 AND reverses_id IS NULL) OR (kind = 'reversal' AND minutes < 0 AND minutes >= -1440 AND reverses_id IS NOT NULL)",
            name=op.f("ck_fs_service_entries_minutes_valid"),
        ),
        sa.CheckConstraint(
            "kind IN ('credit', 'reversal')", name=op.f("ck_fs_service_entries_kind_valid")
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["fs_activities.id"],
            name=op.f("fk_fs_service_entries_activity_id_fs_activities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["fs_service_entries.id"],
            name=op.f("fk_fs_service_entries_reverses_id_fs_service_entries"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fs_service_entries_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["fs_volunteers.id"],
            name=op.f("fk_fs_service_entries_volunteer_id_fs_volunteers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fs_service_entries")),
        sa.UniqueConstraint(
            "tenant_id",
            "activity_id",
            "volunteer_id",
            "kind",
            name=op.f("uq_fs_service_entries_tenant_id_activity_id_volunteer_id_kind"),
        ),
        sa.UniqueConstraint(
            "tenant_id", "reverses_id", name=op.f("uq_fs_service_entries_tenant_id_reverses_id")
        ),
    )
    op.create_index(
        op.f("ix_fs_service_entries_tenant_id"), "fs_service_entries", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_fs_service_entries_volunteer_id"),
        "fs_service_entries",
        ["volunteer_id"],
        unique=False,
    )


def downgrade() -> None:
    for table in (
        "fs_allocations",
        "fs_service_entries",
        "fs_activity_participants",
        "fs_charity_resources",
        "fs_activities",
        "fs_volunteers",
        "fs_social_workers",
        "fs_pairings",
        "fs_org_status_changes",
        "fs_organisations",
    ):
        op.drop_table(table)
