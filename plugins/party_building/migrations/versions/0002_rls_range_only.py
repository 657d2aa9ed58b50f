"""Recreate party-building's row-level-security policies with the subtree as the path
index's range alone.

Same change as the core's ``0008_rls_range_only``: the pattern match that stood beside the range
admitted no other tenant and cost every statement on these tables a sub-select and a comparison
per tenant (docs/benchmarks.md, issue 12's twelfth pass). The policies admit the same rows.

Revision ID: pb_0002
Revises: pb_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

from core import enable_tenant_rls

revision: str = "pb_0002"
down_revision: str | Sequence[str] | None = "pb_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    first = importlib.import_module(
        "plugins.party_building.migrations.versions.0001_party_building"
    )
    for table in first.TABLES:
        enable_tenant_rls(op, table, ancestors_read=table in first.ANCESTORS_READ)


def downgrade() -> None:
    """Nothing to undo: the policies admit the same rows either way, and the first revision's
    downgrade removes them whatever their text."""
