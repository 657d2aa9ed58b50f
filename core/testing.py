"""Test helpers for Gongzhi and its plugin authors (also loaded as a pytest plugin).

``make_tree`` builds a tenant tree directly in the database from a nested mapping, so a test
states the shape it needs in one line.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from core.db import Database
from core.tenancy.models import Tenant

TreeSpec = Mapping[str, "TreeSpec"]


async def make_tree(
    db: Database,
    spec: TreeSpec,
    *,
    levels: Sequence[str] = ("district", "town", "community"),
    parent: Tenant | None = None,
    codes: Mapping[str, str] | None = None,
) -> dict[str, Tenant]:
    """Create ``spec`` (``{"slug": {"child-slug": {...}}}``) under ``parent``; slug → tenant.

    Levels follow depth: the top of ``spec`` takes the level below ``parent`` (or the first
    level). Names are the slugs; ``codes`` optionally gives division codes by slug.
    """
    created: dict[str, Tenant] = {}
    codes = codes or {}

    def build(node: TreeSpec, above: Tenant | None, rank: int) -> None:
        for slug, children in node.items():
            tenant_id = uuid.uuid4()
            path = (above.path if above else "/") + tenant_id.hex + "/"
            tenant = Tenant(
                id=tenant_id,
                parent_id=above.id if above else None,
                path=path,
                depth=(above.depth + 1) if above else 0,
                level=levels[rank],
                kind=None,
                slug=slug,
                name=slug,
                division_code=codes.get(slug),
                status="active",
                settings={},
            )
            created[slug] = tenant
            build(children, tenant, rank + 1)

    start = levels.index(parent.level) + 1 if parent else 0
    build(spec, parent, start)
    async with db.session(write=True) as session:
        session.add_all(created.values())
    return created


def problem_code(body: Mapping[str, Any]) -> str:
    """The last segment of a problem detail's ``type``."""
    return str(body.get("type", "")).rsplit("/", 1)[-1]
