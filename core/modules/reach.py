"""Which modules are on somewhere in a subtree, asked of the database in one statement.

A district's roll-up shows a module's figures when the module is on at any tenant below it, not
only at the district. Deciding that tenant by tenant would read a province's 600,000
communities; instead, the rules of :mod:`core.modules.enablement` are written as one SQL
predicate over a tenant row ``X`` (policies on its path, its own choice, its level, and the same
for every module it requires), and the database is asked whether a tenant satisfying it exists
in the subtree. ``EXISTS`` stops at the first match, and for a module that is off by default
the search starts from the few rows that can switch it on (choices that enable it, ``required``
policies), not from the tenants.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.modules.manifest import Manifest
from core.modules.models import ModuleChoice, ModulePolicy
from core.tenancy.models import Tenant

TenantRow = Any
"""An aliased :class:`Tenant` standing for the tenant ``X`` a predicate is about."""


def _decides(module: str, policy: str, other: str, x: TenantRow) -> ColumnElement[bool]:
    """``policy`` is the first non-``allowed`` policy of ``module`` on ``x``'s path from the
    root: one is set on the path and no ``other`` one is set higher up."""
    row, setter = aliased(ModulePolicy), aliased(Tenant)
    higher, higher_setter = aliased(ModulePolicy), aliased(Tenant)
    above = (
        select(literal(1))
        .select_from(higher)
        .join(higher_setter, higher_setter.id == higher.tenant_id)
        .where(
            higher.module == module,
            higher.policy == other,
            x.path.startswith(higher_setter.path),
            higher_setter.depth < setter.depth,
        )
        .correlate_except(higher, higher_setter)
    )
    return exists(
        select(literal(1))
        .select_from(row)
        .join(setter, setter.id == row.tenant_id)
        .where(
            row.module == module,
            row.policy == policy,
            x.path.startswith(setter.path),
            ~exists(above),
        )
        .correlate_except(row, setter)
    )


def _any_policy(module: str, x: TenantRow) -> ColumnElement[bool]:
    row, setter = aliased(ModulePolicy), aliased(Tenant)
    return exists(
        select(literal(1))
        .select_from(row)
        .join(setter, setter.id == row.tenant_id)
        .where(row.module == module, row.policy != "allowed", x.path.startswith(setter.path))
        .correlate_except(row, setter)
    )


def _choice(module: str, x: TenantRow, enabled: bool) -> ColumnElement[bool]:
    choice = aliased(ModuleChoice)
    return exists(
        select(literal(1))
        .select_from(choice)
        .where(
            choice.tenant_id == x.id,
            choice.module == module,
            choice.enabled.is_(enabled),
        )
        .correlate_except(choice)
    )


def own_state_on(manifest: Manifest, x: TenantRow) -> ColumnElement[bool]:
    """SQL: ``manifest``'s module is on at ``x`` by policy, choice or default, and at its level
    (rules 1-3 of :mod:`core.modules.enablement`; dependencies aside)."""
    name = manifest.name
    if manifest.default_policy == "required":
        default: ColumnElement[bool] = true()
    elif manifest.default_policy == "forbidden":
        default = false()
    elif manifest.default_enabled:
        default = ~_choice(name, x, False)
    else:
        default = _choice(name, x, True)
    state = or_(
        _decides(name, "required", "forbidden", x),
        and_(~_any_policy(name, x), default),
    )
    if manifest.levels:
        state = and_(state, x.level.in_(list(manifest.levels)))
    return state


def _with_requirements(manifests: Mapping[str, Manifest], name: str) -> list[str]:
    """``name`` and every module it requires, directly or not."""
    found: list[str] = []
    stack = [name]
    while stack:
        current = stack.pop()
        if current in found or current not in manifests:
            continue
        found.append(current)
        stack.extend(manifests[current].requires)
    return found


def state_on(manifests: Mapping[str, Manifest], name: str, x: TenantRow) -> ColumnElement[bool]:
    """SQL: module ``name`` is effectively on at ``x``, its required modules included (rule 4)."""
    return and_(*(own_state_on(manifests[m], x) for m in _with_requirements(manifests, name)))


def _found_below(manifests: Mapping[str, Manifest], name: str, tenant: Tenant) -> Select[Any]:
    """One row holding ``name`` when the module is on at some tenant of ``tenant``'s subtree."""
    manifest = manifests[name]
    x = aliased(Tenant)
    in_subtree = x.path.startswith(tenant.path)
    on = state_on(manifests, name, x)
    if manifest.default_policy == "allowed" and not manifest.default_enabled:
        choice, policy, setter = aliased(ModuleChoice), aliased(ModulePolicy), aliased(Tenant)
        chosen = exists(
            select(literal(1))
            .select_from(choice)
            .join(x, x.id == choice.tenant_id)
            .where(choice.module == name, choice.enabled.is_(True), in_subtree, on)
        )
        required = exists(
            select(literal(1))
            .select_from(policy)
            .join(setter, setter.id == policy.tenant_id)
            .join(x, x.path.startswith(setter.path))
            .where(policy.module == name, policy.policy == "required", in_subtree, on)
        )
        found: ColumnElement[bool] = or_(chosen, required)
    else:
        found = exists(select(literal(1)).select_from(x).where(in_subtree, on))
    return select(literal(name).label("module")).where(found)


