"""Roll-up figures of the five-sector module and the invariants the soak tests check.

Each figure is ``(tenant_id, value)`` per tenant over the module's own tables; the core sums
them up the tree. Service time is reported in whole hours per tenant (minutes are the ledger's
unit; the metric unit set has no minutes).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Select, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core import MetricQuery
from plugins.five_sector.manifest import MANIFEST
from plugins.five_sector.models import (
    ORG_KINDS,
    ORG_STATUSES,
    Activity,
    Allocation,
    CharityResource,
    Organisation,
    Pairing,
    ServiceEntry,
    Volunteer,
)

P = "five-sector"
KIND_TITLES = {
    "social_group": ("社会团体", "social groups"),
    "social_service_agency": ("社会服务机构", "social service agencies"),
    "foundation": ("基金会", "foundations"),
    "community": ("社区社会组织", "community social organisations"),
}
STATUS_TITLES = {
    "incubating": ("培育中", "incubating"),
    "filed": ("已备案", "filed"),
    "registered": ("已登记", "registered"),
    "suspended": ("已暂停", "suspended"),
    "dissolved": ("已注销", "dissolved"),
}


def _count_orgs(*conditions: Any) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        return (
            select(Organisation.tenant_id, func.count())
            .where(*conditions)
            .group_by(Organisation.tenant_id)
        )

    return query


def _volunteers() -> Select[Any, Any]:
    return select(Volunteer.tenant_id, func.count()).group_by(Volunteer.tenant_id)


def _service_hours() -> Select[Any, Any]:
    return select(ServiceEntry.tenant_id, func.sum(ServiceEntry.minutes) / 60).group_by(
        ServiceEntry.tenant_id
    )


def _activities_closed() -> Select[Any, Any]:
    return (
        select(Activity.tenant_id, func.count())
        .where(Activity.status == "closed")
        .group_by(Activity.tenant_id)
    )


def _service_hours_monthly() -> Select[Any, Any, Any]:
    return select(ServiceEntry.tenant_id, ServiceEntry.served_on, ServiceEntry.minutes / 60.0)


def _activities_closed_monthly() -> Select[Any, Any, Any]:
    return select(Activity.tenant_id, Activity.closed_at, literal(1)).where(
        Activity.status == "closed"
    )


def _person_times_monthly() -> Select[Any, Any, Any]:
    return select(Activity.tenant_id, Activity.closed_at, Activity.person_times).where(
        Activity.status == "closed"
    )


def _person_times() -> Select[Any, Any]:
    return select(Activity.tenant_id, func.sum(Activity.person_times)).group_by(Activity.tenant_id)


def _money_received() -> Select[Any, Any]:
    return (
        select(CharityResource.tenant_id, func.sum(CharityResource.quantity))
        .where(CharityResource.kind == "money")
        .group_by(CharityResource.tenant_id)
    )


def _money_allocated() -> Select[Any, Any]:
    return (
        select(Allocation.tenant_id, func.sum(Allocation.amount))
        .join(CharityResource, CharityResource.id == Allocation.resource_id)
        .where(CharityResource.kind == "money")
        .group_by(Allocation.tenant_id)
    )


def _resources_received() -> Select[Any, Any]:
    return select(CharityResource.tenant_id, func.count()).group_by(CharityResource.tenant_id)


def _pairings() -> Select[Any, Any]:
    return select(Pairing.tenant_id, func.count()).group_by(Pairing.tenant_id)


def _joint_activities() -> Select[Any, Any]:
    return (
        select(Activity.tenant_id, func.count())
        .where(Activity.pairing_id.is_not(None))
        .group_by(Activity.tenant_id)
    )


ACTIVE = Organisation.status.in_(("filed", "registered"))

METRICS: list[MetricQuery] = [
    MetricQuery(f"{P}.organisations", "社会组织数", "Social organisations", "count",
                _count_orgs(Organisation.status != "dissolved")),
    MetricQuery(f"{P}.organisations_active", "已备案或登记的社会组织", "Filed or registered organisations",
                "count", _count_orgs(ACTIVE)),
    MetricQuery(f"{P}.organisations_filed", "已备案社区社会组织", "Filed community organisations",
                "count", _count_orgs(Organisation.status == "filed")),
    MetricQuery(f"{P}.brand_projects", "品牌项目组织", "Organisations with a brand project",
                "count", _count_orgs(Organisation.brand_project.is_(True), Organisation.status != "dissolved")),
    *[
        MetricQuery(f"{P}.organisations_kind_{kind}", f"{KIND_TITLES[kind][0]}数",
                    f"Organisations: {KIND_TITLES[kind][1]}", "count",
                    _count_orgs(Organisation.kind == kind, Organisation.status != "dissolved"))
        for kind in ORG_KINDS
    ],
    *[
        MetricQuery(f"{P}.organisations_status_{status}", f"社会组织：{STATUS_TITLES[status][0]}",
                    f"Organisations: {STATUS_TITLES[status][1]}", "count",
                    _count_orgs(Organisation.status == status))
        for status in ORG_STATUSES
    ],
    *[
        MetricQuery(f"{P}.organisations_category_{index}", f"社会组织：{category}",
                    f"Organisations in category {category}", "count",
                    _count_orgs(Organisation.category == category, Organisation.status != "dissolved"))
        for index, category in enumerate(MANIFEST.settings["categories"], start=1)
    ],
    MetricQuery(f"{P}.volunteers", "志愿者数", "Volunteers", "count", _volunteers),
    MetricQuery(f"{P}.service_hours", "志愿服务时长（小时）", "Volunteer service hours", "hours",
                _service_hours, monthly=_service_hours_monthly),
    MetricQuery(f"{P}.activities_closed", "已完成活动", "Activities held", "count",
                _activities_closed, monthly=_activities_closed_monthly),
    MetricQuery(f"{P}.person_times", "服务人次", "Person-times served", "person_times",
                _person_times, monthly=_person_times_monthly),
    MetricQuery(f"{P}.charity_resources", "接收慈善资源笔数", "Charity resources received",
                "count", _resources_received),
    MetricQuery(f"{P}.charity_money_received", "接收慈善资金（分）", "Charity money received",
                "fen", _money_received),
    MetricQuery(f"{P}.charity_money_allocated", "已分配慈善资金（分）", "Charity money allocated",
                "fen", _money_allocated),
    MetricQuery(f"{P}.pairings", "村社结对数", "Community pairings", "count", _pairings),
    MetricQuery(f"{P}.joint_activities", "结对联合活动", "Joint activities of pairings",
                "count", _joint_activities),
]  # fmt: skip
"""Filed-versus-target: ``organisations_active`` per community against the ``targets`` setting
is reported by ``GET .../warnings``; a target is a setting, not a sum, so it is no metric."""


async def balances_never_negative(session: AsyncSession) -> list[str]:
    rows = await session.execute(
        select(CharityResource.id, CharityResource.balance, CharityResource.quantity).where(
            (CharityResource.balance < 0) | (CharityResource.balance > CharityResource.quantity)
        )
    )
    return [f"charity resource {i}: balance {b} outside 0..{q}" for i, b, q in rows.all()]


async def allocations_match_balances(session: AsyncSession) -> list[str]:
    allocated = (
        select(Allocation.resource_id, func.sum(Allocation.amount).label("total"))
        .group_by(Allocation.resource_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            CharityResource.id, CharityResource.quantity, CharityResource.balance, allocated.c.total
        ).outerjoin(allocated, allocated.c.resource_id == CharityResource.id)
    )
    return [
        f"charity resource {i}: quantity {q} - allocated {t or 0} != balance {b}"
        for i, q, b, t in rows.all()
        if q - int(t or 0) != b
    ]


async def ledger_is_consistent(session: AsyncSession) -> list[str]:
    """Totals are sums of entries; no volunteer's total is negative; no activity credited twice."""
    negative = await session.execute(
        select(ServiceEntry.volunteer_id, func.sum(ServiceEntry.minutes))
        .group_by(ServiceEntry.volunteer_id)
        .having(func.sum(ServiceEntry.minutes) < 0)
    )
    problems = [f"volunteer {v}: negative total {m} min" for v, m in negative.all()]
    twice = await session.execute(
        text(
            "SELECT activity_id, volunteer_id FROM fs_service_entries WHERE kind = 'credit'"
            " AND activity_id IS NOT NULL GROUP BY activity_id, volunteer_id HAVING COUNT(*) > 1"
        )
    )
    problems += [f"activity {a}: volunteer {v} credited twice" for a, v in twice.all()]
    return problems


INVARIANTS: list[Callable[[AsyncSession], Awaitable[list[str]]]] = [
    balances_never_negative,
    allocations_match_balances,
    ledger_is_consistent,
]
