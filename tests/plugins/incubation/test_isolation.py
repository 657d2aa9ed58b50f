"""The tenant-isolation matrix over every incubation route under PostgreSQL's row-level
security, and the check that every incubation table has it enabled and forced.

PostgreSQL only: the suite's own matrix (tests/reliability/test_isolation_matrix.py) already
walks every module's routes on both databases; what this adds is the catalogue check of the
module's tables, which exists only where row-level security does.
"""

from __future__ import annotations

from typing import Any

import pytest

from plugins.incubation.models import TABLES


async def test_no_other_tenant_reads_or_changes_incubation_data(
    gongzhi_backend: str, gongzhi_isolation_check: Any
) -> None:
    if gongzhi_backend != "postgres":
        pytest.skip(
            "row-level security exists only on PostgreSQL; the suite's matrix covers SQLite"
        )
    report = await gongzhi_isolation_check("incubation")
    assert (report.reads, report.writes) == (26, 19)
    assert set(report.tables) == set(TABLES)
