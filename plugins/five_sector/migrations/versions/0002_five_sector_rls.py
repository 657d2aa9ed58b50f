"""Row-level security on every five-sector table (PostgreSQL; nothing on SQLite).

A pairing is readable by both paired communities' subtrees as well as by the tenant that made
it. A joint activity belongs to the pairing's tenant but either party may read and add to it, so
activities are open wherever their pairing is visible, and participants and service entries
wherever their activity is.

Revision ID: fs_0002
Revises: fs_0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from core import disable_tenant_rls, enable_tenant_rls, in_context_subtree

revision: str = "fs_0002"
down_revision: str | Sequence[str] | None = "fs_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "fs_organisations",
    "fs_org_status_changes",
    "fs_social_workers",
    "fs_volunteers",
    "fs_activities",
    "fs_activity_participants",
    "fs_service_entries",
    "fs_charity_resources",
    "fs_allocations",
    "fs_pairings",
)
EXTRA_READ: dict[str, list[str]] = {
    "fs_pairings": [in_context_subtree("urban_tenant_id"), in_context_subtree("rural_tenant_id")],
}
VISIBLE_ACTIVITY = "activity_id IN (SELECT a.id FROM fs_activities a)"
EXTRA_WRITE: dict[str, list[str]] = {
    "fs_activities": ["pairing_id IN (SELECT p.id FROM fs_pairings p)"],
    "fs_activity_participants": [VISIBLE_ACTIVITY],
    "fs_service_entries": [VISIBLE_ACTIVITY],
}


def upgrade() -> None:
    for table in TABLES:
        enable_tenant_rls(
            op,
            table,
            extra_read=EXTRA_READ.get(table, ()),
            extra_write=EXTRA_WRITE.get(table, ()),
        )


def downgrade() -> None:
    for table in TABLES:
        disable_tenant_rls(op, table)
