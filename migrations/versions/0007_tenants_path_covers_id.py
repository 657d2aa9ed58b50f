"""``ix_tenants_path`` includes ``id``: the subtree a policy or a roll-up reads is an index-only
range scan instead of a heap fetch per tenant.

Every row-level-security policy of a tenant-owned table finds the context's subtree as the ids
of a range of this index (``0005_rls_indexed_subtree``); without ``id`` in the index each
evaluation fetched every tenant of the range from the table, and a province's 21,664 tenants
lie on most of a full tree's table pages (siblings are created apart), 220–690 ms per policy
per statement under load (docs/benchmarks.md, ``make bench-scale``). The roll-up reads its own
subtree the same way. PostgreSQL only; on SQLite nothing changes.

Revision ID: 0007_tenants_path_covers_id
Revises: 0006_password_change
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007_tenants_path_covers_id"
down_revision: str | Sequence[str] | None = "0006_password_change"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_tenants_path"
BUILDING = "ix_tenants_path_next"


def _replace(include: list[str]) -> None:
    """Build the new index beside the old one, then take its name, so no statement of this
    transaction's readers ever plans without a path index."""
    op.create_index(
        BUILDING,
        "tenants",
        ["path"],
        postgresql_ops={"path": "text_pattern_ops"},
        postgresql_include=include,
    )
    op.drop_index(INDEX, table_name="tenants")
    op.execute(f"ALTER INDEX {BUILDING} RENAME TO {INDEX}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _replace(["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _replace([])
