"""Roll-up figures of the incubation module, per tenant over its own tables; the core sums them
up the tree, so "成功培育社会组织58家" is ``incubation.organisations_incubated`` at the district.

An incubatee counts at the tenant of the base that incubates it. "Organisations" are incubatees
of kind ``organisation`` (town promotion centres incubated by the district base are counted by
``town_centres_incubated``). A sum cannot carry an average, so capacity growth is two figures,
``capacity_growth_points`` (total growth) and ``organisations_scored`` (organisations scored at
intake and graduation): their quotient is the average, which ``GET .../incubation/figures``
gives rounded as the ``growth_decimals`` setting says.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core import MetricQuery
from plugins.incubation.models import (
    CHAIN,
    Benchmark,
    BrandProject,
    Incubatee,
    IncubationBase,
    Mentorship,
    ResourceMatch,
    Scorecard,
    StageChange,
    SupervisionVisit,
    Survey,
    Training,
)

P = "incubation"
ORGANISATION = Incubatee.kind == "organisation"
STAGE_TITLES = {
    "needs_survey": ("需求调研阶段", "at needs survey"),
    "training": ("定制培训阶段", "at training"),
    "supervision": ("项目督导阶段", "at supervision"),
    "resource_matching": ("资源对接阶段", "at resource matching"),
}


def _incubatees(*conditions: Any) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        return (
            select(Incubatee.tenant_id, func.count())
            .where(*conditions)
            .group_by(Incubatee.tenant_id)
        )

    return query


def _town_centres() -> Select[Any, Any]:
    return (
        select(IncubationBase.tenant_id, func.count())
        .where(IncubationBase.kind == "town_centre")
        .group_by(IncubationBase.tenant_id)
    )


def _scored() -> tuple[Any, Any]:
    intake, graduation = aliased(Scorecard), aliased(Scorecard)
    return intake, graduation


def _growth(value: Callable[[Any, Any], Any]) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        intake, graduation = _scored()
        return (
            select(Incubatee.tenant_id, value(intake, graduation))
            .join(intake, and_(intake.incubatee_id == Incubatee.id, intake.kind == "intake"))
            .join(
                graduation,
                and_(graduation.incubatee_id == Incubatee.id, graduation.kind == "graduation"),
            )
            .where(ORGANISATION)
            .group_by(Incubatee.tenant_id)
        )

    return query


SECURED = ResourceMatch.outcome == "secured"


def _matches() -> Select[Any, Any]:
    return (
        select(ResourceMatch.tenant_id, func.count())
        .where(SECURED)
        .group_by(ResourceMatch.tenant_id)
    )


def _matched_fen() -> Select[Any, Any]:
    return (
        select(ResourceMatch.tenant_id, func.coalesce(func.sum(ResourceMatch.amount_fen), 0))
        .where(SECURED)
        .group_by(ResourceMatch.tenant_id)
    )


def _count(model: Any, *conditions: Any) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        return select(model.tenant_id, func.count()).where(*conditions).group_by(model.tenant_id)

    return query


METRICS: list[MetricQuery] = [
    MetricQuery(f"{P}.organisations_incubated", "培育社会组织数", "Organisations incubated",
                "count", _incubatees(ORGANISATION, Incubatee.stage != "exited")),
    MetricQuery(f"{P}.graduated", "已结业社会组织", "Organisations graduated", "count",
                _incubatees(ORGANISATION, Incubatee.stage == "graduated")),
    MetricQuery(f"{P}.exited", "退出培育的社会组织", "Organisations that exited", "count",
                _incubatees(ORGANISATION, Incubatee.stage == "exited")),
    *[
        MetricQuery(f"{P}.stage_{stage}", f"处于{STAGE_TITLES[stage][0]}的社会组织",
                    f"Organisations {STAGE_TITLES[stage][1]}", "count",
                    _incubatees(ORGANISATION, Incubatee.stage == stage))
        for stage in CHAIN
    ],
    MetricQuery(f"{P}.town_centres", "街镇社区社会组织发展促进中心", "Town promotion centres",
                "count", _town_centres),
    MetricQuery(f"{P}.town_centres_incubated", "区级基地培育的街镇促进中心",
                "Town centres incubated by the district base", "count",
                _incubatees(Incubatee.kind == "town_centre", Incubatee.stage != "exited")),
    MetricQuery(f"{P}.organisations_scored", "完成入孵与结业评估的组织",
                "Organisations scored at intake and graduation", "count",
                _growth(lambda i, g: func.count())),
    MetricQuery(f"{P}.capacity_growth_points", "能力评估提升总分",
                "Capacity growth, total points", "count",
                _growth(lambda i, g: func.sum(g.total - i.total))),
    MetricQuery(f"{P}.brand_projects", "品牌项目", "Brand projects", "count",
                _count(BrandProject)),
    MetricQuery(f"{P}.benchmarks", "标杆示范组织", "Benchmark organisations", "count",
                _count(Benchmark)),
    MetricQuery(f"{P}.mentor_pairings", "书记领航在结对数", "Open mentor pairings", "count",
                _count(Mentorship, Mentorship.ended_on.is_(None))),
    MetricQuery(f"{P}.resources_matched", "成功对接资源", "Resources matched", "count",
                _matches),
    MetricQuery(f"{P}.resources_matched_fen", "对接资金（分）", "Money matched", "fen",
                _matched_fen),
]  # fmt: skip


async def stage_matches_history(session: AsyncSession) -> list[str]:
    """An incubatee's stage is the one its latest stage change moved it to."""
    latest = (
        select(StageChange.incubatee_id, func.max(StageChange.changed_at).label("at"))
        .group_by(StageChange.incubatee_id)
        .subquery()
    )
    rows = await session.execute(
        select(Incubatee.id, Incubatee.stage, StageChange.to_stage)
        .join(latest, latest.c.incubatee_id == Incubatee.id)
        .join(
            StageChange,
            and_(StageChange.incubatee_id == Incubatee.id, StageChange.changed_at == latest.c.at),
        )
    )
    return [f"incubatee {i}: stage {s} but last moved to {t}" for i, s, t in rows.all() if s != t]


async def passed_stages_are_recorded(session: AsyncSession) -> list[str]:
    """Every chain stage an incubatee has passed has a record, unless a kept override skipped
    it."""
    order = [*CHAIN, "graduated"]
    tables: tuple[Any, ...] = (Survey, Training, SupervisionVisit, ResourceMatch)
    recorded: dict[str, set[uuid.UUID]] = {}
    for stage, model in zip(CHAIN, tables, strict=True):
        recorded[stage] = set(await session.scalars(select(model.incubatee_id).distinct()))
    skipped: set[tuple[uuid.UUID, str]] = set()
    for incubatee_id, missing in await session.execute(
        select(StageChange.incubatee_id, StageChange.missing).where(StageChange.override.is_(True))
    ):
        skipped |= {(incubatee_id, str(stage)) for stage in missing}
    problems: list[str] = []
    for incubatee_id, stage in await session.execute(
        select(Incubatee.id, Incubatee.stage).where(Incubatee.stage != "exited")
    ):
        for passed in CHAIN[: order.index(stage)]:
            if incubatee_id not in recorded[passed] and (incubatee_id, passed) not in skipped:
                problems.append(f"incubatee {incubatee_id}: passed {passed} without a record")
    return problems


INVARIANTS: list[Callable[[AsyncSession], Awaitable[list[str]]]] = [
    stage_matches_history,
    passed_stages_are_recorded,
]
