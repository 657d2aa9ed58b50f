"""Roll-up figures of the party-building module.

Each figure is ``(tenant_id, value)`` per tenant over the module's own tables; the core sums
them up the tree. ``party-building.pioneer_teams`` and ``party-building.person_times`` are the
figures the demo district's headline names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Select, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from core import MetricQuery
from plugins.party_building.models import (
    CoveredUnit,
    FollowUp,
    IndicatorProgress,
    Instructor,
    Meeting,
    Member,
    PartyOrganisation,
    PioneerTeam,
    PlanIndicator,
    TeamService,
    Training,
)

P = "party-building"
KIND_TITLES = {
    "committee": ("党委（综合党委）", "party committees"),
    "general_branch": ("党总支", "general branches"),
    "branch": ("党支部", "branches"),
    "joint_branch": ("联合党支部", "joint branches"),
    "group": ("党小组", "party groups"),
}


def _orgs(kind: str | None = None) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        stmt = select(PartyOrganisation.tenant_id, func.count())
        if kind is not None:
            stmt = stmt.where(PartyOrganisation.kind == kind)
        return stmt.group_by(PartyOrganisation.tenant_id)

    return query


def _members(status: str) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        return (
            select(Member.tenant_id, func.count())
            .where(Member.status == status)
            .group_by(Member.tenant_id)
        )

    return query


def _units_covered() -> Select[Any, Any]:
    """Social organisations with a party body or an instructor, once each per tenant (by the
    name held, which a directory id's row copies from the directory)."""
    covered = union(
        select(
            CoveredUnit.tenant_id.label("tenant_id"), CoveredUnit.organisation_name.label("unit")
        ),
        select(Instructor.tenant_id.label("tenant_id"), Instructor.organisation_name.label("unit")),
    ).subquery()
    return select(covered.c.tenant_id, func.count()).group_by(covered.c.tenant_id)


def _teams() -> Select[Any, Any]:
    return select(PioneerTeam.tenant_id, func.count()).group_by(PioneerTeam.tenant_id)


def _person_times() -> Select[Any, Any]:
    return select(
        TeamService.tenant_id,
        func.sum(TeamService.member_person_times + TeamService.other_person_times),
    ).group_by(TeamService.tenant_id)


def _member_person_times() -> Select[Any, Any]:
    return select(TeamService.tenant_id, func.sum(TeamService.member_person_times)).group_by(
        TeamService.tenant_id
    )


def _meetings() -> Select[Any, Any]:
    return select(Meeting.tenant_id, func.count()).group_by(Meeting.tenant_id)


def _open_follow_ups() -> Select[Any, Any]:
    return (
        select(FollowUp.tenant_id, func.count())
        .where(FollowUp.status == "open")
        .group_by(FollowUp.tenant_id)
    )


def _trainings() -> Select[Any, Any]:
    return select(Training.tenant_id, func.count()).group_by(Training.tenant_id)


def _training_attendance() -> Select[Any, Any]:
    return select(Training.tenant_id, func.sum(Training.attended_count)).group_by(
        Training.tenant_id
    )


METRICS: list[MetricQuery] = [
    MetricQuery(f"{P}.organisations", "党组织数", "Party organisations", "count", _orgs()),
    *(
        MetricQuery(f"{P}.organisations_{kind}", title, title_en, "count", _orgs(kind))
        for kind, (title, title_en) in KIND_TITLES.items()
    ),
    MetricQuery(
        f"{P}.units_covered",
        "有党组织或党建指导员的社会组织",
        "Social organisations with a party body or an instructor",
        "count",
        _units_covered,
    ),
    MetricQuery(f"{P}.members_full", "正式党员", "Full members", "count", _members("full")),
    MetricQuery(
        f"{P}.members_probationary",
        "预备党员",
        "Probationary members",
        "count",
        _members("probationary"),
    ),
    MetricQuery(f"{P}.pioneer_teams", "党员先锋队", "Pioneer teams", "count", _teams),
    MetricQuery(
        f"{P}.person_times",
        "先锋队带动服务人次",
        "Person-times mobilised by pioneer teams",
        "person_times",
        _person_times,
    ),
    MetricQuery(
        f"{P}.member_person_times",
        "其中党员服务人次",
        "Of which by party members",
        "person_times",
        _member_person_times,
    ),
    MetricQuery(
        f"{P}.meetings_held", "已开会议（三会一课、主题党日）", "Meetings held", "count", _meetings
    ),
    MetricQuery(
        f"{P}.follow_ups_open",
        "未完成的督导整改事项",
        "Open follow-up actions",
        "count",
        _open_follow_ups,
    ),
    MetricQuery(f"{P}.trainings", "党建培训", "Trainings", "count", _trainings),
    MetricQuery(
        f"{P}.training_attendance",
        "党建培训参训人次",
        "Training attendance",
        "person_times",
        _training_attendance,
    ),
]


async def progress_is_the_sum_of_its_entries(session: AsyncSession) -> list[str]:
    """An indicator's progress is the sum of the progress entered against it."""
    entered = (
        select(IndicatorProgress.indicator_id, func.sum(IndicatorProgress.amount).label("total"))
        .group_by(IndicatorProgress.indicator_id)
        .subquery()
    )
    rows = await session.execute(
        select(PlanIndicator.id, PlanIndicator.progress, entered.c.total).outerjoin(
            entered, entered.c.indicator_id == PlanIndicator.id
        )
    )
    return [
        f"indicator {i}: progress {p} != entries {t or 0}"
        for i, p, t in rows.all()
        if p != int(t or 0)
    ]


async def members_live_where_their_organisation_does(session: AsyncSession) -> list[str]:
    """A member's tenant is their organisation's (a transfer moves both)."""
    rows = await session.execute(
        select(Member.id, Member.tenant_id, PartyOrganisation.tenant_id)
        .join(PartyOrganisation, PartyOrganisation.id == Member.party_organisation_id)
        .where(Member.tenant_id != PartyOrganisation.tenant_id)
    )
    return [f"member {m}: tenant {t} but organisation at {o}" for m, t, o in rows.all()]


async def events_credit_a_team_once(session: AsyncSession) -> list[str]:
    """No event credits the same team twice."""
    rows = await session.execute(
        select(TeamService.team_id, TeamService.event_id)
        .where(TeamService.event_id.is_not(None))
        .group_by(TeamService.team_id, TeamService.event_id)
        .having(func.count() > 1)
    )
    return [f"team {team}: event {event} credited twice" for team, event in rows.all()]


INVARIANTS: list[Callable[[AsyncSession], Awaitable[list[str]]]] = [
    progress_is_the_sum_of_its_entries,
    members_live_where_their_organisation_does,
    events_credit_a_team_once,
]
