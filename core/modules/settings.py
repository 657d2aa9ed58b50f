"""Per-tenant module settings, inherited down the tree.

A tenant keeps overrides in ``tenant.settings["modules"][<module>]``; the effective settings of
a module at a tenant are the manifest's defaults overlaid by each ancestor's overrides from the
root down, the nearest one winning. A district sets a default for all its towns; a town may
narrow it for its communities.

A module's handler takes them as the ``config: ModuleConfig`` dependency (shared between
requests, read-only); code outside a request (a CLI command, a subscriber) calls
:func:`module_settings` (a copy it owns), or :func:`subtree_module_settings` for every tenant
of a subtree at once.

Within a request they come from the app's tenant cache (:mod:`core.tenancy.cache`): one query
per tenant and module at most every ``GONGZHI_MODULE_STATE_TTL`` seconds, and a tenant change
committed in this process (its settings, an ancestor's, a move) empties the cache at once.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec
from litestar import Request
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.modules.manifest import Manifest
from core.tenancy.cache import cache_of
from core.tenancy.models import Tenant


async def module_settings(
    session: AsyncSession, tenant: Tenant, manifest: Manifest
) -> dict[str, Any]:
    """The effective settings of ``manifest``'s module at ``tenant`` (a copy the caller owns).

    Cached in a request (see the module's docstring); one query otherwise.
    """
    cache = cache_of(session)
    key = ("module-settings", tenant.id, tenant.path, manifest.name)
    found = cache.derived(key) if cache is not None else None
    if found is None:
        effective = await _load(session, tenant, manifest)
        if cache is not None:
            cache.keep(key, _Frozen(effective))
        return effective
    thawed: dict[str, Any] = found.thaw()
    return thawed


class _Frozen:
    """A value kept for copying out: as JSON when that gives it back unchanged (decoding is
    several times cheaper than ``copy.deepcopy``), else as the object itself."""

    __slots__ = ("encoded", "value")

    def __init__(self, value: Any) -> None:
        self.value = copy.deepcopy(value)
        try:
            encoded: bytes | None = msgspec.json.encode(value)
        except (TypeError, msgspec.EncodeError):
            encoded = None
        if encoded is not None and msgspec.json.decode(encoded) != value:
            encoded = None
        self.encoded = encoded

    def thaw(self) -> Any:
        if self.encoded is not None:
            return msgspec.json.decode(self.encoded)
        return copy.deepcopy(self.value)


def _overrides(settings: Any, manifest: Manifest) -> dict[str, Any]:
    """The overrides of ``manifest``'s declared settings a tenant's ``settings`` column holds."""
    found = ((settings or {}).get("modules") or {}).get(manifest.name)
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if k in manifest.settings}


async def _load(session: AsyncSession, tenant: Tenant, manifest: Manifest) -> dict[str, Any]:
    rows = await session.execute(
        select(Tenant.depth, Tenant.settings).where(Tenant.id.in_(tenant.ancestor_ids))
    )
    effective = dict(manifest.settings)
    for _depth, settings in sorted(rows.all(), key=lambda row: row[0]):
        effective.update(_overrides(settings, manifest))
    return effective


async def subtree_module_settings(
    session: AsyncSession, tenant: Tenant, manifest: Manifest
) -> dict[uuid.UUID, tuple[str, dict[str, Any]]]:
    """The effective settings of ``manifest``'s module at every tenant of ``tenant``'s subtree
    (``tenant`` included), by tenant id with the tenant's name: one query over the subtree and
    its ancestors, resolved as :func:`module_settings` resolves them for one tenant, however
    large the subtree. Each value is a copy the caller owns."""
    rows = (
        await session.execute(
            select(Tenant.id, Tenant.path, Tenant.name, Tenant.settings)
            .where(or_(Tenant.id.in_(tenant.ancestor_ids), Tenant.path.startswith(tenant.path)))
            .order_by(Tenant.depth)
        )
    ).all()
    effective_at: dict[str, dict[str, Any]] = {}
    found: dict[uuid.UUID, tuple[str, dict[str, Any]]] = {}
    for tenant_id, path, name, settings in rows:
        parent = path[: path.rstrip("/").rfind("/") + 1]
        effective = {
            **effective_at.get(parent, manifest.settings),
            **_overrides(settings, manifest),
        }
        effective_at[path] = effective
        if path.startswith(tenant.path):
            found[tenant_id] = (name, copy.deepcopy(effective))
    return found


_IMMUTABLE = (str, int, float, bool, type(None))


class ModuleConfig(Mapping[str, Any]):
    """The effective settings of the route's module at the route's tenant, read-only.

    Every key of the manifest's ``settings`` is present (a tenant's override or the default);
    keys a tenant sets that the manifest does not declare are not. Values are what the tenant
    file or the manifest holds (lists, numbers, mappings): a module validates their shape where
    it uses them. Changing the mapping is not possible; settings change through the tenant.

    One instance serves every request at the same tenant while the cache holds it: scalar
    values are handed out as they are, and a list or mapping is copied only when it is read,
    so a handler that changes what it read changes its own copy, never the next request's.
    """

    __slots__ = ("_containers", "_keys", "_scalars", "module")

    def __init__(self, module: str, values: Mapping[str, Any]) -> None:
        self.module = module
        self._keys = tuple(values)
        self._scalars: dict[str, Any] = {}
        self._containers: dict[str, _Frozen] = {}
        for key, value in values.items():
            if isinstance(value, _IMMUTABLE):
                self._scalars[key] = value
            else:
                self._containers[key] = _Frozen(value)

    def __getitem__(self, key: str) -> Any:
        try:
            return self._scalars[key]
        except KeyError:
            return self._containers[key].thaw()

    def __contains__(self, key: object) -> bool:
        return key in self._scalars or key in self._containers

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"ModuleConfig({self.module!r}, {dict(self)!r})"


async def module_config(session: AsyncSession, tenant: Tenant, manifest: Manifest) -> ModuleConfig:
    """The effective settings of ``manifest``'s module at ``tenant`` as a shared, read-only
    :class:`ModuleConfig`: in a request, the same object while the cache holds it (no copy per
    request); outside one, built from one query."""
    cache = cache_of(session)
    key = ("module-config", tenant.id, tenant.path, manifest.name)
    found = cache.derived(key) if cache is not None else None
    if isinstance(found, ModuleConfig):
        return found
    config = ModuleConfig(manifest.name, await module_settings(session, tenant, manifest))
    if cache is not None:
        cache.keep(key, config)
    return config


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
    return await module_config(session, tenant, plugin.manifest)
