"""The tenant-isolation matrix over every incubation route, and row-level security on every
incubation table (PostgreSQL)."""

from __future__ import annotations

from typing import Any

from plugins.incubation.models import TABLES


async def test_no_other_tenant_reads_or_changes_incubation_data(
    gongzhi_isolation_check: Any,
) -> None:
    report = await gongzhi_isolation_check("incubation")
    assert (report.reads, report.writes) == (26, 19)
    assert set(report.tables) == set(TABLES)
