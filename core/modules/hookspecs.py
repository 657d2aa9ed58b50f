"""Every hook a Gongzhi plugin may implement, in one place.

A plugin is a module (or object) registered under the entry-point group ``gongzhi.plugins``
whose functions are decorated with :data:`hookimpl` and named after the specs below. Only
``gongzhi_manifest`` is required; what a plugin has exactly one of (routes, migrations, metrics,
events, isolation fixtures) is a field of its manifest, not a hook, so no answer can be dropped.
Every other hook collects the answers of every plugin. Hooks that concern one tenant are called
only for plugins enabled at that tenant.

The kernel's own areas (tenancy, identity, modules, demo) are plugins on the same manager,
without a manifest: they add their CLI groups and tenant-file sections through these hooks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import click
from sqlalchemy.ext.asyncio import AsyncSession

from core.markers import PROJECT, hookimpl, hookspec

if TYPE_CHECKING:
    from core.demo import DemoContext
    from core.modules.events import Event
    from core.modules.manifest import Manifest
    from core.modules.pages import ConsolePages
    from core.tenancy.models import Tenant
    from core.tenancy.provisioning import TenantFileSection

__all__ = [
    "PROJECT",
    "REMOVED_HOOKS",
    "SUBSCRIBER_SCOPES",
    "SubscribeCallback",
    "SubscriberScope",
    "Subscription",
    "all_hook_names",
    "hookimpl",
    "hookspec",
]

EventHandler = Callable[[AsyncSession, "Event"], Awaitable[None]]
SubscriberScope = Literal["tenant", "tree"]
SUBSCRIBER_SCOPES: tuple[SubscriberScope, ...] = ("tenant", "tree")


class SubscribeCallback(Protocol):
    """What ``gongzhi_subscribe`` receives: ``subscribe(event_type, handler, scope=...)``."""

    def __call__(
        self, event_type: str, handler: EventHandler, *, scope: SubscriberScope = "tenant"
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Subscription:
    """A handler a plugin registered for an event type, and the rows it runs over.

    ``scope="tenant"``: the row-level-security context of the event's tenant (its subtree).
    ``scope="tree"``: the subtree of the event tenant's top-level ancestor, for a module that
    links its records across tiers (a town's team, a community's activity); such a handler
    filters by tenant itself.
    """

    plugin: str
    handler: EventHandler
    scope: SubscriberScope = "tenant"


@hookspec(firstresult=True)
def gongzhi_manifest() -> Manifest:
    """Return the plugin's :class:`~core.modules.manifest.Manifest`.

    Called once when the plugin loads, before any other hook. Required.
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
    idempotent (it may see an event again after a failure), keyed on ``event.id``. It sees the
    rows of the event tenant's subtree, or with ``scope="tree"`` those of the whole tree the
    tenant belongs to (see :class:`Subscription`).
    """


@hookspec
def gongzhi_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``gongzhi`` command line."""


@hookspec
def gongzhi_soak_invariants() -> Sequence[Callable[[AsyncSession], Awaitable[list[str]]]]:
    """Return checks of the module's own invariants; each returns a list of violations.

    Run by the soak and crash tests after load; an empty list means the data is consistent.
    """
    return []


@hookspec
def gongzhi_tenant_file_sections() -> Sequence[TenantFileSection]:
    """Return handlers of extra keys of tenant nodes in ``gongzhi tenants apply`` files.

    Collected from every plugin and from the kernel's areas (identity's ``users``, the module
    host's ``modules``). Each :class:`~core.tenancy.provisioning.TenantFileSection` names its key
    (not a tenant field, unique across plugins), validates the key's YAML value before anything
    is written and applies it in the file's transaction once every tenant of the file exists.
    """
    return []


@hookspec
async def gongzhi_demo_load(context: DemoContext) -> None:
    """Add the module's demo records to the tenant tree in ``context`` (``gongzhi demo load``).

    Runs in one transaction (``context.session``) with the system context; must be idempotent
    (a second run adds nothing) and deterministic through ``context.random`` and
    ``context.today``. Never called under ``GONGZHI_ENV=production`` unless forced.
    """


@hookspec
def gongzhi_console_pages() -> ConsolePages | None:
    """Return the module's pages in the web console (``/console``), or None for none.

    Called once when the console is built. A :class:`~core.modules.pages.ConsolePages` declares
    one navigation entry and, per kind of record, its list, detail, forms and downloads; the
    console renders them from the module's own typed routes, called with the signed-in user's
    credentials, and shows the entry only at tenants where the module is on.
    """


REMOVED_HOOKS: dict[str, str] = {
    "gongzhi_routes": "routes",
    "gongzhi_migrations": "migrations",
    "gongzhi_metrics": "metrics",
    "gongzhi_isolation_fixtures": "isolation",
}
"""Hooks of Gongzhi 0.1 that became manifest fields in 0.2, with the field that replaces each."""


def all_hook_names() -> list[str]:
    return sorted(
        name for name in globals() if name.startswith("gongzhi_") and name not in REMOVED_HOOKS
    )
