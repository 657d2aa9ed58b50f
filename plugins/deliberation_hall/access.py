"""Who sees a topic and who may act on it.

A topic is seen from the subtree of the tenant that owns it (where it was raised), so the
raising community, its town and its district all see it, whatever tier handles it. It is acted
on (reviewed, deliberated, voted, implemented, escalated) only from its *handling* tenant or
above: once a community passes a topic up to its town, the community still reads it and its
outcome but its writes answer 409 ``escalated`` naming the tier that now handles it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, NotFound, Tenant, row_in_subtree
from plugins.deliberation_hall.models import Topic


async def visible_topic(
    session: AsyncSession, tenant: Tenant, topic_id: uuid.UUID, *, lock: bool = False
) -> Topic:
    """The topic if ``tenant`` sees it, else 404.

    ``lock`` holds its row until commit (PostgreSQL), so two transitions of one topic take
    turns and the second sees the first's state."""
    query = select(Topic).where(Topic.id == topic_id, row_in_subtree(Topic.tenant_id, tenant))
    if lock:
        query = query.with_for_update(of=Topic)
    topic = (await session.execute(query)).scalar_one_or_none()
    if topic is None:
        raise NotFound("议题")
    return topic


def handles(tenant: Tenant, topic: Topic) -> bool:
    """Whether ``tenant`` is the topic's handling tenant or above it.

    The handling tenant lies on the path from the topic's owner up, as does any tenant that
    sees the topic; so ``tenant`` handles it unless the handling tenant is a strict ancestor
    of ``tenant`` (its id is on ``tenant``'s path)."""
    if topic.handling_tenant_id == tenant.id:
        return True
    return topic.handling_tenant_id.hex not in tenant.path


async def ensure_handles(session: AsyncSession, tenant: Tenant, topic: Topic) -> None:
    """409 ``escalated`` unless ``tenant`` may act on ``topic``."""
    if handles(tenant, topic):
        return
    handler = await session.get(Tenant, topic.handling_tenant_id)
    name = handler.name if handler is not None else ""
    slug = handler.slug if handler is not None else str(topic.handling_tenant_id)
    raise Conflict(
        f"议题已上报至{name}办理，本级仅可查看",
        title_en="The topic was escalated; this tier may only read it",
        detail=f"handled by {slug}",
        code="escalated",
        handling_tenant=slug,
    )
