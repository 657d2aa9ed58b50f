"""The plugin host: module policies and choices, the state version, the event outbox.

Revision ID: 0003_modules
Revises: 0002_identity
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.orm import timestamp_columns

revision: str = "0003_modules"
down_revision: str | Sequence[str] | None = "0002_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "module_policies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("module", sa.String(40), nullable=False),
        sa.Column("policy", sa.String(16), nullable=False),
        *timestamp_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_module_policies"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name="fk_module_policies_tenant_id_tenants",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("tenant_id", "module", name="uq_module_policies_tenant_id_module"),
        sa.CheckConstraint(
            "policy IN ('required', 'allowed', 'forbidden')", name="ck_module_policies_policy_valid"
        ),
    )
    op.create_table(
        "module_choices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("module", sa.String(40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        *timestamp_columns(),
        sa.PrimaryKeyConstraint("id", name="pk_module_choices"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name="fk_module_choices_tenant_id_tenants",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("tenant_id", "module", name="uq_module_choices_tenant_id_module"),
    )
    version = op.create_table(
        "module_state_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_module_state_version"),
    )
    op.bulk_insert(version, [{"id": 1, "version": 0}])
    op.create_table(
        "event_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("payload", json_type, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_event_outbox"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name="fk_event_outbox_tenant_id_tenants",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_event_outbox_tenant_id", "event_outbox", ["tenant_id"])
    op.create_index("ix_event_outbox_pending", "event_outbox", ["dispatched_at", "created_at"])


def downgrade() -> None:
    op.drop_table("event_outbox")
    op.drop_table("module_state_version")
    op.drop_table("module_choices")
    op.drop_table("module_policies")
