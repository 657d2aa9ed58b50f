"""A per-process cache of tenant resolution: ``{tenant_key}`` → the tenant's row, without a query.

Every tenant route resolves its key; the tree changes rarely. An entry lives at most ``ttl``
seconds (``GONGZHI_MODULE_STATE_TTL``, the bound module states already promise), so a change
committed by another process is seen within that time; a change committed through any session
of this process (ORM objects or ORM bulk ``update(Tenant)``/``delete(Tenant)``) empties every
cache of the process as soon as it commits. Writes still read the tenant's status from the
database (:func:`core.tenancy.service.ensure_writable`), so a suspension stops writes at once.

A hit is handed to the session as a fresh, clean persistent object (``merge(load=False)``, with
its own copy of ``settings``), so a handler may change it like a loaded one and the cached copy
never sees those changes.
"""

from __future__ import annotations

import copy
import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, make_transient_to_detached

from core.tenancy.models import Tenant
from core.tenancy.resolve import find_tenant

_CHANGED = "gongzhi_tenants_changed"
_COLUMNS = tuple(column.key for column in Tenant.__table__.columns)
_caches: weakref.WeakSet[TenantCache] = weakref.WeakSet()


class TenantCache:
    """Tenants by key (slug or division code) for ``ttl`` seconds; one instance per app."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        _caches.add(self)

    def clear(self) -> None:
        self._entries.clear()

    async def find(self, session: AsyncSession, key: str) -> Tenant | None:
        """Like :func:`~core.tenancy.resolve.find_tenant`, answered from the cache when fresh."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self.ttl:
            return _attach(session, entry[1])
        tenant = await find_tenant(session, key)
        if tenant is not None:
            row = {name: getattr(tenant, name) for name in _COLUMNS}
            row["settings"] = copy.deepcopy(row["settings"])
            self._entries[key] = (now, row)
        return tenant


def _attach(session: AsyncSession, row: dict[str, Any]) -> Tenant:
    found = session.sync_session.identity_map.get(
        session.sync_session.identity_key(Tenant, row["id"])
    )
    if isinstance(found, Tenant):
        return found
    values = dict(row, settings=copy.deepcopy(row["settings"]))
    tenant = Tenant(**values)
    make_transient_to_detached(tenant)
    return session.sync_session.merge(tenant, load=False)


def clear_all() -> None:
    """Empty every tenant cache of this process."""
    for cache in list(_caches):
        cache.clear()


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: Any) -> None:
    if any(isinstance(obj, Tenant) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is Tenant for mapper in state.all_mappers
    ):
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _clear_on_commit(session: Session) -> None:
    """A flag left by a rolled-back change only costs a spurious clear, so none is reset."""
    if session.info.pop(_CHANGED, False):
        clear_all()
