"""HTTP routes of pioneer teams and their person-times."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, Tenant, paginate
from plugins.party_building.permissions import MANAGE, READ, WRITE
from plugins.party_building.pioneer_teams import services
from plugins.party_building.pioneer_teams.schemas import (
    ActivityLink,
    Service,
    ServiceCreate,
    Team,
    TeamCreate,
)


@get("/pioneer-teams", opt=READ)
async def list_teams(tenant: Tenant, session: AsyncSession, paging: Paging) -> Page[Team]:
    """The subtree's pioneer teams by name, each with its live person-times figure."""
    page = await paginate(session, services.query(tenant), paging, lambda t: t)
    return Page(
        items=await services.answers(session, page.items),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@post("/pioneer-teams", opt=MANAGE)
async def create_team(tenant: Tenant, session: AsyncSession, data: TeamCreate) -> Team:
    team = await services.create(session, tenant, data)
    return (await services.answers(session, [team]))[0]


@get("/pioneer-teams/{pioneer_team_id:uuid}", opt=READ)
async def get_team(tenant: Tenant, session: AsyncSession, pioneer_team_id: uuid.UUID) -> Team:
    team = await services.get(session, tenant, pioneer_team_id)
    return (await services.answers(session, [team]))[0]


@post("/pioneer-teams/{pioneer_team_id:uuid}/activities", opt=WRITE)
async def link_activity(
    tenant: Tenant, session: AsyncSession, pioneer_team_id: uuid.UUID, data: ActivityLink
) -> Team:
    """The team serves in this five-sector activity: closing it credits the team."""
    team = await services.link(session, tenant, pioneer_team_id, data)
    return (await services.answers(session, [team]))[0]


@get("/pioneer-teams/{pioneer_team_id:uuid}/services", opt=READ)
async def list_services(
    tenant: Tenant, session: AsyncSession, paging: Paging, pioneer_team_id: uuid.UUID
) -> Page[Service]:
    """The team's person-times, newest first: credited from activities or entered by hand."""
    team = await services.get(session, tenant, pioneer_team_id)
    return await paginate(session, services.services_query(team), paging, services.service_answer)


@post("/pioneer-teams/{pioneer_team_id:uuid}/services", opt=WRITE)
async def record_service(
    tenant: Tenant, session: AsyncSession, pioneer_team_id: uuid.UUID, data: ServiceCreate
) -> Service:
    """Person-times entered by hand, for services not recorded through five-sector."""
    return services.service_answer(await services.record(session, tenant, pioneer_team_id, data))


ROUTES = [list_teams, create_team, get_team, link_activity, list_services, record_service]
