"""Where a tenant sits in the tree, read from its materialised path (``/id/id/.../``)."""

from __future__ import annotations

import uuid

from core import Tenant


def ancestor_ids(tenant: Tenant) -> list[uuid.UUID]:
    """``tenant`` and every tenant above it, root first."""
    return [uuid.UUID(hex=part) for part in tenant.path.strip("/").split("/") if part]
