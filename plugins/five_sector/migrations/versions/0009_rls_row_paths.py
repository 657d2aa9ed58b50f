"""Give five-sector's tables the path of each row's tenant and recreate their policies on it.

Same change as the core's ``0010_row_paths`` (on which this revision depends, so the trigger
of ``tenant_paths`` that rewrites the paths of moved tenants' rows exists): each table gets
``tenant_path``, kept by a trigger, and its policies compare it with the context's subtree
instead of listing the subtree once per policy per statement (docs/benchmarks.md, issue 12's
fourteenth pass). The policies admit the same rows; they are made exactly as ``fs_0008``'s
upgrade makes them, by the helpers of ``core.rls`` as they stand.

The two indexes that carry what a roll-up and its policy read (``fs_0005``, ``fs_0006``) now
carry ``tenant_path`` too, which the policies test instead of ``tenant_id``: without it a
subtree's count fetched every row from the table again.

Revision ID: fs_0009
Revises: fs_0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "fs_0009"
down_revision: str | Sequence[str] | None = "fs_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0010_row_paths"

COVERING = {
    "fs_service_entries": ("ix_fs_service_entries_tenant_id_minutes", ["tenant_id", "minutes"],
                           ["activity_id"]),
    "fs_activities": ("ix_fs_activities_tenant_id", ["tenant_id"],
                      ["status", "person_times", "pairing_id"]),
}  # fmt: skip
"""Per table: the covering index, its keys and what it included before this revision."""


def _cover(extra: list[str]) -> None:
    for table, (index, keys, included) in COVERING.items():
        op.drop_index(index, table_name=table)
        op.create_index(index, table, keys, unique=False, postgresql_include=included + extra)


def upgrade() -> None:
    importlib.import_module(
        "plugins.five_sector.migrations.versions.0007_rls_visible_ids"
    ).upgrade()
    if op.get_bind().dialect.name == "postgresql":
        _cover(["tenant_path"])


def downgrade() -> None:
    """The covering indexes as they were; nothing else: the policies admit the same rows, and
    the revision that put the tables under policies removes the column and its trigger."""
    if op.get_bind().dialect.name == "postgresql":
        _cover([])
