"""Recreate the core's row-level-security policies without the subtree's pattern match.

The subtree test of 0005 read the path index's range and, beside it, ``path LIKE <setting> ||
'%'`` as its definition; the range admits exactly the same tenants, so the match added nothing
but a sub-select and a comparison per tenant to every statement. The tenants table's own policy
tests its subtree by the same range. Built by :func:`core.rls.subtree_of_context` and
:func:`core.rls.tenants_table_statements`; the policies admit the same rows.

Revision ID: 0008_rls_range_only
Revises: 0007_tenants_path_covers_id
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

revision: str = "0008_rls_range_only"
down_revision: str | Sequence[str] | None = "0007_tenants_path_covers_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    importlib.import_module("migrations.versions.0004_rls").upgrade()


def downgrade() -> None:
    """Nothing to undo: the policies admit the same rows either way, and 0004's downgrade
    removes them whatever their text."""
