"""No other tenant reads or changes party-building data; every table has row-level security."""

from __future__ import annotations

from typing import Any

TABLES = (
    "pb_covered_units",
    "pb_follow_ups",
    "pb_indicator_progress",
    "pb_instructors",
    "pb_meetings",
    "pb_member_transfers",
    "pb_members",
    "pb_organisations",
    "pb_pioneer_teams",
    "pb_plan_indicators",
    "pb_supervision_visits",
    "pb_team_activities",
    "pb_team_services",
    "pb_trainings",
    "pb_work_plans",
)


async def test_no_other_tenant_reads_or_changes_party_building_data(
    gongzhi_isolation_check: Any, backend: str
) -> None:
    report = await gongzhi_isolation_check("party-building")
    assert report.reads >= 20
    assert report.writes >= 20
    if backend == "postgres":
        assert set(TABLES) <= set(report.tables)
