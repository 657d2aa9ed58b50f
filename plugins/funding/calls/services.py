"""Funding calls: creation with their rules checked, lookup from above and below, balances.

A call belongs to the tenant that runs it. Applicants below it find it (it is open to their
subtree); managers at it or above it run it. Its balance is read from the ledger's last entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.funding import rules
from plugins.funding.calls.schemas import Balance, CallCreate, Criterion, Tranche
from plugins.funding.calls.schemas import Call as CallAnswer
from plugins.funding.ledger import services as ledger
from plugins.funding.models import Call


def _rule(field: str, error: rules.RuleError) -> Invalid:
    return Invalid(field, error.message, message_en=error.message_en)


async def create(
    session: AsyncSession,
    tenant: Tenant,
    body: CallCreate,
    config: Mapping[str, Any],
    actor: uuid.UUID | None,
) -> Call:
    """A call at ``tenant``; omitted rules come from the tenant's settings, and every rule is
    checked (criteria weights sum to 100, a tranche plan in lifecycle order summing to 100)."""
    if body.closes_on < body.opens_on:
        raise Invalid("closes_on", "截止日期不能早于开始日期", message_en="closes before it opens")
    criteria = (
        [msgspec.structs.asdict(c) for c in body.criteria]
        if body.criteria is not None
        else [dict(c) for c in config["criteria"]]
    )
    plan = (
        [msgspec.structs.asdict(t) for t in body.tranche_plan]
        if body.tranche_plan is not None
        else [dict(t) for t in config["tranche_plan"]]
    )
    try:
        rules.check_criteria(criteria)
    except rules.RuleError as error:
        raise _rule("criteria", error) from None
    try:
        rules.check_tranche_plan(plan)
    except rules.RuleError as error:
        raise _rule("tranche_plan", error) from None
    categories = [c.strip() for c in (body.categories or config["categories"]) if c.strip()]
    if not categories:
        raise Invalid("categories", "至少一个类别", message_en="at least one category")
    call = Call(
        tenant_id=tenant.id,
        title=body.title.strip(),
        description=body.description.strip(),
        funder_kind=body.funder_kind,
        funder_name=body.funder_name.strip(),
        pool_fen=body.pool_fen,
        categories=categories,
        eligible_registrations=list(
            body.eligible_registrations or config["eligible_registrations"]
        ),
        eligible_levels=list(body.eligible_levels or config["eligible_levels"]),
        opens_on=body.opens_on,
        closes_on=body.closes_on,
        criteria=criteria,
        tranche_plan=plan,
        created_by=actor,
    )
    session.add(call)
    await session.flush()
    return call


def reachable(tenant: Tenant) -> Any:
    """Calls run at ``tenant``, above it (open to its subtree) or below it."""
    return or_(Call.tenant_id.in_(tenant.ancestor_ids), in_subtree(Call.tenant_id, tenant))


async def get(session: AsyncSession, tenant: Tenant, call_id: uuid.UUID) -> Call:
    """A call ``tenant`` can see: its own, an ancestor's or its subtree's; else 404."""
    found = (
        await session.execute(select(Call).where(Call.id == call_id, reachable(tenant)))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("资助项目")
    return found


async def managed(session: AsyncSession, tenant: Tenant, call_id: uuid.UUID) -> Call:
    """A call run at ``tenant`` or below it (one its managers may run); else 404."""
    found = (
        await session.execute(
            select(Call).where(Call.id == call_id, row_in_subtree(Call.tenant_id, tenant))
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("资助项目")
    return found


def query(tenant: Tenant, *, open_on: date | None = None) -> Select[Call]:
    stmt = select(Call).where(reachable(tenant))
    if open_on is not None:
        stmt = stmt.where(Call.opens_on <= open_on, Call.closes_on >= open_on)
    return stmt.order_by(Call.opens_on.desc(), Call.id)


def is_open(call: Call, today: date) -> bool:
    return call.opens_on <= today <= call.closes_on


async def balance(session: AsyncSession, call: Call) -> Balance:
    totals = await ledger.call_totals(session, call.id)
    return Balance(
        pool_fen=call.pool_fen,
        committed_fen=totals.committed,
        disbursed_fen=totals.disbursed,
        available_fen=call.pool_fen - totals.committed,
        entries=totals.seq,
    )


def answer(call: Call, money: Balance | None, today: date) -> CallAnswer:
    return CallAnswer(
        id=call.id,
        tenant_id=call.tenant_id,
        title=call.title,
        description=call.description,
        funder_kind=call.funder_kind,  # type: ignore[arg-type]
        funder_name=call.funder_name,
        pool_fen=call.pool_fen,
        categories=list(call.categories),
        eligible_registrations=list(call.eligible_registrations),  # type: ignore[arg-type]
        eligible_levels=list(call.eligible_levels),  # type: ignore[arg-type]
        opens_on=call.opens_on,
        closes_on=call.closes_on,
        is_open=is_open(call, today),
        criteria=[msgspec.convert(c, Criterion) for c in call.criteria],
        tranche_plan=[msgspec.convert(t, Tranche) for t in call.tranche_plan],
        balance=money,
    )


def runs(tenant: Tenant, call: Call) -> bool:
    """``tenant`` runs ``call`` or lies above it (a reachable call not run above ``tenant``)."""
    return call.tenant_id == tenant.id or call.tenant_id not in tenant.ancestor_ids


async def answered(session: AsyncSession, tenant: Tenant, call: Call, today: date) -> CallAnswer:
    """The call with its balance where ``tenant`` runs it or lies above it."""
    money = await balance(session, call) if runs(tenant, call) else None
    return answer(call, money, today)
