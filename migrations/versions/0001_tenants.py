"""The tenant tree.

Revision ID: 0001_tenants
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.orm import timestamp_columns
from core.rls import create_tenant_paths, drop_tenant_paths

revision: str = "0001_tenants"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("core",)
depends_on: str | Sequence[str] | None = None

json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("path", sa.String(2048), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=True),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=True),
        sa.Column("division_code", sa.String(12), nullable=True),
        sa.Column("division_year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("settings", json_type, nullable=False),
        *timestamp_columns(),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tenants.id"], name="fk_tenants_parent_id_tenants", ondelete="RESTRICT"
        ),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'archived')", name="ck_tenants_status_valid"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tenants"),
        sa.UniqueConstraint("path", name="uq_tenants_path"),
        sa.UniqueConstraint("slug", name="uq_tenants_slug"),
        sa.UniqueConstraint("division_code", name="uq_tenants_division_code"),
    )
    op.create_index("ix_tenants_parent_id", "tenants", ["parent_id"])
    op.create_index(
        "ix_tenants_path", "tenants", ["path"], postgresql_ops={"path": "text_pattern_ops"}
    )
    # The tree's ids and paths that the row-level-security policies read (core.rls), made with
    # the tree: a plugin's first revision depends on this one alone, and its policies name it.
    # 0009_tenant_paths makes the same in a database made before.
    create_tenant_paths(op)


def downgrade() -> None:
    drop_tenant_paths(op)
    op.drop_table("tenants")
