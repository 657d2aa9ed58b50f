"""What a tenant sees beyond its own subtree: pairings and their joint activities.

Every row is seen from the subtree of the tenant that owns it (:func:`core.in_subtree`). A
pairing links two communities that may lie in different towns, so it and its joint activities
are also seen from each paired community's subtree, while the pairing belongs to the tenant that
made it. This module is that one rule.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import NotFound, Tenant, in_subtree
from plugins.five_sector.models import Activity, Pairing


def visible_pairings(tenant: Tenant) -> Select[Any]:
    """Ids of pairings ``tenant`` sees: made in its subtree, or with a party in its subtree."""
    return select(Pairing.id).where(
        or_(
            in_subtree(Pairing.tenant_id, tenant),
            in_subtree(Pairing.urban_tenant_id, tenant),
            in_subtree(Pairing.rural_tenant_id, tenant),
        )
    )


def activity_visible(tenant: Tenant) -> ColumnElement[bool]:
    """Activities of ``tenant``'s subtree and joint activities of the pairings it sees."""
    return or_(
        in_subtree(Activity.tenant_id, tenant), Activity.pairing_id.in_(visible_pairings(tenant))
    )


async def visible_activity(
    session: AsyncSession, tenant: Tenant, activity_id: uuid.UUID, *, lock: bool = False
) -> Activity:
    """The activity if ``tenant`` sees it, else 404.

    ``lock`` holds its row until commit (PostgreSQL; a SQLite write transaction holds the whole
    database already), so sign-ups, check-ins and the close of one activity take turns: none is
    lost to a close that ran in between.
    """
    query = select(Activity).where(Activity.id == activity_id, activity_visible(tenant))
    if lock:
        query = query.with_for_update(of=Activity)
    activity = (await session.execute(query)).scalar_one_or_none()
    if activity is None:
        raise NotFound("活动")
    return activity