def _switched_on_somewhere(name: str) -> Select[Any]:
    """One row holding ``name`` when some row that can switch it on is visible: a choice that
    enables it or a ``required`` policy for it.

    A module that is ``allowed`` and off by default is on at a tenant only through one of these
    (rules 1-2 of :mod:`core.modules.enablement`), set at that tenant (a choice) or on its path
    (a policy), and the context that may read the subtree reads both, so a module without any is
    off everywhere in the subtree. Each test stops at the first row of two small tables.
    """
    choice, policy = aliased(ModuleChoice), aliased(ModulePolicy)
    chosen = exists(
        select(literal(1))
        .select_from(choice)
        .where(choice.module == name, choice.enabled.is_(True))
    )
    required = exists(
        select(literal(1))
        .select_from(policy)
        .where(policy.module == name, policy.policy == "required")
    )
    return select(literal(name).label("module")).where(or_(chosen, required))


async def _candidates(
    session: AsyncSession, manifests: Mapping[str, Manifest], asked: list[str]
) -> list[str]:
    """Those of ``asked`` that may be on somewhere below, in one cheap statement.

    The full test of :func:`_found_below` costs the planner tens of milliseconds per module
    under row-level security (every table it reads carries its policies); modules that nothing
    switches on, the usual case for most of a platform's modules in most subtrees, are
    answered here without it.
    """
    optional = [
        name
        for name in asked
        if manifests[name].default_policy == "allowed" and not manifests[name].default_enabled
    ]
    if not optional:
        return asked
    parts = [_switched_on_somewhere(name) for name in optional]
    statement = union_all(*parts) if len(parts) > 1 else parts[0]
    switched = {name for (name,) in await session.execute(statement)}
    return [name for name in asked if name not in optional or name in switched]


async def modules_on_below(
    session: AsyncSession,
    manifests: Mapping[str, Manifest],
    tenant: Tenant,
    known: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """The modules on at ``tenant`` or anywhere in its subtree.

    ``known`` are modules already known to be on (at ``tenant`` itself, from the cached states):
    they are not asked about again. Of the others, those that no visible choice or policy can
    switch on are off (:func:`_candidates`); the rest are asked in one ``UNION ALL``
    statement.
    """
    asked = sorted(name for name in manifests if name not in known)
    if asked:
        asked = await _candidates(session, manifests, asked)
    if not asked:
        return known
    parts = [_found_below(manifests, name, tenant) for name in asked]
    statement = union_all(*parts) if len(parts) > 1 else parts[0]
    rows = await session.execute(statement)
    return known | frozenset(name for (name,) in rows)
