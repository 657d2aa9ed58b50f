"""Incubation: at most one incubatee in the chain per tenant and organisation, held by the
database (partial unique indexes: a directory organisation by id, one named plainly by name, a
town centre by its base), so two admissions racing each other cannot both succeed. Row-level
security is unchanged.

Revision ID: inc_0002
Revises: inc_0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "inc_0002"
down_revision: str | Sequence[str] | None = "inc_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_INCUBATION = "stage NOT IN ('graduated', 'exited')"
INDEXES = (
    (
        "uq_inc_incubatees_active_organisation",
        "organisation_id",
        f"{IN_INCUBATION} AND organisation_id IS NOT NULL",
    ),
    (
        "uq_inc_incubatees_active_name",
        "organisation_name",
        f"{IN_INCUBATION} AND organisation_id IS NULL AND centre_base_id IS NULL",
    ),
    (
        "uq_inc_incubatees_active_centre",
        "centre_base_id",
        f"{IN_INCUBATION} AND centre_base_id IS NOT NULL",
    ),
)


def upgrade() -> None:
    for name, column, where in INDEXES:
        op.create_index(
            name,
            "inc_incubatees",
            ["tenant_id", column],
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, _column, _where in reversed(INDEXES):
        op.drop_index(name, table_name="inc_incubatees")
