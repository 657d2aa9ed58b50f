"""公益项目与资金 / Funding: calls, joint applications, panel review, tranches and a public
ledger.

The plugin host loads this module through the ``gongzhi.plugins`` entry point, reads what the
module offers from :data:`MANIFEST` and calls the hook implementations below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from core import ConsolePages, DemoContext, Manifest, TenantFileSection, hookimpl
from plugins.funding import console, demo, isolation, manifest, metrics
from plugins.funding.events import EVENTS
from plugins.funding.routes import ROUTES
from plugins.funding.tenant_file import FundingSection

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"

MANIFEST = dataclasses.replace(
    manifest.MANIFEST,
    routes=ROUTES,
    migrations=MIGRATIONS,
    metrics=metrics.METRICS,
    events=EVENTS,
    isolation=isolation.FIXTURES,
)
"""The whole manifest; ``manifest.MANIFEST`` is its identity and settings, which the module's
own code reads without importing its routes."""

__all__ = ["MANIFEST", "MIGRATIONS"]


@hookimpl
def gongzhi_manifest() -> Manifest:
    return MANIFEST


@hookimpl
def gongzhi_soak_invariants() -> Sequence[Callable[[AsyncSession], Awaitable[list[str]]]]:
    return metrics.INVARIANTS


@hookimpl
def gongzhi_tenant_file_sections() -> Sequence[TenantFileSection]:
    return [FundingSection()]


@hookimpl
async def gongzhi_demo_load(context: DemoContext) -> None:
    await demo.load(context)


@hookimpl
def gongzhi_console_pages() -> ConsolePages:
    return console.PAGES
