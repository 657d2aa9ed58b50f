"""The policies read the tree from ``tenant_paths``, a copy of the tenants' ids and paths that
the database keeps, instead of from ``tenants``.

Every sub-select of a subtree in a policy (``tenant_id IN (SELECT id FROM tenants WHERE <path
range>)``) read ``tenants`` under the tenants' own policy: four more settings and a test per
tenant, prepared and run in each of them. A read of a volunteer with their total has three such
sub-selects; they were about 190,000 of the server's 920,000 instructions per point read
(docs/benchmarks.md, issue 12's thirteenth pass). The range already bounds the paths to the
context's subtree, so the ids are the same. ``tenant_paths`` is created by ``0001_tenants`` in a
new database; this revision creates it (and its triggers, and its rows) in one made before, then
recreates the core's policies. Plugins recreate theirs in revisions that depend on this one.

Revision ID: 0009_tenant_paths
Revises: 0008_rls_range_only
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

from core.rls import create_tenant_paths

revision: str = "0009_tenant_paths"
down_revision: str | Sequence[str] | None = "0008_rls_range_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_tenant_paths(op)
    importlib.import_module("migrations.versions.0004_rls").upgrade()


def downgrade() -> None:
    """Nothing to undo: ``tenant_paths`` belongs to ``0001_tenants`` (whose downgrade removes
    it), and the policies admit the same rows whichever table they read the tree from."""
