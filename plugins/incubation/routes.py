"""Every HTTP route of the incubation module, aggregate by aggregate, mounted by the host under
``/api/v1/tenants/{tenant_key}/incubation``."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from plugins.incubation import figures
from plugins.incubation.bases import routes as bases
from plugins.incubation.benchmarks import routes as benchmarks
from plugins.incubation.brand_projects import routes as brand_projects
from plugins.incubation.cohorts import routes as cohorts
from plugins.incubation.incubatees import routes as incubatees
from plugins.incubation.mentors import routes as mentors
from plugins.incubation.projects import routes as projects
from plugins.incubation.resource_matches import routes as resource_matches
from plugins.incubation.scorecards import routes as scorecards
from plugins.incubation.supervision import routes as supervision
from plugins.incubation.surveys import routes as surveys
from plugins.incubation.trainings import routes as trainings

ROUTES: list[ControllerRouterHandler] = [
    *bases.ROUTES,
    *cohorts.ROUTES,
    *incubatees.ROUTES,
    *surveys.ROUTES,
    *trainings.ROUTES,
    *supervision.ROUTES,
    *resource_matches.ROUTES,
    *mentors.ROUTES,
    *benchmarks.ROUTES,
    *projects.ROUTES,
    *brand_projects.ROUTES,
    *scorecards.ROUTES,
    *figures.ROUTES,
]
