"""The kernel assembled: the plugin host with the kernel's own areas registered as plugins.

Everything that needs the whole kernel (the app, the command line, the test fixtures) builds its
plugin host here, so the areas themselves never import each other's assembly. The areas
(tenancy, identity, modules, demo) are kernel plugins: they answer ``gongzhi_commands`` and
``gongzhi_tenant_file_sections`` like any module, but have no manifest and are never listed,
enabled or rolled up as modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import demo as demo_hooks
from core.db import Database
from core.identity import hooks as identity_hooks
from core.modules.hooks import ModulesKernel
from core.modules.host import PluginHost
from core.modules.lifecycle import announce_tenant_created
from core.modules.state import ModuleStates
from core.settings import Settings
from core.tenancy import hooks as tenancy_hooks
from core.tenancy.models import Tenant
from core.tenancy.provisioning import Plan, apply_file


def kernel_plugins(host: PluginHost | None) -> list[tuple[str, Any]]:
    """The kernel's areas as ``(name, plugin)``; ``host`` is the one they are registered on."""
    return [
        ("tenancy", tenancy_hooks),
        ("identity", identity_hooks),
        ("modules", ModulesKernel(host)),
        ("demo", demo_hooks),
    ]


def new_host(
    settings: Settings, plugins: Iterable[tuple[str, Any]] = (), *, discover: bool = True
) -> PluginHost:
    """A plugin host with the kernel plugins and the installed (and ``plugins``) modules."""
    host = PluginHost(settings)
    host.add_kernel_plugins(kernel_plugins(host))
    host.load(plugins, discover=discover)
    return host


_loaded: dict[str, PluginHost] = {}


def load_host(settings: Settings) -> PluginHost:
    """The installed plugins, loaded once per process and settings (failures reported, not
    raised): what the command line works with."""
    key = repr((settings.plugins, settings.disabled_plugins, settings.tenant_levels))
    if key not in _loaded:
        _loaded[key] = new_host(settings.with_(strict_plugins=False))
    return _loaded[key]


async def apply_tenant_file(
    db: Database, path: str, *, dry_run: bool = False, host: PluginHost | None = None
) -> Plan:
    """``gongzhi tenants apply``: the file with every section the kernel and plugins declare,
    and ``gongzhi_tenant_created`` for each tenant it creates."""
    host = host if host is not None else load_host(db.settings)
    states = ModuleStates(host, db.settings.module_state_ttl)

    async def created(session: AsyncSession, tenants: Sequence[Tenant]) -> None:
        for tenant in tenants:
            await announce_tenant_created(session, host, states, tenant)

    return await apply_file(
        db, path, dry_run=dry_run, sections=host.tenant_file_sections(), on_created=created
    )


class CliKernel:
    """The :class:`core.clikit.Kernel` of the ``gongzhi`` command."""

    def host(self, settings: Settings) -> PluginHost:
        return load_host(settings)

    def migration_locations(self, settings: Settings) -> list[Path]:
        return load_host(settings).migration_locations()

    async def apply_tenant_file(self, db: Database, path: str, *, dry_run: bool) -> Plan:
        return await apply_tenant_file(db, path, dry_run=dry_run)
