"""Every HTTP route of the deliberation hall, aggregate by aggregate, mounted by the host under
``/api/v1/tenants/{tenant_key}/deliberation-hall``."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from plugins.deliberation_hall.public import routes as public
from plugins.deliberation_hall.sessions import routes as sessions
from plugins.deliberation_hall.tasks import routes as tasks
from plugins.deliberation_hall.topics import routes as topics
from plugins.deliberation_hall.votes import routes as votes

ROUTES: list[ControllerRouterHandler] = [
    *topics.ROUTES,
    *sessions.ROUTES,
    *votes.ROUTES,
    *tasks.ROUTES,
    *public.ROUTES,
]
