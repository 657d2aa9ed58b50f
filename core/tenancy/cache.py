"""A per-process cache of tenant resolution: ``{tenant_key}`` → the tenant's row, without a query.

Every tenant route resolves its key; the tree changes rarely. An entry lives at most ``ttl``
seconds (``GONGZHI_MODULE_STATE_TTL``, the bound module states already promise), so a change
committed by another process is seen within that time, plus the moment one request takes to
read it again: when an entry expires, the first request to ask re-reads it and the requests
that ask meanwhile keep the expired entry (for at most another ``ttl``) instead of all
re-reading it at once, which under load made every expiry a burst of identical queries. A
change committed through any session of this process (ORM objects or ORM bulk
``update(Tenant)``/``delete(Tenant)``) empties every cache of the process as soon as it
commits. Writes still read the tenant's status from the
database (:func:`core.tenancy.service.ensure_writable`), so a suspension stops writes at once.

A hit is handed out as a fresh object with its own copy of ``settings``: detached
(:meth:`TenantCache.cached`, which needs no session, so a request can open its transaction
directly in the tenant's row-level-security context) or merged into a session as a clean
persistent object (:meth:`TenantCache.find`; detached too in a read request). Either way a
handler may change it like a loaded one and the cached copy never sees those changes.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import msgspec
from sqlalchemy import Select, bindparam, event, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, attributes
from sqlalchemy.orm.instrumentation import manager_of_class

from core.readconn import READ_CONNECTION_KEY, ReadConnection, built_once
from core.tenancy.models import Tenant

_CHANGED = "gongzhi_tenants_changed"
_SESSION_KEY = "gongzhi_tenant_cache"
_COLUMNS = tuple(column.key for column in Tenant.__table__.columns)
_ALL_COLUMNS = frozenset(_COLUMNS)
MAX_ENTRIES = 100_000
"""Past this many entries a cache starts over rather than grow without bound."""
_caches: weakref.WeakSet[TenantCache] = weakref.WeakSet()
_new_tenant = manager_of_class(Tenant).new_instance
_mapper = inspect(Tenant)
_ID = _COLUMNS.index("id")
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


def is_division_code(key: str) -> bool:
    return key.isascii() and key.isdigit()


def _by(column: Any) -> Select[Any]:
    return select(*(getattr(Tenant, name) for name in _COLUMNS)).where(column == bindparam("key"))


_BY_SLUG = _by(Tenant.slug)
_BY_DIVISION_CODE = _by(Tenant.division_code)


async def find_tenant(session: AsyncSession, key: str) -> Tenant | None:
    """The tenant whose slug, or (for an all-digit key) division code, is ``key``, as a clean
    persistent object of ``session`` (the session's own one if it holds it already; in a read
    request, detached, see below).

    What ``select(Tenant)`` returns, without the ORM's loading: the columns are read as a row
    (still through the ORM, so pending changes are flushed first) and the object is built from
    it the way :func:`attach_copy` builds one, where the loader set up a per-row context, a
    state and an event per column. An uncached tenant request resolves its key with this.

    In a read request whose session holds no pending change, the lookup runs on the request's
    :class:`~core.readconn.ReadConnection`, straight on the driver like a ``core.Query``: same
    statement, transaction and context, without SQLAlchemy's execution path, and without
    handing the connection to the ORM for the rest of the request. The tenant is then a
    detached object, every column loaded, and the session is left as it was: attaching it
    would begin the ORM's unit of work, which such a read never uses (a read keeps its tenant
    detached, :func:`core.tenancy.resolve.provide_tenant`).
    """
    statement = _BY_DIVISION_CODE if is_division_code(key) else _BY_SLUG
    sync = session.sync_session
    shared = sync.info.get(READ_CONNECTION_KEY)
    if isinstance(shared, ReadConnection) and sync._is_clean():
        raw = built_once(statement, shared.dialect)
        if raw is not None:
            rows = await shared.fetch(raw, {"key": key}, brief=True)
            return _loaded(rows[0]) if rows else None
    row = (await session.execute(statement, {"key": key})).one_or_none()
    return None if row is None else _persistent(sync, row)


class TenantCache:
    """Tenants by key (slug or division code) for ``ttl`` seconds; one instance per app.

    It also keeps values *derived* from tenant rows (a module's effective settings, read from a
    tenant's ancestors), under the same bound and emptied by the same tenant changes.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._derived: dict[Hashable, tuple[float, Any]] = {}
        self._refreshing: set[Hashable] = set()
        _caches.add(self)

    def clear(self) -> None:
        self._entries.clear()
        self._derived.clear()
        self._refreshing.clear()

    def _usable(self, key: Hashable, stored_at: float, now: float) -> bool:
        """Whether an entry stored at ``stored_at`` may answer now.

        Fresh entries may. An expired one is re-read by the first request that finds it so
        (which is told no, and is expected to store the new value); the requests that find it
        while that read is under way, within another ``ttl``, are told yes.
        """
        age = now - stored_at
        if age < self.ttl:
            return True
        if age < 2 * self.ttl and key in self._refreshing:
            return True
        self._refreshing.add(key)
        return False

    def use_in(self, session: AsyncSession) -> None:
        """Make this cache the one :func:`cache_of` finds for ``session`` (a request's)."""
        session.info[_SESSION_KEY] = self

    def derived(self, key: Hashable) -> Any | None:
        """A value stored under ``key`` by :meth:`keep` that may answer now (see
        :meth:`_usable`), or None: then the caller computes it and :meth:`keep` s it."""
        entry = self._derived.get(key)
        if entry is None or not self._usable(("derived", key), entry[0], time.monotonic()):
            return None
        return entry[1]

    def keep(self, key: Hashable, value: Any) -> None:
        """Store ``value``, computed from tenant rows read just now, under ``key``."""
        if len(self._derived) >= MAX_ENTRIES:
            self._derived.clear()
        self._derived[key] = (time.monotonic(), value)
        self._refreshing.discard(("derived", key))

    def cached(self, key: str) -> Tenant | None:
        """The tenant of ``key`` as a detached object, if an entry holds it that may answer now
        (see :meth:`_usable`); no query. None tells the caller to :meth:`find` it."""
        entry = self._entries.get(key)
        if entry is None or not self._usable(key, entry[0], time.monotonic()):
            return None
        return _detached(entry[1])

    async def find(self, session: AsyncSession, key: str) -> Tenant | None:
        """Like :func:`~core.tenancy.resolve.find_tenant`, answered from the cache when fresh
        (a request that found the entry expired an instant ago, while another refreshed it):
        then, as :func:`find_tenant` would, a clean persistent copy in ``session``, or in a
        read request whose session holds no change, a detached one."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self.ttl:
            sync = session.sync_session
            if READ_CONNECTION_KEY in sync.info and sync._is_clean():
                return _detached(entry[1])
            return attach_copy(sync, _detached(entry[1]))
        try:
            tenant = await find_tenant(session, key)
        finally:
            self._refreshing.discard(key)
        if tenant is None:
            self._entries.pop(key, None)
        else:
            row = {name: getattr(tenant, name) for name in _COLUMNS}
            row["settings"] = _copy_settings(row["settings"])
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (now, row)
        return tenant


def cache_of(session: AsyncSession) -> TenantCache | None:
    """The tenant cache of the app whose request ``session`` serves (None outside requests)."""
    cache = session.info.get(_SESSION_KEY)
    return cache if isinstance(cache, TenantCache) else None


def _copy_settings(settings: Any) -> Any:
    """A private copy of a JSON column's value: a msgspec round trip, several times cheaper
    than ``copy.deepcopy`` and exact for what a JSON column holds."""
    return _decode(_encode(settings))


def _built(values: Iterable[tuple[str, Any]], key: Any = None) -> Tenant:
    """A detached, clean ``Tenant`` holding every column of ``values``, built the way the ORM
    loads one: the new instance's ``__dict__`` filled directly and its identity ``key`` (worked
    out from the id when not given) set on its state.

    ``Tenant(**row)`` fires an attribute event per column and records each as a change, only
    for :func:`~sqlalchemy.orm.make_transient_to_detached` to forget them: that was most of a
    cached resolution's cost (7 % of a tenant read in ``make bench-profile``). Even on such a
    fresh instance ``make_transient_to_detached`` works out its key through the mapper, clears
    a history it has none of and looks for unloaded attributes where every column is loaded;
    setting the key is all of it that applies (2 % of a cached read's CPU under cProfile).
    """
    tenant: Tenant = _new_tenant()
    loaded = tenant.__dict__
    loaded.update(values)
    if key is None:
        key = _mapper.identity_key_from_primary_key((loaded["id"],))
    attributes.instance_state(tenant).key = key
    return tenant


def _detached(row: dict[str, Any]) -> Tenant:
    """A cache entry's ``row`` as a detached tenant (:func:`_built`) with its own copy of
    ``settings``, so that nothing a request does to it reaches the cache."""
    tenant = _built(row.items())
    tenant.__dict__["settings"] = _copy_settings(row["settings"])
    return tenant


def _loaded(values: Sequence[Any]) -> Tenant:
    """A detached tenant (:func:`_built`) whose every column is ``values``, in :data:`_COLUMNS`
    order, read just now and so its own."""
    return _built(zip(_COLUMNS, values, strict=True))


def attach_copy(session: Session, tenant: Tenant) -> Tenant:
    """A copy of the detached, fully loaded ``tenant`` in ``session``, clean and persistent.

    What ``session.merge(tenant, load=False)`` returns (the session's own object when it holds
    one already, column values shared with ``tenant``) in less than half the work: the new
    instance's ``__dict__`` is filled directly, as :func:`_detached` fills a cache hit, its
    identity key is set from the id, and it joins the session by the step ``Session.add`` ends
    in for a detached object (``_update_impl``), where ``merge`` sets each column through its
    attribute, works the key out again and walks the cascades of a class that has none. A
    tenant with a column not loaded goes through ``merge``.
    """
    loaded = tenant.__dict__
    if loaded.keys() >= _ALL_COLUMNS:
        return _persistent(session, [loaded[name] for name in _COLUMNS])
    found = session.identity_map.get(_mapper.identity_key_from_primary_key((tenant.id,)))
    return found if isinstance(found, Tenant) else session.merge(tenant, load=False)


def _persistent(session: Session, values: Sequence[Any]) -> Tenant:
    """The tenant whose every column is ``values`` (in :data:`_COLUMNS` order) as a clean
    persistent object of ``session``: the session's own one if it holds that id already, else
    a new one (:func:`_built`) that joins the session by ``_update_impl`` (see
    :func:`attach_copy`)."""
    key = _mapper.identity_key_from_primary_key((values[_ID],))
    found = session.identity_map.get(key)
    if isinstance(found, Tenant):
        return found
    tenant = _built(zip(_COLUMNS, values, strict=True), key)
    session._update_impl(attributes.instance_state(tenant))
    return tenant


_generation = 0


def generation() -> int:
    """How many times this process's tenant caches were emptied (each committed tenant change
    counts): a value derived from tenant rows read under one generation is stale once another
    generation has begun, however recent it is."""
    return _generation


def clear_all() -> None:
    """Empty every tenant cache of this process."""
    global _generation
    _generation += 1
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
