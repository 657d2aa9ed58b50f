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

from core import DemoContext, Manifest, hookimpl
from plugins.funding import demo, isolation, manifest, metrics
from plugins.funding.events import EVENTS
from plugins.funding.routes import ROUTES

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
async def gongzhi_demo_load(context: DemoContext) -> None:
    await demo.load(context)
