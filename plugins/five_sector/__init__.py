"""五社联动 / Five-sector linkage: social organisations, social workers, volunteers and their
service-hours ledger, activities, charity resources, community pairing.

The plugin host loads this module through the ``gongzhi.plugins`` entry point and calls the
hook implementations below.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from core import DemoContext, IsolationFixtures, Manifest, MetricQuery, hookimpl
from plugins.five_sector import demo, isolation, metrics
from plugins.five_sector.manifest import MANIFEST
from plugins.five_sector.routes import ROUTES

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"

__all__ = ["MANIFEST", "MIGRATIONS"]


@hookimpl
def gongzhi_manifest() -> Manifest:
    return MANIFEST


@hookimpl
def gongzhi_routes() -> Sequence[ControllerRouterHandler]:
    return ROUTES


@hookimpl
def gongzhi_migrations() -> Path:
    return MIGRATIONS


@hookimpl
def gongzhi_metrics() -> Sequence[MetricQuery]:
    return metrics.METRICS


@hookimpl
def gongzhi_soak_invariants() -> Sequence[Callable[[AsyncSession], Awaitable[list[str]]]]:
    return metrics.INVARIANTS


@hookimpl
def gongzhi_isolation_fixtures() -> IsolationFixtures:
    return isolation.FIXTURES


@hookimpl
async def gongzhi_demo_load(context: DemoContext) -> None:
    await demo.load(context, MANIFEST)
