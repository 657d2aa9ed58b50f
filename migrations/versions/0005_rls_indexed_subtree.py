"""Recreate the core's row-level-security policies with the subtree as an index range.

The policies of 0004 tested ``tenants.path LIKE <setting> || '%'``, which PostgreSQL cannot
answer from the path index (the pattern is no constant at planning), so each statement on a
tenant-owned table scanned every tenant once per policy it touched. The policies are now built
by :func:`core.rls.subtree_of_context` with the range of the ``text_pattern_ops`` index
(see docs/benchmarks.md, ``make bench-scale``); they admit exactly the same rows.

Revision ID: 0005_rls_indexed_subtree
Revises: 0004_rls
Create Date: 2026-11-30
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

revision: str = "0005_rls_indexed_subtree"
down_revision: str | Sequence[str] | None = "0004_rls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    importlib.import_module("migrations.versions.0004_rls").upgrade()


def downgrade() -> None:
    """Nothing to undo: the policies admit the same rows either way, and 0004's downgrade
    removes them whatever their text."""
