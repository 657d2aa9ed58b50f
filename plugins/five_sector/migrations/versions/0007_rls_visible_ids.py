"""Recreate five-sector's row-level-security policies: the subtree as a range alone, and the
joint activity's arms through functions.

A participant or a ledger entry is readable wherever its activity is, and an activity wherever
its pairing is (fs_0002). Written as ``activity_id IN (SELECT a.id FROM fs_activities a)``, that
arm brought the activities' policies, the pairings' under them and four more sub-selects of the
tenants into the plan of every statement on the ledger, prepared at each execution although the
row's own tenant admits it first: 380,000 of the server's 1.4 million instructions per read of a
volunteer with their total (docs/benchmarks.md, twelfth pass). The arms now call
``gongzhi_visible_fs_activities()`` and ``gongzhi_visible_fs_pairings()``
(:func:`core.rls.in_visible`), which return the same ids under the same policies, run only when
a row reaches the arm. The subtree test is the path index's range alone (core's 0008). The
policies admit the same rows.

Revision ID: fs_0007
Revises: fs_0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

from core import create_visible_ids, drop_visible_ids, enable_tenant_rls, in_visible

revision: str = "fs_0007"
down_revision: str | Sequence[str] | None = "fs_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RLS = "plugins.five_sector.migrations.versions.0002_five_sector_rls"
VISIBLE = ("fs_pairings", "fs_activities")
EXTRA_WRITE: dict[str, list[str]] = {
    "fs_activities": [in_visible("pairing_id", "fs_pairings")],
    "fs_activity_participants": [in_visible("activity_id", "fs_activities")],
    "fs_service_entries": [in_visible("activity_id", "fs_activities")],
}


def upgrade() -> None:
    rls = importlib.import_module(_RLS)
    for table in VISIBLE:
        create_visible_ids(op, table)
    for table in rls.TABLES:
        enable_tenant_rls(
            op,
            table,
            extra_read=rls.EXTRA_READ.get(table, ()),
            extra_write=EXTRA_WRITE.get(table, ()),
        )


def downgrade() -> None:
    """fs_0002's policies again (with the subtree as core.rls now writes it), then the
    functions no policy calls any more."""
    importlib.import_module(_RLS).upgrade()
    for table in VISIBLE:
        drop_visible_ids(op, table)
