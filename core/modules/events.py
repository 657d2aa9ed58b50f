"""Domain events: how modules cooperate without importing each other.

:func:`emit` writes the event into the outbox inside the caller's transaction, so an event exists
exactly when the data it describes was committed. After commit the host dispatches it to the
handlers that plugins registered through ``gongzhi_subscribe``, skipping plugins that are off for
the event's tenant. A handler that fails is logged with its plugin's name; the event is retried
later, so handlers must be idempotent on ``event.id``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.modules.models import OutboxEvent
from core.orm import utcnow

_EVENT_TYPE_RE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9_.-]*$")
PENDING_EVENTS_KEY = "gongzhi_pending_events"


@dataclass(frozen=True, slots=True)
class Event:
    """An event as handlers see it. ``type`` is ``<source>.<what-happened>``."""

    id: uuid.UUID
    type: str
    source: str
    tenant_id: uuid.UUID
    payload: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=utcnow)


async def emit(
    session: AsyncSession,
    type: str,
    *,
    tenant_id: uuid.UUID,
    payload: dict[str, Any],
    source: str,
) -> Event:
    """Record an event in the current transaction; it is dispatched after commit.

    ``payload`` must be JSON-serialisable (ids as strings, money in fen as integers).
    """
    if not _EVENT_TYPE_RE.match(type):
        raise ValueError(f"event type {type!r} must look like '<module>.<what-happened>'")
    row = OutboxEvent(
        id=uuid.uuid4(), tenant_id=tenant_id, type=type, source=source, payload=payload
    )
    session.add(row)
    await session.flush()
    event = Event(
        id=row.id,
        type=type,
        source=source,
        tenant_id=tenant_id,
        payload=payload,
        occurred_at=row.created_at,
    )
    session.info.setdefault(PENDING_EVENTS_KEY, []).append(event)
    return event
