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

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, and_, func, select
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
