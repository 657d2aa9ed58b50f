"""社会组织培育 / Incubation: the district base and the town promotion centres, the full chain
需求调研 → 定制培训 → 项目督导 → 资源对接 → 结业, the three drivers (mentors, benchmarks,
projects), capacity scorecards and brand projects.

The plugin host loads this module through the ``gongzhi.plugins`` entry point, reads what it
offers from :data:`MANIFEST` and calls the hook implementations below. It imports no other
module: organisations are named through the kernel's directory, and funding approvals arrive
as the ``funding.application-approved`` event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from core import ConsolePages, DemoContext, Manifest, SubscribeCallback, hookimpl
from plugins.incubation import console, demo, isolation, manifest, metrics
from plugins.incubation.resource_matches.funding import (
    APPLICATION_APPROVED,
    on_application_approved,
)
from plugins.incubation.routes import ROUTES

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"

MANIFEST = dataclasses.replace(
    manifest.MANIFEST,
    routes=ROUTES,
    migrations=MIGRATIONS,
    metrics=metrics.METRICS,
    isolation=isolation.FIXTURES,
)
"""The whole manifest; ``manifest.MANIFEST`` is its identity and settings."""

__all__ = ["MANIFEST", "MIGRATIONS"]


@hookimpl
def gongzhi_manifest() -> Manifest:
    return MANIFEST


@hookimpl
def gongzhi_subscribe(subscribe: SubscribeCallback) -> None:
    """A funding approval records a resource match; ``tree`` because the incubatee may be kept
    above the tenant running the call."""
    subscribe(APPLICATION_APPROVED, on_application_approved, scope="tree")


@hookimpl
def gongzhi_soak_invariants() -> Sequence[Callable[[AsyncSession], Awaitable[list[str]]]]:
    return metrics.INVARIANTS


@hookimpl
async def gongzhi_demo_load(context: DemoContext) -> None:
    await demo.load(context, MANIFEST)


@hookimpl
def gongzhi_console_pages() -> ConsolePages:
    return console.PAGES
