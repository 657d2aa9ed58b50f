"""Every HTTP route of the five-sector module, aggregate by aggregate, mounted by the host
under ``/api/v1/tenants/{tenant_key}/five-sector``."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from plugins.five_sector.activities import routes as activities
from plugins.five_sector.charity import routes as charity
from plugins.five_sector.organisations import routes as organisations
from plugins.five_sector.pairings import routes as pairings
from plugins.five_sector.social_workers import routes as social_workers
from plugins.five_sector.volunteers import routes as volunteers

ROUTES: list[ControllerRouterHandler] = [
    *organisations.ROUTES,
    *social_workers.ROUTES,
    *volunteers.ROUTES,
    *activities.ROUTES,
    *charity.ROUTES,
    *pairings.ROUTES,
]
