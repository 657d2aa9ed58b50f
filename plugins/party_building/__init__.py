"""党建引领 / Party-building leadership: party organisations and the social organisations they
cover, members, pioneer teams and the person-times they mobilise, 三会一课 and its compliance,
supervision and training, and yearly work plans built on a tenant's own method.

The plugin host loads this module through the ``gongzhi.plugins`` entry point, reads what the
module offers from :data:`MANIFEST` and calls the hook implementations below. It learns about
five-sector's activities only through the event catalogue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    ConsolePages,
    DemoContext,
    Manifest,
    SubscribeCallback,
    TenantFileSection,
    hookimpl,
)
from plugins.party_building import console, demo, isolation, manifest, metrics
from plugins.party_building.pioneer_teams.services import ACTIVITY_CLOSED, credit_from_activity
from plugins.party_building.routes import ROUTES
from plugins.party_building.tenant_file import PartyBuildingSection

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"

MANIFEST = dataclasses.replace(
    manifest.MANIFEST,
    routes=ROUTES,
    migrations=MIGRATIONS,
    metrics=metrics.METRICS,
    isolation=isolation.FIXTURES,
)
"""The whole manifest; ``manifest.MANIFEST`` is its identity and settings, which the module's
own code reads without importing its routes."""

__all__ = ["MANIFEST", "MIGRATIONS"]


@hookimpl
def gongzhi_manifest() -> Manifest:
    return MANIFEST


@hookimpl
def gongzhi_subscribe(subscribe: SubscribeCallback) -> None:
    """A closed five-sector activity credits the pioneer teams serving in it. Teams may sit
    above the activity's tenant, so the handler runs over the whole tree (``scope="tree"``)."""
    subscribe(ACTIVITY_CLOSED, credit_from_activity, scope="tree")


@hookimpl
def gongzhi_soak_invariants() -> Sequence[Callable[[AsyncSession], Awaitable[list[str]]]]:
    return metrics.INVARIANTS


@hookimpl
def gongzhi_tenant_file_sections() -> Sequence[TenantFileSection]:
    return [PartyBuildingSection()]


@hookimpl
async def gongzhi_demo_load(context: DemoContext) -> None:
    await demo.load(context, MANIFEST)


@hookimpl
def gongzhi_console_pages() -> ConsolePages:
    return console.PAGES
