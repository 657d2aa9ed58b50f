"""Recreate five-sector's row-level-security policies with the subtree as an index range.

Same change as the core's ``0005_rls_indexed_subtree``: the subtree test of every policy is
now an index range scan of ``tenants.path`` instead of a scan of every tenant per statement,
which made a district's roll-up 180 ms under the app role against 29 ms as the owner (see
docs/benchmarks.md). The policies admit exactly the same rows.

Revision ID: fs_0004
Revises: fs_0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

revision: str = "fs_0004"
down_revision: str | Sequence[str] | None = "fs_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    importlib.import_module(
        "plugins.five_sector.migrations.versions.0002_five_sector_rls"
    ).upgrade()


def downgrade() -> None:
    """Nothing to undo: the policies admit the same rows either way, and fs_0002's downgrade
    removes them whatever their text."""
