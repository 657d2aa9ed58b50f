"""Pioneer teams, seen from their tenant's subtree, and their person-times.

Person-times come two ways. When five-sector is on, closing an activity a team serves in emits
``five-sector.activity-closed``; :func:`credit_from_activity` credits every team linked to the
activity once per event (a redelivered event finds its credit and changes nothing), counting the
credited volunteers who are party members apart from the others. Services not recorded through
five-sector are entered by hand (:func:`record`).

Each person-time counts once: a hand entry may name the five-sector activity it was, and is
refused for an activity the team links or had credited; an activity the team entered by hand
cannot be linked afterwards; and a closing never credits a team that entered the activity by
hand (were the two to race).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import msgspec
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Event, Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.party_building.checks import not_in_future, text
from plugins.party_building.clock import now
from plugins.party_building.models import Member, PioneerTeam, TeamActivity, TeamService
from plugins.party_building.organisations.services import in_reach
from plugins.party_building.pioneer_teams import schemas

ACTIVITY_CLOSED = "five-sector.activity-closed"


class ClosedParticipant(msgspec.Struct, frozen=True):
    volunteer_id: uuid.UUID
    user_id: uuid.UUID | None


class ClosedActivity(msgspec.Struct, frozen=True):
    """The fields of five-sector's ``ActivityClosed`` this module reads."""

    activity_id: uuid.UUID
    tenant_id: uuid.UUID
    closed_at: datetime
    participants: list[ClosedParticipant]


async def get(session: AsyncSession, tenant: Tenant, team_id: uuid.UUID) -> PioneerTeam:
    team = await session.scalar(
        select(PioneerTeam).where(
            PioneerTeam.id == team_id, row_in_subtree(PioneerTeam.tenant_id, tenant)
        )
    )
    if team is None:
        raise NotFound("党员先锋队")
    return team


async def _members_in_reach(
    session: AsyncSession, tenant: Tenant, ids: Sequence[uuid.UUID]
) -> list[str]:
    wanted = list(dict.fromkeys(ids))
    found = set(
        await session.scalars(
            select(Member.id).where(
                Member.id.in_(wanted), in_subtree(Member.tenant_id, tenant), Member.status != "left"
            )
        )
    )
    for index, member_id in enumerate(wanted):
        if member_id not in found:
            raise Invalid(
                f"member_ids[{index}]", "本辖区内没有这名党员", message_en="no such member here"
            )
    return [str(m) for m in wanted]


async def create(session: AsyncSession, tenant: Tenant, body: schemas.TeamCreate) -> PioneerTeam:
    org_id = None
    if body.party_organisation_id is not None:
        org_id = (
            await in_reach(session, tenant, body.party_organisation_id, "party_organisation_id")
        ).id
    name = text(body.name)
    if await session.scalar(
        select(PioneerTeam.id).where(PioneerTeam.tenant_id == tenant.id, PioneerTeam.name == name)
    ):
        raise Conflict("先锋队名称已存在", title_en="Name already in use", code="name-taken")
    team = PioneerTeam(
        tenant_id=tenant.id,
        name=name,
        theme=text(body.theme),
        leader_name=text(body.leader_name),
        party_organisation_id=org_id,
        member_ids=await _members_in_reach(session, tenant, body.member_ids),
    )
    session.add(team)
    await session.flush()
    return team


async def link(
    session: AsyncSession, tenant: Tenant, team_id: uuid.UUID, body: schemas.ActivityLink
) -> PioneerTeam:
    """The team serves in an activity: its closing will credit the team."""
    team = await get(session, tenant, team_id)
    if await session.scalar(
        select(TeamActivity.id).where(
            TeamActivity.team_id == team.id, TeamActivity.activity_id == body.activity_id
        )
    ):
        raise Conflict("活动已关联", title_en="Activity already linked", code="activity-linked")
    if await _entered_by_hand(session, team, body.activity_id):
        raise Conflict(
            "该活动的人次已手工登记，关联后会重复计入",
            title_en="This activity's person-times were entered by hand; linking it would "
            "count them twice",
            code="activity-entered-by-hand",
        )
    session.add(
        TeamActivity(
            tenant_id=team.tenant_id,
            team_id=team.id,
            activity_id=body.activity_id,
            title=text(body.title),
            linked_at=now(),
        )
    )
    await session.flush()
    return team


async def record(
    session: AsyncSession, tenant: Tenant, team_id: uuid.UUID, body: schemas.ServiceCreate
) -> TeamService:
    team = await get(session, tenant, team_id)
    if body.member_person_times + body.other_person_times == 0:
        raise Invalid("member_person_times", "人次不能都为零", message_en="no person-times given")
    if body.activity_id is not None:
        await _not_credited(session, team, body.activity_id)
    row = TeamService(
        tenant_id=team.tenant_id,
        team_id=team.id,
        source="manual",
        activity_id=body.activity_id,
        title=text(body.title),
        served_on=not_in_future("served_on", body.served_on),
        member_person_times=body.member_person_times,
        other_person_times=body.other_person_times,
        recorded_at=now(),
    )
    session.add(row)
    await session.flush()
    return row


async def _entered_by_hand(
    session: AsyncSession, team: PioneerTeam, activity_id: uuid.UUID
) -> bool:
    found = await session.scalar(
        select(TeamService.id)
        .where(
            TeamService.tenant_id == team.tenant_id,
            TeamService.team_id == team.id,
            TeamService.activity_id == activity_id,
            TeamService.source == "manual",
        )
        .limit(1)
    )
    return found is not None


