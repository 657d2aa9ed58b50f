"""The activities' ``tenant_id`` index also carries ``status``, ``person_times`` and
``pairing_id``, so a roll-up under row-level security counts a subtree's activities and their
person-times from the index alone.

The activity metrics read ``status`` and ``person_times`` and the table's read policy tests
``pairing_id`` (``fs_0002``); PostgreSQL answers a scan from the index only when every column
of the query and of the policy is in it, so the app role fetched every activity's table page for a province's 26,675–33,350
activities per metric (see docs/benchmarks.md, ``make bench-scale``).

Revision ID: fs_0006
Revises: fs_0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "fs_0006"
down_revision: str | Sequence[str] | None = "fs_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_fs_activities_tenant_id"
TABLE = "fs_activities"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(
        INDEX,
        TABLE,
        ["tenant_id"],
        unique=False,
        postgresql_include=["status", "person_times", "pairing_id"],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, ["tenant_id"], unique=False)
