"""No other tenant reads or changes the deliberation hall's data; every table has row-level
security (PostgreSQL)."""

from __future__ import annotations

from typing import Any


async def test_no_other_tenant_reads_or_changes_the_deliberation_hall(
    gongzhi_isolation_check: Any,
) -> None:
    report = await gongzhi_isolation_check("deliberation-hall")
    assert report.reads >= 12
    assert report.writes == 16
    assert report.tables == (
        "dh_ballots",
        "dh_escalations",
        "dh_evaluations",
        "dh_representatives",
        "dh_secret_tallies",
        "dh_sessions",
        "dh_task_updates",
        "dh_tasks",
        "dh_topics",
        "dh_transitions",
        "dh_votes",
    )
