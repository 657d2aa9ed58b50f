"""Every HTTP route of the funding module, aggregate by aggregate, mounted by the host under
``/api/v1/tenants/{tenant_key}/funding``."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from plugins.funding.applications import routes as applications
from plugins.funding.calls import routes as calls
from plugins.funding.ledger import routes as ledger
from plugins.funding.reviews import routes as reviews
from plugins.funding.transparency import routes as transparency

ROUTES: list[ControllerRouterHandler] = [
    *calls.ROUTES,
    *applications.ROUTES,
    *reviews.ROUTES,
    *ledger.ROUTES,
    *transparency.ROUTES,
]
