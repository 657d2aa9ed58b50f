"""The append-only ledger of a call's money, and every balance derived from it.

Each entry takes the next ``seq`` of its call and carries the call's and its project's running
totals after it. Writers check the totals they read and then insert; the database refuses a
second entry with the same ``seq`` (UNIQUE) and any totals out of bounds (CHECK), so of two
writers that read the same state only one is written. The other retries inside a savepoint
with what the winner wrote and, if the money is no longer there, gets a 409 that says why and
how much is left. On SQLite writers are serialised by ``BEGIN IMMEDIATE`` and never collide.
Entries are never updated or deleted (triggers refuse it): a correction is a reversal.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, NotFound, Query, Tenant, emit, in_subtree, row_in_subtree
from plugins.funding import events
from plugins.funding.clock import now
from plugins.funding.ledger.schemas import Entry
from plugins.funding.models import Application, Call, LedgerEntry

ATTEMPTS = 5
REVERSIBLE = ("disbursement", "return")
"""Kinds a reversal may correct; a commitment or a release follows a decision and is
corrected by a new decision, not by a reversal."""
KIND_TITLES = {
    "commitment": ("立项承诺", "commitment"),
    "disbursement": ("拨付", "disbursement"),
    "return": ("退回", "return"),
    "release": ("释放余额", "release"),
    "reversal": ("冲正", "reversal"),
}

_L = LedgerEntry.__table__.c


@dataclass(frozen=True)
class Totals:
    """A call's running totals after its last entry (zero before the first)."""

    seq: int
    committed: int
    disbursed: int


@dataclass(frozen=True)
class ProjectTotals:
    """What the ledger holds for one application: committed (approved and not released) and
    disbursed (paid and not returned), each net of reversals."""

    committed: int
    disbursed: int


LAST = Query(
    select(
        _L.seq.label("seq"),
        _L.committed_total.label("committed"),
        _L.disbursed_total.label("disbursed"),
    )
    .where(_L.call_id == bindparam("call_id"))
    .order_by(_L.seq.desc())
    .limit(1),
    lambda row: Totals(int(row.seq), int(row.committed), int(row.disbursed)),
)
PROJECT = Query(
    select(
        func.coalesce(func.sum(_L.committed_delta), 0).label("committed"),
        func.coalesce(func.sum(_L.disbursed_delta), 0).label("disbursed"),
    ).where(_L.application_id == bindparam("application_id")),
    lambda row: ProjectTotals(int(row.committed), int(row.disbursed)),
)


async def call_totals(session: AsyncSession, call_id: uuid.UUID) -> Totals:
    return await LAST.first(session, call_id=call_id) or Totals(0, 0, 0)


async def project_totals(session: AsyncSession, application_id: uuid.UUID) -> ProjectTotals:
    found = await PROJECT.first(session, application_id=application_id)
    return found or ProjectTotals(0, 0)


async def projects_totals(
    session: AsyncSession, application_ids: list[uuid.UUID]
) -> dict[uuid.UUID, ProjectTotals]:
    """The ledger's totals of several applications in one query."""
    if not application_ids:
        return {}
    rows = await session.execute(
        select(
            LedgerEntry.application_id,
            func.sum(LedgerEntry.committed_delta),
            func.sum(LedgerEntry.disbursed_delta),
        )
        .where(LedgerEntry.application_id.in_(application_ids))
        .group_by(LedgerEntry.application_id)
    )
    return {a: ProjectTotals(int(c or 0), int(d or 0)) for a, c, d in rows.all()}


async def disbursed_tranches(session: AsyncSession, application_id: uuid.UUID) -> dict[int, int]:
    """Net amount disbursed per tranche number (a reversed tranche nets to zero)."""
    rows = await session.execute(
        select(LedgerEntry.tranche, func.sum(LedgerEntry.disbursed_delta))
        .where(LedgerEntry.application_id == application_id, LedgerEntry.tranche.is_not(None))
        .group_by(LedgerEntry.tranche)
    )
    paid: dict[int, int] = {}
    for tranche, total in rows.all():
        if tranche is not None and int(total or 0) > 0:
            paid[int(tranche)] = int(total)
    return paid


def _pool_exceeded(pool: int, committed: int, wanted: int) -> Conflict:
    left = pool - committed
    return Conflict(
        f"资金池余额不足：尚可立项 {left} 分，本次需 {wanted} 分",
        title_en=f"The pool cannot cover this: {left} fen left to commit, {wanted} fen needed",
        code="pool-exceeded",
        available_fen=left,
        requested_fen=wanted,
    )


def _exceeds_approved(committed: int, disbursed: int, wanted: int) -> Conflict:
    left = committed - disbursed
    return Conflict(
        f"超出立项金额：尚可拨付 {left} 分，本次 {wanted} 分",
        title_en=f"More than approved: {left} fen left to disburse, {wanted} fen asked",
        code="exceeds-approved",
        available_fen=left,
        requested_fen=wanted,
    )


