"""Give incubation's tables the path of each row's tenant and recreate their policies on it.

Same change as the core's ``0010_row_paths`` (on which this revision depends, so the trigger
of ``tenant_paths`` that rewrites the paths of moved tenants' rows exists): each table gets
``tenant_path``, kept by a trigger, and its policies compare it with the context's subtree
instead of listing the subtree once per policy per statement (docs/benchmarks.md, issue 12's
fourteenth pass). The policies admit the same rows; they are made exactly as ``inc_0004``'s
upgrade makes them, by the helpers of ``core.rls`` as they stand.

Revision ID: inc_0005
Revises: inc_0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

revision: str = "inc_0005"
down_revision: str | Sequence[str] | None = "inc_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0010_row_paths"


def upgrade() -> None:
    importlib.import_module("plugins.incubation.migrations.versions.0003_rls_range_only").upgrade()


def downgrade() -> None:
    """Nothing to undo: the policies admit the same rows, and the revision that put the tables
    under policies removes the column and its trigger with them."""
