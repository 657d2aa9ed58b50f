"""Recreate incubation's row-level-security policies with the subtree as the path
index's range alone.

Same change as the core's ``0008_rls_range_only``: the pattern match that stood beside the range
admitted no other tenant and cost every statement on these tables a sub-select and a comparison
per tenant (docs/benchmarks.md, issue 12's twelfth pass). The policies admit the same rows.

Revision ID: inc_0003
Revises: inc_0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

from core import enable_tenant_rls

revision: str = "inc_0003"
down_revision: str | Sequence[str] | None = "inc_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    first = importlib.import_module("plugins.incubation.migrations.versions.0001_incubation")
    for table in first.TABLES:
        enable_tenant_rls(op, table)


def downgrade() -> None:
    """Nothing to undo: the policies admit the same rows either way, and the first revision's
    downgrade removes them whatever their text."""
