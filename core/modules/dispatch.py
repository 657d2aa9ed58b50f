"""Delivering outbox events to subscribers after commit, and retrying what failed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import cast

import structlog
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import SYSTEM, Database, DbContext
from core.modules.events import PENDING_EVENTS_KEY, Event, Hearing
from core.modules.host import PluginHost
from core.modules.models import OutboxEvent
from core.modules.state import ModuleStates
from core.orm import utcnow
from core.tenancy.models import Tenant

HANDLER_TIMEOUT = 10.0
MAX_ATTEMPTS = 10
RETRY_AFTER = timedelta(seconds=5)

log = structlog.get_logger("gongzhi.events")

_OUTBOX = cast(Table, OutboxEvent.__table__)
_O = _OUTBOX.c
_DELIVERED = (
    update(_OUTBOX).where(_O.id == bindparam("event_id")).values(dispatched_at=bindparam("at"))
)
"""An event's row marked delivered (built once, like the outbox's insert in :func:`~core.modules.events.emit`)."""
_FAILED = (
    update(_OUTBOX)
    .where(_O.id == bindparam("event_id"))
    .values(attempts=_O.attempts + 1, last_error=bindparam("error"))
)
"""An event's row counting a failed delivery, left pending for :meth:`retry_pending`."""


def tree_context(tenant: Tenant) -> DbContext:
    """The context of the whole tree ``tenant`` belongs to: its top-level ancestor's subtree."""
    root_id = tenant.ancestor_ids[0]
    return DbContext(tenant_id=root_id, tenant_path=f"/{root_id.hex}/")


class EventDispatcher:
    """Runs each subscriber of an event in its own transaction, isolated from the others.

    Subscribers run in the context of the event's tenant (row-level security binds them to its
    subtree), or of its whole tree for a subscription with ``scope="tree"``; only the lookup of
    the tenant and the scan for pending events use the system context.

    A subscriber that raises or times out is logged with its plugin's name; the event stays
    pending and is offered again by :meth:`retry_pending` (so subscribers must be idempotent on
    ``event.id``). The emitting request has already committed and is never affected.
    """

    def __init__(self, db: Database, host: PluginHost, states: ModuleStates) -> None:
        self.db = db
        self.host = host
        self.states = states

    async def hears(
        self,
        session: AsyncSession,
        tenant: Tenant | None,
        event_type: str,
        event_tenant_id: uuid.UUID,
    ) -> bool:
        """False when certainly no subscriber hears the event: none subscribes to its type, or
        the event is at the request's ``tenant`` and every subscriber's module is off there
        (read from the request's cached module states). True whenever that is not known."""
        handlers = self.host.subscriptions.get(event_type)
        if not handlers:
            return False
        if tenant is None or event_tenant_id != tenant.id:
            return True
        enabled = await self.states.enabled_modules(session, tenant)
        return any(subscription.plugin in enabled for subscription in handlers)

    def hearing_for(self, tenant: Tenant | None) -> Hearing:
        """The :data:`~core.modules.events.Hearing` of a request about ``tenant``: :func:`emit`
        inserts an event it answers False for already delivered."""

        async def hearing(session: AsyncSession, event_type: str, tenant_id: uuid.UUID) -> bool:
            return await self.hears(session, tenant, event_type, tenant_id)

        return hearing

    async def settle_unheard(self, session: AsyncSession, tenant: Tenant | None) -> None:
        """Mark delivered, inside the emitting transaction, the pending events nobody hears.

        An event whose type has no subscriber, or whose subscribers' modules are all off at its
        tenant (checked where that tenant is the request's, ``tenant``), would otherwise cost a
        write transaction of its own after commit just to record that: on SQLite a second turn
        on the writer lock per request. In a request :func:`~core.modules.events.emit` already
        inserts such an event delivered (:meth:`hearing_for`); this catches the ones emitted
        before the request's hearing was in place or in a session without one. The rows are
        updated in the emitting transaction and leave the list the request dispatches; a row
        the transaction's context cannot update stays pending for the dispatcher as before.
        """
        events: list[Event] = session.info.get(PENDING_EVENTS_KEY) or []
        if not events:
            return
        unheard = [
            event.id
            for event in events
            if not await self.hears(session, tenant, event.type, event.tenant_id)
        ]
        if not unheard:
            return
        settled = set(
            (
                await session.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id.in_(unheard), OutboxEvent.dispatched_at.is_(None))
                    .values(dispatched_at=utcnow())
                    .returning(OutboxEvent.id)
                    .execution_options(synchronize_session=False)
                )
            ).scalars()
        )
        session.info[PENDING_EVENTS_KEY] = [e for e in events if e.id not in settled]

    async def dispatch(self, events: Sequence[Event]) -> None:
        for event in events:
            await self._deliver(event)

    async def _deliver(self, event: Event) -> None:
        handlers = self.host.subscriptions.get(event.type, [])
        error: str | None = None
        context = SYSTEM
        if handlers:
            async with self.db.session(context=SYSTEM) as session:
                tenant = await session.get(Tenant, event.tenant_id)
                enabled = (
                    await self.states.enabled_modules(session, tenant) if tenant else frozenset()
                )
            if tenant is not None:
                context = DbContext.for_tenant(tenant)
            for subscription in handlers:
                plugin = subscription.plugin
                if plugin not in enabled:
                    continue
                reach = context
                if subscription.scope == "tree" and tenant is not None:
                    reach = tree_context(tenant)
                try:
                    async with self.db.session(write=True, context=reach) as session:
                        await asyncio.wait_for(
                            subscription.handler(session, event), timeout=HANDLER_TIMEOUT
                        )
                except Exception as exc:
                    error = f"{plugin}: {type(exc).__name__}: {exc}"[:500]
                    log.exception(
                        "event_handler_failed",
                        plugin=plugin,
                        event_type=event.type,
                        event_id=str(event.id),
                    )
        async with self.db.session(write=True, context=context) as session:
            if error is None:
                await session.execute(_DELIVERED, {"event_id": event.id, "at": utcnow()})
            else:
                await session.execute(_FAILED, {"event_id": event.id, "error": error})

    async def retry_pending(self, limit: int = 100) -> int:
        """Offer again events not yet delivered (older than a few seconds); returns how many."""
        async with self.db.session(context=SYSTEM) as session:
            rows = (
                await session.scalars(
                    select(OutboxEvent)
                    .where(
                        OutboxEvent.dispatched_at.is_(None),
                        OutboxEvent.attempts < MAX_ATTEMPTS,
                        OutboxEvent.created_at < utcnow() - RETRY_AFTER,
                    )
                    .order_by(OutboxEvent.created_at)
                    .limit(limit)
                )
            ).all()
        events = [
            Event(r.id, r.type, r.source, r.tenant_id, dict(r.payload), r.created_at) for r in rows
        ]
        await self.dispatch(events)
        return len(events)

    async def run_retries(self, interval: float = 10.0) -> None:
        """Background loop of :meth:`retry_pending` for the life of the app."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.retry_pending()
            except Exception:
                log.exception("event_retry_failed")
