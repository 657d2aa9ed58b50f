"""HTTP routes of the ledger: reading and exporting it, paying tranches, returns and
reversals. Every write appends; nothing is ever edited."""

from __future__ import annotations

import uuid

from litestar import Response, get, post
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    Caller,
    Column,
    ExportFormat,
    ExportOperation,
    NotFound,
    Page,
    Paging,
    Tenant,
    export_response,
    in_subtree,
    paginate,
)
from plugins.funding.applications import services as applications
from plugins.funding.clock import today
from plugins.funding.ledger import services
from plugins.funding.ledger.schemas import (
    Disbursement,
    Entry,
    ReturnCreate,
    ReversalCreate,
    Tranches,
)
from plugins.funding.models import Application, Call, LedgerEntry
from plugins.funding.money import yuan
from plugins.funding.permissions import MANAGE, READ

COLUMNS = [
    Column("recorded_at", "记账时间"),
    Column("occurred_on", "发生日期"),
    Column("call_id", "资助项目"),
    Column("application_id", "申报项目"),
    Column("seq", "序号"),
    Column("kind_title", "类型"),
    Column("tranche", "期次"),
    Column("amount_fen", "金额（分）"),
    Column("amount_yuan", "金额（元）", lambda e: yuan(e.amount_fen)),
    Column("committed_total", "累计立项（分）"),
    Column("disbursed_total", "累计拨付（分）"),
    Column("reason", "说明"),
]
"""The ledger's columns in a CSV/XLSX download; amounts in fen, and in yuan as exact text."""


def readable(tenant: Tenant, call_id: uuid.UUID | None) -> Select[LedgerEntry]:
    """Entries of calls run in the subtree, and of the subtree's own projects."""
    mine = select(Application.id).where(applications.visible(tenant))
    stmt = select(LedgerEntry).where(
        or_(in_subtree(LedgerEntry.tenant_id, tenant), LedgerEntry.application_id.in_(mine))
    )
    if call_id is not None:
        stmt = stmt.where(LedgerEntry.call_id == call_id)
    return stmt.order_by(LedgerEntry.recorded_at, LedgerEntry.seq, LedgerEntry.id)


@get("/ledger", opt=READ)
async def list_entries(
    tenant: Tenant, session: AsyncSession, paging: Paging, call_id: uuid.UUID | None = None
) -> Page[Entry]:
    """The ledger in the order it was written."""
    return await paginate(session, readable(tenant, call_id), paging, services.answer)


@get("/ledger/export", opt=READ, operation_class=ExportOperation)
async def export_entries(
    tenant: Tenant,
    session: AsyncSession,
    format: ExportFormat = "csv",
    call_id: uuid.UUID | None = None,
) -> Response[bytes]:
    rows = (await session.execute(readable(tenant, call_id))).scalars()
    return export_response([services.answer(e) for e in rows], COLUMNS, format, "funding-ledger")


@get("/applications/{application_id:uuid}/tranches", opt=READ)
async def get_tranches(
    tenant: Tenant, session: AsyncSession, application_id: uuid.UUID
) -> Tranches:
    """The project's tranches under its call's plan, with what the ledger shows paid."""
    application = await applications.get(session, tenant, application_id)
    call = await _call_of(session, application)
    return await applications.tranches(session, application, call)


async def _call_of(session: AsyncSession, application: Application) -> Call:
    call = await session.get(Call, application.call_id)
    if call is None:
        raise NotFound("资助项目")
    return call


@post("/applications/{application_id:uuid}/disbursements", opt=MANAGE)
async def disburse(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    application_id: uuid.UUID,
    data: Disbursement,
) -> Entry:
    """Pay a tranche: in order, once, after its trigger; the amount is the plan's."""
    application, call = await applications.managed(session, tenant, application_id)
    entry = await applications.disburse(session, application, call, data, caller.id)
    return services.answer(entry)


@post("/applications/{application_id:uuid}/returns", opt=MANAGE)
async def record_return(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    application_id: uuid.UUID,
    data: ReturnCreate,
) -> Entry:
    """Money the project gives back; at most what it was paid."""
    application, call = await applications.managed(session, tenant, application_id)
    return services.answer(
        await applications.give_back(session, application, call, data, caller.id)
    )


@post("/ledger/{entry_id:uuid}/reversal", opt=MANAGE)
async def reverse_entry(
    tenant: Tenant, session: AsyncSession, caller: Caller, entry_id: uuid.UUID, data: ReversalCreate
) -> Entry:
    """Correct a disbursement or a return by its negation (once); the entry itself stays."""
    entry = await services.reverse(
        session,
        tenant,
        entry_id,
        reason=data.reason.strip(),
        occurred_on=data.occurred_on or today(),
        actor=caller.id,
    )
    return services.answer(entry)


ROUTES = [
    list_entries,
    export_entries,
    get_tranches,
    disburse,
    record_return,
    reverse_entry,
]
