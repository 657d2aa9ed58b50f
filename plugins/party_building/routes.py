"""Every HTTP route of the party-building module, aggregate by aggregate, mounted by the host
under ``/api/v1/tenants/{tenant_key}/party-building``."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from plugins.party_building import figures
from plugins.party_building.meetings import routes as meetings
from plugins.party_building.members import routes as members
from plugins.party_building.organisations import routes as organisations
from plugins.party_building.pioneer_teams import routes as pioneer_teams
from plugins.party_building.supervision import routes as supervision
from plugins.party_building.work_plans import routes as work_plans

ROUTES: list[ControllerRouterHandler] = [
    *organisations.ROUTES,
    *members.ROUTES,
    *pioneer_teams.ROUTES,
    *meetings.ROUTES,
    *supervision.ROUTES,
    *work_plans.ROUTES,
    *figures.ROUTES,
]
