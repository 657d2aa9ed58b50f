"""Per-tenant module settings, inherited down the tree.

A tenant keeps overrides in ``tenant.settings["modules"][<module>]``; the effective settings of
a module at a tenant are the manifest's defaults overlaid by each ancestor's overrides from the
root down, the nearest one winning. A district sets a default for all its towns; a town may
narrow it for its communities.
"""

from __future__ import annotations

from typing import Any

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
