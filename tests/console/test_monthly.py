"""Figures by month (``MetricQuery.monthly``, ``GET .../metrics/monthly``) and the dashboard's
trend drawn from them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.modules.rollup import first_month
from core.testing import login_headers
from tests.console.conftest import ConsoleTree, SignIn


def test_first_month_counts_back_across_years() -> None:
    assert first_month(date(2026, 3, 15), 12) == date(2025, 4, 1)
    assert first_month(date(2026, 1, 31), 1) == date(2026, 1, 1)
    assert first_month(date(2026, 1, 31), 2) == date(2025, 12, 1)


def _months_ago(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 10)


async def test_service_hours_are_summed_per_month_over_the_subtree(
    app: Litestar, client: AsyncTestClient[Litestar], tree: ConsoleTree, sign_in: SignIn
) -> None:
    headers = await login_headers(client, "wfl-admin")
    volunteers = "/api/v1/tenants/wangfulu/five-sector/volunteers"
    made = await client.post(
        volunteers, json={"name": "王五", "volunteer_number": "M1"}, headers=headers
    )
    assert made.status_code == 201, made.text
    today = datetime.now(UTC).date()
    entries = [
        (_months_ago(today, 2), "1.5"),
        (_months_ago(today, 2), "2"),
        (_months_ago(today, 14), "3"),
    ]
    for served_on, hours in entries:
        credited = await client.post(
            f"{volunteers}/{made.json()['id']}/entries",
            json={
                "hours": hours,
                "served_on": served_on.isoformat(),
                "content": "巡河",
                "verified_by": "社工",
            },
            headers=headers,
        )
        assert credited.status_code == 201, credited.text
    district = await login_headers(client, "wc-admin")
    answer = await client.get("/api/v1/tenants/wangcheng/metrics/monthly", headers=district)
    assert answer.status_code == 200, answer.text
    assert answer.json()["failed"] == []
    series = {s["name"]: s for s in answer.json()["series"]}
    assert {"five-sector.activities_closed", "five-sector.person_times"} <= set(series)
    hours = series["five-sector.service_hours"]
    assert len(hours["months"]) == 12
    assert hours["months"][-1]["month"] == today.strftime("%Y-%m")
    by_month = {m["month"]: m["value"] for m in hours["months"]}
    assert by_month[_months_ago(today, 2).strftime("%Y-%m")] == 4  # 3.5 hours, rounded
    assert sum(by_month.values()) == 4  # the entry 14 months ago is outside the window
    assert "five-sector.volunteers" not in series  # no monthly form: not listed
    longer = await client.get(
        "/api/v1/tenants/wangcheng/metrics/monthly", params={"months": 24}, headers=district
    )
    assert sum(m["value"] for m in longer.json()["series"][0]["months"]) >= 7
    assert (
        await client.get(
            "/api/v1/tenants/wangcheng/metrics/monthly", params={"months": 99}, headers=district
        )
    ).status_code == 400
    outside = await login_headers(client, "lfl-admin")
    assert (
        await client.get("/api/v1/tenants/wangcheng/metrics/monthly", headers=outside)
    ).status_code == 404
    console = await sign_in("wc-admin")
    page = await console.get("/console/t/wangcheng")
    trend = re.search(r'data-metric="five-sector.service_hours">.*?</article>', page.text, re.S)
    assert trend is not None
    assert "chart trend" in trend.group(0)
