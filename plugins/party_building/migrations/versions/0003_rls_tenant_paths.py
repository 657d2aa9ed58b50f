"""Recreate party-building's row-level-security policies, which now read the tree from
``tenant_paths``.

Same change as the core's ``0009_tenant_paths`` (on which this revision depends, so the table
exists): a policy's sub-select of the subtree no longer brings the tenants' own policy along
(docs/benchmarks.md, issue 12's thirteenth pass). The policies admit the same rows; they are
made exactly as ``pb_0002`` makes them, by the helpers of ``core.rls`` as they stand.

Revision ID: pb_0003
Revises: pb_0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

revision: str = "pb_0003"
down_revision: str | Sequence[str] | None = "pb_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0009_tenant_paths"


def upgrade() -> None:
    importlib.import_module(
        "plugins.party_building.migrations.versions.0002_rls_range_only"
    ).upgrade()


def downgrade() -> None:
    """Nothing to undo: the policies admit the same rows whichever table they read the tree
    from, and the first revision's downgrade removes them whatever their text."""
