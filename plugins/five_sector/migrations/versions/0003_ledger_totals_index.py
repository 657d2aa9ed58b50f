"""Ledger totals per tenant from the index alone: ``(tenant_id, minutes)`` on the service-hours
ledger, so a roll-up over a province sums its entries by index-only scans instead of reading the
whole table (measured by ``make bench-scale``; see docs/benchmarks.md).

Revision ID: fs_0003
Revises: fs_0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "fs_0003"
down_revision: str | Sequence[str] | None = "fs_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_fs_service_entries_tenant_id_minutes",
        "fs_service_entries",
        ["tenant_id", "minutes"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_fs_service_entries_tenant_id_minutes", table_name="fs_service_entries")
