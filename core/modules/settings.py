"""Per-tenant module settings, inherited down the tree.

A tenant keeps overrides in ``tenant.settings["modules"][<module>]``; the effective settings of
a module at a tenant are the manifest's defaults overlaid by each ancestor's overrides from the
root down, the nearest one winning. A district sets a default for all its towns; a town may
narrow it for its communities.

A module's handler takes them as the ``config: ModuleConfig`` dependency; code outside a
request (a CLI command, a subscriber) calls :func:`module_settings`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from litestar import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.modules.manifest import Manifest
from core.tenancy.models import Tenant


async def module_settings(
    session: AsyncSession, tenant: Tenant, manifest: Manifest
) -> dict[str, Any]:
    """The effective settings of ``manifest``'s module at ``tenant`` (one query)."""
    rows = await session.execute(
        select(Tenant.depth, Tenant.settings).where(Tenant.id.in_(tenant.ancestor_ids))
    )
    effective = dict(manifest.settings)
    for _depth, settings in sorted(rows.all(), key=lambda row: row[0]):
        overrides = (settings or {}).get("modules", {}).get(manifest.name, {})
        if isinstance(overrides, dict):
            effective.update({k: v for k, v in overrides.items() if k in manifest.settings})
    return effective


class ModuleConfig(Mapping[str, Any]):
    """The effective settings of the route's module at the route's tenant, read-only.

    Every key of the manifest's ``settings`` is present (a tenant's override or the default);
    keys a tenant sets that the manifest does not declare are not. Values are what the tenant
    file or the manifest holds (lists, numbers, mappings): a module validates their shape where
    it uses them. Changing the mapping is not possible; settings change through the tenant.
    """

    __slots__ = ("_values", "module")

    def __init__(self, module: str, values: Mapping[str, Any]) -> None:
        self.module = module
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"ModuleConfig({self.module!r}, {self._values!r})"


async def provide_config(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant
) -> ModuleConfig:
    """The ``config`` dependency of a module's route (the host marks its routes' module).

    A route outside any module that asks for ``config`` is a programming error, reported as
    such rather than answered with empty settings.
    """
    module = request.route_handler.opt.get("module")
    plugin = request.app.state.host.plugin_of(module) if isinstance(module, str) else None
    if plugin is None:
        raise RuntimeError(
            f"route {request.route_handler.handler_name} takes config but belongs to no module"
        )
    return ModuleConfig(plugin.name, await module_settings(session, tenant, plugin.manifest))