async def _not_credited(session: AsyncSession, team: PioneerTeam, activity_id: uuid.UUID) -> None:
    """Refuse a hand entry for an activity whose person-times reach the team another way."""
    linked = await session.scalar(
        select(TeamActivity.id).where(
            TeamActivity.team_id == team.id, TeamActivity.activity_id == activity_id
        )
    )
    credited = await session.scalar(
        select(TeamService.source)
        .where(
            TeamService.tenant_id == team.tenant_id,
            TeamService.team_id == team.id,
            TeamService.activity_id == activity_id,
        )
        .limit(1)
    )
    if linked is not None or credited == "event":
        raise Conflict(
            "该活动已关联本先锋队，活动结束时自动计入人次，不能再手工登记",
            title_en="The team links this activity: its closing credits the person-times, "
            "they are not entered by hand",
            code="activity-credited",
        )
    if credited is not None:
        raise Conflict(
            "该活动的人次已手工登记",
            title_en="This activity's person-times were entered by hand already",
            code="activity-entered-by-hand",
        )


async def credit_from_activity(session: AsyncSession, event: Event) -> None:
    """Credit every team serving in the closed activity, once per event.

    Teams sit at the activity's tenant or above it (a town's team serves in a community's
    activity), so the handler runs over the whole tree and filters by tenant itself: a team is
    credited only if its tenant lies on the activity tenant's path to the root, and a volunteer
    counts as a party member if a current member of the same tree has their user id.
    """
    closed = event.payload_as(ClosedActivity)
    home = await session.get(Tenant, event.tenant_id)
    if home is None:
        return
    links = list(
        await session.scalars(
            select(TeamActivity).where(
                TeamActivity.activity_id == closed.activity_id,
                TeamActivity.tenant_id.in_(home.ancestor_ids),
            )
        )
    )
    if not links:
        return
    user_ids = {p.user_id for p in closed.participants if p.user_id is not None}
    root = await session.get(Tenant, home.ancestor_ids[0])
    party = set()
    if user_ids and root is not None:
        party = set(
            await session.scalars(
                select(Member.user_id).where(
                    Member.user_id.in_(user_ids),
                    Member.status != "left",
                    in_subtree(Member.tenant_id, root),
                )
            )
        )
    members = sum(1 for p in closed.participants if p.user_id is not None and p.user_id in party)
    others = len(closed.participants) - members
    for linked in links:
        credited = await session.scalar(
            select(TeamService.id).where(
                TeamService.tenant_id == linked.tenant_id,
                TeamService.team_id == linked.team_id,
                TeamService.event_id == event.id,
            )
        )
        if credited is not None:
            continue
        by_hand = await session.scalar(
            select(TeamService.id)
            .where(
                TeamService.tenant_id == linked.tenant_id,
                TeamService.team_id == linked.team_id,
                TeamService.activity_id == closed.activity_id,
                TeamService.source == "manual",
            )
            .limit(1)
        )
        if by_hand is not None:
            continue
        session.add(
            TeamService(
                tenant_id=linked.tenant_id,
                team_id=linked.team_id,
                source="event",
                event_id=event.id,
                activity_id=closed.activity_id,
                title=linked.title,
                served_on=closed.closed_at.date(),
                member_person_times=members,
                other_person_times=others,
                recorded_at=now(),
            )
        )
    await session.flush()


def query(tenant: Tenant) -> Select[PioneerTeam]:
    return (
        select(PioneerTeam)
        .where(in_subtree(PioneerTeam.tenant_id, tenant))
        .order_by(PioneerTeam.name, PioneerTeam.id)
    )


def services_query(team: PioneerTeam) -> Select[TeamService]:
    return (
        select(TeamService)
        .where(TeamService.tenant_id == team.tenant_id, TeamService.team_id == team.id)
        .order_by(TeamService.served_on.desc(), TeamService.id)
    )


def service_answer(row: TeamService) -> schemas.Service:
    return schemas.Service(
        id=row.id,
        team_id=row.team_id,
        source="event" if row.source == "event" else "manual",
        activity_id=row.activity_id,
        title=row.title,
        served_on=row.served_on,
        member_person_times=row.member_person_times,
        other_person_times=row.other_person_times,
    )


async def answers(session: AsyncSession, teams: Sequence[PioneerTeam]) -> list[schemas.Team]:
    """The teams with their linked activities and person-times totals (two queries)."""
    ids = [t.id for t in teams]
    totals: dict[uuid.UUID, tuple[int, int]] = {}
    linked: dict[uuid.UUID, list[schemas.LinkedActivity]] = {i: [] for i in ids}
    if ids:
        rows = await session.execute(
            select(
                TeamService.team_id,
                func.sum(TeamService.member_person_times),
                func.sum(TeamService.other_person_times),
            )
            .where(TeamService.team_id.in_(ids))
            .group_by(TeamService.team_id)
        )
        totals = {team_id: (int(m or 0), int(o or 0)) for team_id, m, o in rows.all()}
        for row in await session.scalars(
            select(TeamActivity)
            .where(TeamActivity.team_id.in_(ids))
            .order_by(TeamActivity.linked_at, TeamActivity.id)
        ):
            linked[row.team_id].append(
                schemas.LinkedActivity(activity_id=row.activity_id, title=row.title)
            )
    found = []
    for team in teams:
        members, others = totals.get(team.id, (0, 0))
        found.append(
            schemas.Team(
                id=team.id,
                tenant_id=team.tenant_id,
                name=team.name,
                theme=team.theme,
                leader_name=team.leader_name,
                party_organisation_id=team.party_organisation_id,
                member_ids=[uuid.UUID(m) for m in team.member_ids],
                activities=linked[team.id],
                person_times=members + others,
                member_person_times=members,
                other_person_times=others,
            )
        )
    return found
