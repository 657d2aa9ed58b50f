"""The ledger's ``(tenant_id, minutes)`` index also carries ``activity_id``, the other column its
read policy tests, so a roll-up under row-level security totals a subtree's hours from the
index alone, as it did without the policy.

The policy admits a row by its tenant or by its activity (``fs_0002``); PostgreSQL may answer
a scan from the index only when every column of the query and of the policy is in it, so with
``(tenant_id, minutes)`` the app role fetched every entry's table page: a district's 3,500
entries at 1 % scale lie on 1,724 pages (see docs/benchmarks.md, ``make bench-scale``).

Revision ID: fs_0005
Revises: fs_0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "fs_0005"
down_revision: str | Sequence[str] | None = "fs_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_fs_service_entries_tenant_id_minutes"
TABLE = "fs_service_entries"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(
        INDEX, TABLE, ["tenant_id", "minutes"], unique=False, postgresql_include=["activity_id"]
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, ["tenant_id", "minutes"], unique=False)
