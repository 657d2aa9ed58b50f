"""The organisation directory: naming social organisations across modules.

Several modules speak of social organisations (a party branch covers some, a funding
application is made by one, an incubatee is one) while one module keeps them (five-sector's
register). A module never reads another's tables, so the keeper declares an
:class:`OrganisationDirectory` in its manifest and the others ask the core:
:func:`organisation_directory_on` (is a keeper on at this tenant?), :func:`find_organisations`
(these ids, checked to lie in the tenant's subtree), :func:`list_organisations` (the
subtree's organisations, for pickers and demo data) and :func:`count_organisations` (how many
the subtree has, for shares). Where no keeper is on, a module names organisations plainly (a
name, no id).

The answers come from keepers that are *on* at the tenant asked about, so a module switched off
stops naming organisations at once (within the module-state cache bound).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from core.tenancy.models import Tenant

if TYPE_CHECKING:
    from core.modules.host import PluginHost
    from core.modules.state import ModuleStates

Registration = Literal["registered", "filed"]


class OrganisationRef(msgspec.Struct, frozen=True, kw_only=True):
    """A social organisation as the keeping module names it.

    ``id`` is its id in the keeping module (``module``); ``tenant_id`` its home tenant;
    ``registration`` 登记 (``registered``), 备案 (``filed``) or neither yet (``None``).
    """

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    registration: Registration | None = None
    category: str | None = None
    module: str = ""


FindOrganisations = Callable[
    [AsyncSession, str, Sequence[uuid.UUID]], Awaitable[Sequence[OrganisationRef]]
]
SearchOrganisations = Callable[
    [AsyncSession, str, str | None, int], Awaitable[Sequence[OrganisationRef]]
]
CountOrganisations = Callable[[AsyncSession, str], Awaitable[int]]

_UNCAPPED = 2**31 - 1


@dataclass(frozen=True, slots=True)
class OrganisationDirectory:
    """How a keeping module answers for its organisations (``Manifest.organisations``).

    - ``find(session, subtree_path, ids)``: those of ``ids`` whose home tenant's path starts
      with ``subtree_path``.
    - ``search(session, subtree_path, text, limit)``: up to ``limit`` organisations of the
      subtree ordered by name, those whose name contains ``text`` when it is given.
    - ``count(session, subtree_path)``: how many organisations ``search`` would list without a
      limit (one ``COUNT`` in SQL). Optional: a keeper without it is counted by listing every
      organisation of the subtree, which is correct but reads them all.

    All run on the caller's session (its transaction and row-level-security context); ``find``
    and ``search`` may leave ``OrganisationRef.module`` empty: the core fills it in.
    """

    find: FindOrganisations
    search: SearchOrganisations
    count: CountOrganisations | None = None


@dataclass(slots=True)
class _Keepers:
    host: PluginHost | None = None
    states: ModuleStates | None = None


_KEEPERS = _Keepers()


def declare_directories(host: PluginHost) -> None:
    """Make the keepers of ``host``'s plugins the ones this process asks (the latest load wins,
    as for event contracts)."""
    from core.modules.state import ModuleStates

    _KEEPERS.host = host
    _KEEPERS.states = ModuleStates(host, host.settings.module_state_ttl)


async def _keepers_on(
    session: AsyncSession, tenant: Tenant
) -> list[tuple[str, OrganisationDirectory]]:
    host, states = _KEEPERS.host, _KEEPERS.states
    if host is None or states is None:
        return []
    keepers = [
        (name, plugin.manifest.organisations)
        for name, plugin in sorted(host.plugins.items())
        if plugin.manifest.organisations is not None
    ]
    if not keepers:
        return []
    enabled = await states.enabled_modules(session, tenant)
    return [(name, directory) for name, directory in keepers if name in enabled]


async def module_on(session: AsyncSession, tenant: Tenant, module: str) -> bool:
    """Whether ``module`` is on at ``tenant`` (within the module-state cache bound), so a module
    handing something to another tenant (a topic escalated to the tenant above) can refuse
    where it is off there. ``False`` before any plugins are loaded."""
    states = _KEEPERS.states
    if states is None:
        return False
    return await states.is_enabled(session, tenant, module)


async def organisation_directory_on(session: AsyncSession, tenant: Tenant) -> bool:
    """Whether a module keeping organisations is on at ``tenant``."""
    return bool(await _keepers_on(session, tenant))


async def find_organisations(
    session: AsyncSession, tenant: Tenant, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, OrganisationRef]:
    """The organisations among ``ids`` that lie in ``tenant``'s subtree, by id.

    An id that is unknown, or whose organisation lives outside the subtree, is absent from the
    answer (the caller answers 422 naming its field). Empty when no keeper is on at ``tenant``.
    """
    wanted = list(dict.fromkeys(ids))
    found: dict[uuid.UUID, OrganisationRef] = {}
    if not wanted:
        return found
    for name, directory in await _keepers_on(session, tenant):
        for ref in await directory.find(session, tenant.path, wanted):
            if ref.id in wanted and ref.id not in found:
                found[ref.id] = _named(ref, name)
    return found


async def list_organisations(
    session: AsyncSession, tenant: Tenant, *, search: str | None = None, limit: int = 200
) -> list[OrganisationRef]:
    """Up to ``limit`` organisations of ``tenant``'s subtree ordered by name (then id).

    ``search`` keeps those whose name contains it. Empty when no keeper is on at ``tenant``.
    """
    if limit < 1:
        return []
    found: list[OrganisationRef] = []
    for name, directory in await _keepers_on(session, tenant):
        found.extend(
            _named(r, name) for r in await directory.search(session, tenant.path, search, limit)
        )
    found.sort(key=lambda r: (r.name, r.id))
    return found[:limit]


async def count_organisations(session: AsyncSession, tenant: Tenant) -> int | None:
    """How many organisations ``tenant``'s subtree has (those :func:`list_organisations` would
    list without a limit), or ``None`` when no keeper is on at ``tenant``.

    Counted in the database, so the answer stays exact however many there are.
    """
    keepers = await _keepers_on(session, tenant)
    if not keepers:
        return None
    total = 0
    for _name, directory in keepers:
        if directory.count is not None:
            total += await directory.count(session, tenant.path)
        else:
            total += len(await directory.search(session, tenant.path, None, _UNCAPPED))
    return total


def _named(ref: OrganisationRef, module: str) -> OrganisationRef:
    return ref if ref.module == module else msgspec.structs.replace(ref, module=module)
