"""Every hook a Gongzhi plugin may implement, in one place.

A plugin is a module (or object) registered under the entry-point group ``gongzhi.plugins``
whose functions are decorated with :data:`hookimpl` and named after the specs below. Only
``gongzhi_manifest`` is required. Hooks that concern one tenant are called only for plugins
enabled at that tenant.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pluggy
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from core.demo import DemoContext
    from core.modules.events import Event
    from core.modules.isolation import IsolationFixtures
    from core.modules.manifest import Manifest
    from core.modules.metrics import MetricQuery
    from core.tenancy.models import Tenant

PROJECT = "gongzhi"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

EventHandler = Callable[[AsyncSession, "Event"], Awaitable[None]]
SubscribeCallback = Callable[[str, EventHandler], None]


@hookspec(firstresult=True)
def gongzhi_manifest() -> Manifest:
    """Return the plugin's :class:`~core.modules.manifest.Manifest`.

    Called once when the plugin loads, before any other hook. Required.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def gongzhi_routes() -> Sequence[ControllerRouterHandler]:
    """Return the module's Litestar handlers or controllers, with paths relative to the module.

    Called once at app start. The host mounts them under
    ``/api/v1/tenants/{tenant_key}/{module-name}``; each handler declares
    ``opt={"permission": "<module>:<action>"}`` and may take the ``tenant`` and ``session``
    dependencies. Where the module is off for the tenant, the host answers 404 before the
    handler runs.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def gongzhi_migrations() -> Path:
    """Return the folder of the plugin's Alembic revisions (its own branch).

    The branch label of its first revision is the module name. Models are declared on
    :class:`core.Base` so they share the core's metadata.
    """
    raise NotImplementedError


@hookspec
async def gongzhi_tenant_created(session: AsyncSession, tenant: Tenant) -> None:
    """Called inside the transaction that created ``tenant``, for plugins enabled there."""


@hookspec
async def gongzhi_module_enabled(session: AsyncSession, tenant: Tenant, module: str) -> None:
    """Called inside the transaction that switched ``module`` on for ``tenant`` (own choice).

    Called for the plugin named ``module`` only.
    """


@hookspec
async def gongzhi_module_disabled(session: AsyncSession, tenant: Tenant, module: str) -> None:
    """Called inside the transaction that switched ``module`` off for ``tenant`` (own choice).

    Called for the plugin named ``module`` only. Data is kept; disabling never deletes.
    """


@hookspec
def gongzhi_subscribe(subscribe: SubscribeCallback) -> None:
    """Register event handlers: call ``subscribe(event_type, handler)`` for each.

    Called once at start. A handler runs after the emitting transaction commits, in its own
    transaction, only where the subscribing plugin is enabled for the event's tenant; it must be
    idempotent (it may see an event again after a failure), keyed on ``event.id``.
    """


@hookspec(firstresult=True)
def gongzhi_metrics() -> Sequence[MetricQuery]:
    """Return the module's roll-up figures as :class:`~core.modules.metrics.MetricQuery` items.

    Each query yields ``(tenant_id, value)`` rows aggregated over the module's own tables; the
    core restricts them to a subtree and adds them up the tree in SQL.
    """
    raise NotImplementedError


@hookspec
def gongzhi_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``gongzhi`` command line."""


@hookspec
def gongzhi_soak_invariants() -> Sequence[Callable[[AsyncSession], Awaitable[list[str]]]]:
    """Return checks of the module's own invariants; each returns a list of violations.

    Run by the soak and crash tests after load; an empty list means the data is consistent.
    """
    return []


@hookspec(firstresult=True)
def gongzhi_isolation_fixtures() -> IsolationFixtures:
    """Return how to create the module's data at a tenant and a body for each write route.

    Used by the tenant-isolation matrix, which fails for any route of the module whose path
    parameters or request body no fixture supplies.
    """
    raise NotImplementedError


@hookspec
async def gongzhi_demo_load(context: DemoContext) -> None:
    """Add the module's demonstration records under ``context.root``; idempotent.

    Called by ``gongzhi demo load`` for plugins that are on somewhere in the root's subtree, in
    the order of their ``requires``, each inside its own transaction in the system database
    context (``context.session``). A second call must add nothing. Use ``context.random`` (seeded
    per module and root) and ``context.today`` (Asia/Shanghai) so that the records are the same
    on every machine and their dates stay recent.
    """


def all_hook_names() -> list[str]:
    return sorted(name for name in globals() if name.startswith("gongzhi_"))
