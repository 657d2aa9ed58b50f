"""Every tenant-owned table carries the path of its row's tenant, and the policies test it.

The policies listed the context's subtree from ``tenant_paths`` and hashed its ids once per
policy per statement, so a point read cost the server in proportion to the context's subtree:
about 200,000 of 695,000 instructions per read in the bench's district of 36 tenants, 1.3
million of 1.8 million in a real district's 300 (docs/benchmarks.md, issue 12's fourteenth
pass). Each table now has ``tenant_path``, set by a trigger from ``tenant_paths`` on insert and
on a change of the tenant column, and rewritten for the rows of moved tenants by the trigger
that keeps ``tenant_paths``; a policy compares it with the context's path. This revision runs
``0009_tenant_paths``' upgrade again, which replaces that trigger's function and recreates the
core's policies with the helpers of ``core.rls`` as they stand; plugins recreate theirs in
revisions that depend on this one.

Revision ID: 0010_row_paths
Revises: 0009_tenant_paths
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

revision: str = "0010_row_paths"
down_revision: str | Sequence[str] | None = "0009_tenant_paths"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    importlib.import_module("migrations.versions.0009_tenant_paths").upgrade()


def downgrade() -> None:
    """Nothing to undo: the policies admit the same rows, and ``0004_rls``'s downgrade removes
    the core tables' paths with their policies."""
