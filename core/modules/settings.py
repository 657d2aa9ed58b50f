"""Per-tenant module settings, inherited down the tree.

A tenant keeps overrides in ``tenant.settings["modules"][<module>]``; the effective settings of
a module at a tenant are the manifest's defaults overlaid by each ancestor's overrides from the
root down, the nearest one winning. A district sets a default for all its towns; a town may
narrow it for its communities.

Within a request they come from the app's tenant cache (:mod:`core.tenancy.cache`): one query
per tenant and module at most every ``GONGZHI_MODULE_STATE_TTL`` seconds, and a tenant change
committed in this process (its settings, an ancestor's, a move) empties the cache at once.
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec
from sqlalchemy import select
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
    return found.thaw()  # type: ignore[no-any-return]


class _Frozen:
    """Settings kept for copying out: as JSON when that gives them back unchanged (decoding
    is several times cheaper than ``copy.deepcopy``), else as the object itself."""

    __slots__ = ("encoded", "value")

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = copy.deepcopy(value)
        try:
            encoded: bytes | None = msgspec.json.encode(value)
        except (TypeError, msgspec.EncodeError):
            encoded = None
        if encoded is not None and msgspec.json.decode(encoded) != value:
            encoded = None
        self.encoded = encoded

    def thaw(self) -> dict[str, Any]:
        if self.encoded is not None:
            thawed: dict[str, Any] = msgspec.json.decode(self.encoded)
            return thawed
        return copy.deepcopy(self.value)


async def _load(session: AsyncSession, tenant: Tenant, manifest: Manifest) -> dict[str, Any]:
    rows = await session.execute(
        select(Tenant.depth, Tenant.settings).where(Tenant.id.in_(tenant.ancestor_ids))
    )
    effective = dict(manifest.settings)
    for _depth, settings in sorted(rows.all(), key=lambda row: row[0]):
        overrides = (settings or {}).get("modules", {}).get(manifest.name, {})
        if isinstance(overrides, dict):
            effective.update({k: v for k, v in overrides.items() if k in manifest.settings})
    return effective