async def append(
    session: AsyncSession,
    call: Call,
    application: Application,
    *,
    kind: str,
    amount_fen: int,
    committed_delta: int,
    disbursed_delta: int,
    occurred_on: date,
    actor: uuid.UUID | None,
    tranche: int | None = None,
    reverses: LedgerEntry | None = None,
    reason: str = "",
    check: Callable[[], Awaitable[None]] | None = None,
) -> LedgerEntry:
    """Append one movement at the end of the call's chain, or raise the 409 that explains why
    it cannot be made. ``check`` re-reads whatever else the movement depends on (a tranche not
    yet paid, an entry not yet reversed) before each attempt."""
    call_id, pool, tenant_id, application_id = (
        call.id,
        call.pool_fen,
        call.tenant_id,
        application.id,
    )
    for attempt in range(ATTEMPTS):
        if check is not None:
            await check()
        last = await call_totals(session, call_id)
        project = await project_totals(session, application_id)
        committed = last.committed + committed_delta
        disbursed = last.disbursed + disbursed_delta
        p_committed = project.committed + committed_delta
        p_disbursed = project.disbursed + disbursed_delta
        if committed > pool:
            raise _pool_exceeded(pool, last.committed, committed_delta)
        if p_disbursed > p_committed:
            raise _exceeds_approved(project.committed, project.disbursed, disbursed_delta)
        if min(committed, disbursed, p_committed, p_disbursed) < 0 or disbursed > committed:
            raise Conflict(
                "该笔调整会使余额为负",
                title_en="This movement would make a balance negative",
                code="negative-balance",
            )
        entry = LedgerEntry(
            tenant_id=tenant_id,
            call_id=call_id,
            application_id=application_id,
            seq=last.seq + 1,
            kind=kind,
            reverses_id=reverses.id if reverses is not None else None,
            reverses_kind=reverses.kind if reverses is not None else None,
            tranche=tranche,
            amount_fen=amount_fen,
            committed_delta=committed_delta,
            disbursed_delta=disbursed_delta,
            pool_fen=pool,
            committed_total=committed,
            disbursed_total=disbursed,
            project_committed_total=p_committed,
            project_disbursed_total=p_disbursed,
            occurred_on=occurred_on,
            reason=reason,
            recorded_by=actor,
            recorded_at=now(),
        )
        try:
            async with session.begin_nested():
                session.add(entry)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                break
            continue
        return entry
    raise Conflict(
        "账本正被他人同时修改，请重试",
        title_en="The ledger was changed meanwhile: try again",
        code="ledger-busy",
    )


def answer(e: LedgerEntry) -> Entry:
    return Entry(
        id=e.id,
        tenant_id=e.tenant_id,
        call_id=e.call_id,
        application_id=e.application_id,
        seq=e.seq,
        kind=e.kind,
        kind_title=KIND_TITLES[e.kind][0],
        reverses_id=e.reverses_id,
        tranche=e.tranche,
        amount_fen=e.amount_fen,
        committed_delta=e.committed_delta,
        disbursed_delta=e.disbursed_delta,
        committed_total=e.committed_total,
        disbursed_total=e.disbursed_total,
        occurred_on=e.occurred_on,
        reason=e.reason,
        recorded_at=e.recorded_at,
    )


def visible_query(tenant: Tenant, call_id: uuid.UUID | None = None) -> Select[LedgerEntry]:
    """Entries of calls run in ``tenant``'s subtree, by call and position in the chain."""
    stmt = select(LedgerEntry).where(in_subtree(LedgerEntry.tenant_id, tenant))
    if call_id is not None:
        stmt = stmt.where(LedgerEntry.call_id == call_id)
    return stmt.order_by(LedgerEntry.recorded_at, LedgerEntry.call_id, LedgerEntry.seq)


async def managed_entry(session: AsyncSession, tenant: Tenant, entry_id: uuid.UUID) -> LedgerEntry:
    found = (
        await session.execute(
            select(LedgerEntry).where(
                LedgerEntry.id == entry_id, row_in_subtree(LedgerEntry.tenant_id, tenant)
            )
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("账目")
    return found


async def reverse(
    session: AsyncSession,
    tenant: Tenant,
    entry_id: uuid.UUID,
    *,
    reason: str,
    occurred_on: date,
    actor: uuid.UUID | None,
) -> LedgerEntry:
    """Correct a disbursement or a return by appending its negation (once)."""
    entry = await managed_entry(session, tenant, entry_id)
    if entry.kind not in REVERSIBLE:
        raise Conflict(
            "只能冲正拨付或退回记录",
            title_en="Only disbursements and returns can be reversed",
            code="not-reversible",
            allowed=list(REVERSIBLE),
        )
    call = await session.get(Call, entry.call_id)
    application = await session.get(Application, entry.application_id)
    if call is None or application is None:
        raise NotFound("账目")

    async def not_reversed() -> None:
        done = await session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.tenant_id == entry.tenant_id, LedgerEntry.reverses_id == entry.id
            )
        )
        if done is not None:
            raise Conflict(
                "该记录已冲正", title_en="Entry already reversed", code="already-reversed"
            )

    return await append(
        session,
        call,
        application,
        kind="reversal",
        amount_fen=entry.amount_fen,
        committed_delta=-entry.committed_delta,
        disbursed_delta=-entry.disbursed_delta,
        occurred_on=occurred_on,
        actor=actor,
        tranche=entry.tranche,
        reverses=entry,
        reason=reason,
        check=not_reversed,
    )


async def emit_tranche(
    session: AsyncSession, entry: LedgerEntry, tranche: int, disbursed_on: date
) -> None:
    await emit(
        session,
        events.TRANCHE_DISBURSED,
        tenant_id=entry.tenant_id,
        payload=events.TrancheDisbursed(
            application_id=entry.application_id,
            call_id=entry.call_id,
            tranche=tranche,
            amount_fen=entry.amount_fen,
            disbursed_on=disbursed_on,
        ),
    )
