"""Recreate funding's row-level-security policies: the subtree as a range alone, and the
ledger's application arm through a function.

A ledger entry is readable wherever its application is (funding_0001). Written as
``application_id IN (SELECT a.id FROM funding_applications a)``, that arm brought the
applications' policies (their own subtree and both paired communities' sub-selects of the
tenants) into the plan of every statement on the ledger, prepared at each execution although
the entry's own tenant admits it first. It now calls ``gongzhi_visible_funding_applications()``
(:func:`core.rls.in_visible`), which returns the same ids under the same policies, run only
when a row reaches the arm; see five-sector's fs_0007 and docs/benchmarks.md (issue 12's
twelfth pass). The subtree test is the path index's range alone (core's 0008). The policies
admit the same rows.

Revision ID: funding_0002
Revises: funding_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

from core import create_visible_ids, drop_visible_ids, enable_tenant_rls, in_visible

revision: str = "funding_0002"
down_revision: str | Sequence[str] | None = "funding_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIRST = "plugins.funding.migrations.versions.0001_funding"
VISIBLE_APPLICATION = in_visible("application_id", "funding_applications")


def _apply(ledger_arm: str) -> None:
    first = importlib.import_module(_FIRST)
    extra_read = {**first.EXTRA_READ, "funding_ledger_entries": [ledger_arm]}
    for table in first.TABLES:
        enable_tenant_rls(
            op,
            table,
            ancestors_read=table == "funding_calls",
            extra_read=extra_read.get(table, ()),
        )


def upgrade() -> None:
    create_visible_ids(op, "funding_applications")
    _apply(VISIBLE_APPLICATION)


def downgrade() -> None:
    """funding_0001's arm again, then the function no policy calls any more."""
    first = importlib.import_module(_FIRST)
    _apply(first.EXTRA_READ["funding_ledger_entries"][0])
    drop_visible_ids(op, "funding_applications")
