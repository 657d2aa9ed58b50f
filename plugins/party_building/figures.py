"""党建数据一览 / The subtree's party-building figures in one answer, for the district's reader.

The same figures roll up per child through the module's metrics (``GET .../metrics``); this
route adds what a sum cannot give: the coverage share and the meetings held against those due.
"""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import get
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import ModuleConfig, Tenant, in_subtree
from plugins.party_building.clock import today
from plugins.party_building.meetings import services as meetings
from plugins.party_building.models import (
    ORG_KINDS,
    FollowUp,
    Member,
    PioneerTeam,
    TeamService,
    Training,
)
from plugins.party_building.organisations import services as organisations
from plugins.party_building.organisations.schemas import Coverage
from plugins.party_building.permissions import READ


class Figures(msgspec.Struct, kw_only=True):
    organisations_by_kind: dict[str, int]
    coverage: Coverage
    full_members: int
    probationary_members: int
    pioneer_teams: int
    person_times: int
    member_person_times: int
    other_person_times: int
    member_share_percent: int | None
    """Party members' share of the person-times in the teams' activities."""
    meeting_periods_due: int
    meeting_periods_met: int
    organisations_overdue: int
    open_follow_ups: int
    overdue_follow_ups: int
    trainings: int
    training_attendance: int
    on: date


@get("/figures", opt=READ)
async def get_figures(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, on: date | None = None
) -> Figures:
    day = on or today()
    orgs = list(await session.scalars(organisations.query(tenant)))
    by_kind = {kind: 0 for kind in ORG_KINDS}
    for org in orgs:
        by_kind[org.kind] += 1
    statuses = dict(
        (
            await session.execute(
                select(Member.status, func.count())
                .where(in_subtree(Member.tenant_id, tenant))
                .group_by(Member.status)
            )
        ).all()
    )
    teams = await session.scalar(
        select(func.count()).where(in_subtree(PioneerTeam.tenant_id, tenant))
    )
    members_pt, others_pt = (
        await session.execute(
            select(
                func.coalesce(func.sum(TeamService.member_person_times), 0),
                func.coalesce(func.sum(TeamService.other_person_times), 0),
            ).where(in_subtree(TeamService.tenant_id, tenant))
        )
    ).one()
    compliance = await meetings.compliance(session, tenant, orgs, day, config)
    follow = (
        await session.execute(
            select(func.count(), func.count().filter(FollowUp.due_on < today())).where(
                in_subtree(FollowUp.tenant_id, tenant), FollowUp.status == "open"
            )
        )
    ).one()
    trained = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Training.attended_count), 0)).where(
                in_subtree(Training.tenant_id, tenant)
            )
        )
    ).one()
    total_pt = int(members_pt) + int(others_pt)
    return Figures(
        organisations_by_kind=by_kind,
        coverage=await organisations.coverage(session, tenant),
        full_members=int(statuses.get("full", 0)),
        probationary_members=int(statuses.get("probationary", 0)),
        pioneer_teams=int(teams or 0),
        person_times=total_pt,
        member_person_times=int(members_pt),
        other_person_times=int(others_pt),
        member_share_percent=round(100 * int(members_pt) / total_pt) if total_pt else None,
        meeting_periods_due=sum(t.periods_due for c in compliance for t in c.types),
        meeting_periods_met=sum(t.periods_met for c in compliance for t in c.types),
        organisations_overdue=sum(1 for c in compliance if c.overdue_types),
        open_follow_ups=int(follow[0]),
        overdue_follow_ups=int(follow[1]),
        trainings=int(trained[0]),
        training_attendance=int(trained[1]),
        on=day,
    )


ROUTES = [get_figures]
