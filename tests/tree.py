"""Building small tenant trees directly in the database for identity and access tests."""

from __future__ import annotations

import uuid

from core.db import Database
from core.tenancy.models import Tenant

LEVELS = ("district", "town", "community")

DEMO_TREE: dict[str, str | None] = {
    "d1": None,
    "d1-t1": "d1",
    "d1-t2": "d1",
    "d1-t1-c1": "d1-t1",
    "d1-t1-c2": "d1-t1",
    "d1-t2-c1": "d1-t2",
    "d2": None,
    "d2-t1": "d2",
    "d2-t1-c1": "d2-t1",
}
"""Two districts; district ``d1`` has two towns with communities. Parents come first."""


async def add_tenants(db: Database, tree: dict[str, str | None]) -> dict[str, Tenant]:
    """Insert ``tree`` (slug -> parent slug, parents first) and return the tenants by slug."""
    made: dict[str, Tenant] = {}
    async with db.session(write=True) as session:
        for slug, parent_slug in tree.items():
            parent = made[parent_slug] if parent_slug else None
            tenant_id = uuid.uuid4()
            depth = parent.depth + 1 if parent else 0
            tenant = Tenant(
                id=tenant_id,
                parent_id=parent.id if parent else None,
                path=(parent.path if parent else "/") + tenant_id.hex + "/",
                depth=depth,
                level=LEVELS[min(depth, len(LEVELS) - 1)],
                slug=slug,
                name=f"组织 {slug}",
                status="active",
                settings={},
            )
            session.add(tenant)
            made[slug] = tenant
    return made
