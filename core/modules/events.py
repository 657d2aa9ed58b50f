"""Domain events: how modules cooperate without importing each other.

A module declares each event it emits as an :class:`EventContract` in its manifest: the type
and the msgspec struct of its payload. :func:`emit` writes the event into the outbox inside the
caller's transaction, so an event exists exactly when the data it describes was committed; it
fills the source from the declaring module and refuses an undeclared type or a payload that is
not the declared struct, so subscribers can rely on the shape. After commit the host dispatches
it to the handlers that plugins registered through ``gongzhi_subscribe``, skipping plugins that
are off for the event's tenant. A handler that fails is logged with its plugin's name; the event
is retried later, so handlers must be idempotent on ``event.id``.
"""

from __future__ import annotations

import builtins
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from core.modules.models import OutboxEvent
from core.orm import utcnow
from core.statements import Insert

EVENT_TYPE_RE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9_.-]*$")
PENDING_EVENTS_KEY = "gongzhi_pending_events"
HEARING_KEY = "gongzhi_event_hearing"
"""``session.info`` key of a :data:`Hearing`: the request's answer to "does anyone hear this"."""

Hearing = Callable[[AsyncSession, str, uuid.UUID], Awaitable[bool]]
"""Whether an event of a type at a tenant may have a subscriber; False only when certain not."""

S = TypeVar("S", bound=msgspec.Struct)

_OUTBOX = Insert(OutboxEvent)
"""The outbox row's INSERT, built once; the session's pending rows are written first (an event
may name a tenant or a row added in the same transaction)."""


@dataclass(frozen=True, slots=True)
class EventContract:
    """One event a module emits: ``type`` is ``<module>.<what-happened>``, ``payload`` the
    msgspec struct its payload must be, and what it means, in Chinese and English (the
    catalogue of events in docs/plugins.md is written from these)."""

    type: str
    payload: builtins.type[msgspec.Struct]
    description: str
    description_en: str


@dataclass(frozen=True, slots=True)
class DeclaredEvent:
    """A contract as the host registered it, with the module that declared it."""

    module: str
    contract: EventContract


_DECLARED: dict[str, DeclaredEvent] = {}


def declare_events(declared: Mapping[str, DeclaredEvent]) -> None:
    """Make the contracts of loaded plugins known to :func:`emit` in this process.

    Called by the plugin host after loading; a later load (another app in the same process)
    replaces the contracts of the types it declares and keeps the others.
    """
    _DECLARED.update(declared)


def declared_event(type: str) -> DeclaredEvent | None:
    return _DECLARED.get(type)


@dataclass(frozen=True, slots=True)
class Event:
    """An event as handlers see it. ``type`` is ``<source>.<what-happened>``; ``payload`` is the
    declared struct as JSON-like builtins (ids and times as strings)."""

    id: uuid.UUID
    type: str
    source: str
    tenant_id: uuid.UUID
    payload: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=utcnow)

    def payload_as(self, struct: builtins.type[S]) -> S:
        """The payload decoded as ``struct`` (usually the emitter's declared payload type).

        A subscriber may also declare a struct of only the fields it reads; unknown fields are
        ignored. Raises ``msgspec.ValidationError`` when the payload does not fit.
        """
        return msgspec.convert(self.payload, struct, strict=False)


def _validated(type: str, payload: object) -> tuple[DeclaredEvent, dict[str, Any]]:
    declared = _DECLARED.get(type)
    if declared is None:
        raise ValueError(
            f"event type {type!r} is not declared: add an EventContract for it to the "
            "emitting module's Manifest.events"
        )
    expected = declared.contract.payload
    if not isinstance(payload, expected):
        raise TypeError(
            f"payload of {type!r} must be {expected.__module__}.{expected.__qualname__}, "
            f"not {payload.__class__.__qualname__}"
        )
    encoded = msgspec.json.encode(payload)
    try:
        msgspec.json.decode(encoded, type=expected)
    except msgspec.ValidationError as exc:
        raise ValueError(f"payload of {type!r} does not match its contract: {exc}") from exc
    builtins: dict[str, Any] = msgspec.json.decode(encoded)
    return declared, builtins


async def emit(
    session: AsyncSession,
    type: str,
    *,
    tenant_id: uuid.UUID,
    payload: msgspec.Struct,
) -> Event:
    """Record an event in the current transaction; it is dispatched after commit.

    ``type`` must be declared in the emitting module's ``Manifest.events`` and ``payload`` be an
    instance of the declared struct whose fields hold the declared types: otherwise
    ``ValueError`` (undeclared type, wrong field types) or ``TypeError`` (another struct)
    before anything is written. The event's source is the declaring module. In a request, an
    event no subscriber hears at its tenant (no subscription to its type, or every subscriber's
    module off there) is inserted already delivered: no second statement, and nothing to
    dispatch after commit. The row is inserted when ``emit`` returns, through a statement
    built once (no ORM object, no flush of its own); rows the session holds unflushed are
    written first.
    """
    if not EVENT_TYPE_RE.match(type):
        raise ValueError(f"event type {type!r} must look like '<module>.<what-happened>'")
    declared, body = _validated(type, payload)
    hearing: Hearing | None = session.info.get(HEARING_KEY)
    unheard = hearing is not None and not await hearing(session, type, tenant_id)
    event = Event(
        id=uuid.uuid4(),
        type=type,
        source=declared.module,
        tenant_id=tenant_id,
        payload=body,
        occurred_at=utcnow(),
    )
    await _OUTBOX.add(
        session,
        {
            "id": event.id,
            "tenant_id": tenant_id,
            "type": type,
            "source": declared.module,
            "payload": body,
            "created_at": event.occurred_at,
            "dispatched_at": event.occurred_at if unheard else None,
            "attempts": 0,
            "last_error": None,
        },
    )
    if not unheard:
        session.info.setdefault(PENDING_EVENTS_KEY, []).append(event)
    return event
