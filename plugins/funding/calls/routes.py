"""HTTP routes of funding calls, their balances and rankings."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, ModuleConfig, Page, Paging, Tenant, paginate
from plugins.funding.calls import services
from plugins.funding.calls.schemas import Balance, Call, CallCreate, Ranking
from plugins.funding.clock import today
from plugins.funding.permissions import MANAGE, READ
from plugins.funding.reviews import services as reviews


@get("/calls", opt=READ)
async def list_calls(
    tenant: Tenant, session: AsyncSession, paging: Paging, open_only: bool = False
) -> Page[Call]:
    """Calls run here, above (open to this subtree) or below, latest first; ``open_only``
    keeps those open today."""
    stmt = services.query(tenant, open_on=today() if open_only else None)
    page = await paginate(session, stmt, paging, lambda c: c)
    day = today()
    return Page(
        items=[await services.answered(session, tenant, c, day) for c in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@post("/calls", opt=MANAGE)
async def create_call(
    tenant: Tenant, session: AsyncSession, caller: Caller, config: ModuleConfig, data: CallCreate
) -> Call:
    """Open a call at this tenant with its pool, rules and tranche plan."""
    call = await services.create(session, tenant, data, config, caller.id)
    return await services.answered(session, tenant, call, today())


@get("/calls/{call_id:uuid}", opt=READ)
async def get_call(tenant: Tenant, session: AsyncSession, call_id: uuid.UUID) -> Call:
    call = await services.get(session, tenant, call_id)
    return await services.answered(session, tenant, call, today())


@get("/calls/{call_id:uuid}/balance", opt=READ)
async def get_balance(tenant: Tenant, session: AsyncSession, call_id: uuid.UUID) -> Balance:
    """The pool, committed, disbursed and available amounts, as the ledger holds them; where
    the call is run or above it (404 from below)."""
    return await services.balance(session, await services.managed(session, tenant, call_id))


@get("/calls/{call_id:uuid}/ranking", opt=READ)
async def get_ranking(tenant: Tenant, session: AsyncSession, call_id: uuid.UUID) -> Ranking:
    """The panel's ranking, readable where the call is run (and above)."""
    return await reviews.ranking(session, await services.managed(session, tenant, call_id))


ROUTES = [list_calls, create_call, get_call, get_balance, get_ranking]
