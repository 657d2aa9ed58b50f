"""Concurrency: the database keeps the ledger's invariants when writers race. Each contender
runs in its own session (transaction), as two requests would."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import msgspec
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from core import Conflict
from core.db import SYSTEM, Database
from core.tenancy.models import Tenant
from plugins.funding.applications import services as applications
from plugins.funding.applications.schemas import Applicant, ApplicationCreate, BudgetLine
from plugins.funding.calls import services as calls
from plugins.funding.calls.schemas import CallCreate
from plugins.funding.clock import now, today
from plugins.funding.ledger import services as ledger
from plugins.funding.ledger.schemas import Disbursement
from plugins.funding.manifest import MANIFEST
from plugins.funding.metrics import INVARIANTS
from plugins.funding.models import Application, LedgerEntry
from tests.plugins.funding.conftest import Tree, call_body


async def _tenant(session: Any, tenant_id: uuid.UUID) -> Tenant:
    tenant: Tenant = (
        await session.execute(select(Tenant).where(Tenant.id == tenant_id))
    ).scalar_one()
    return tenant


async def _published(
    db: Database, tree: Tree, pool_fen: int, requests: list[int]
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A call with ``pool_fen`` and one published application per requested amount."""
    async with db.session(write=True) as session:
        district = await _tenant(session, tree.district.id)
        urban = await _tenant(session, tree.urban.id)
        call = await calls.create(
            session, district, msgspec.convert(call_body(pool_fen=pool_fen), CallCreate),
            MANIFEST.settings, None,
        )  # fmt: skip
        ids = []
        for n, amount in enumerate(requests):
            body = ApplicationCreate(
                title=f"项目{n}", category="为老服务",
                applicants=[Applicant(name=f"组织{n}", registration="filed")],
                budget_lines=[BudgetLine(item="活动", amount_fen=amount)],
            )  # fmt: skip
            made = await applications.create(session, urban, call.id, body, None, today())
            await applications.submit(session, made, None, today())
            for step in ("screened", "under_review", "published"):
                await applications.move(session, made, step, "", None)
            ids.append(made.id)
        return call.id, ids


async def _attempt(db: Database, tenant_id: uuid.UUID, action: Any) -> str:
    try:
        async with db.session(write=True) as session:
            await action(session, await _tenant(session, tenant_id))
    except Conflict as problem:
        return problem.code
    return "ok"


async def _check(db: Database) -> None:
    async with db.session(context=SYSTEM) as session:
        for invariant in INVARIANTS:
            assert await invariant(session) == [], invariant.__name__


async def test_two_approvals_that_together_overdraw_the_pool_one_wins(
    db: Database, tree: Tree
) -> None:
    call_id, (first, second) = await _published(db, tree, 100_000_00, [60_000_00, 50_000_00])

    def approving(application_id: uuid.UUID) -> Any:
        async def approve(session: Any, tenant: Tenant) -> None:
            a, call = await applications.managed(session, tenant, application_id)
            await applications.approve(session, a, call, a.requested_fen, None, today())

        return approve

    outcomes = await asyncio.gather(
        _attempt(db, tree.district.id, approving(first)),
        _attempt(db, tree.district.id, approving(second)),
    )
    assert sorted(outcomes) == ["ok", "pool-exceeded"]
    async with db.session(context=SYSTEM) as session:
        statuses = sorted((await session.execute(
            select(Application.status).where(Application.call_id == call_id))).scalars())  # fmt: skip
        assert statuses == ["approved", "published"]
        totals = await ledger.call_totals(session, call_id)
        assert totals.seq == 1
        assert totals.committed in (60_000_00, 50_000_00)
        assert totals.committed <= 100_000_00
    await _check(db)


async def test_two_payments_of_one_tranche_pay_it_once(db: Database, tree: Tree) -> None:
    _, (only,) = await _published(db, tree, 100_000_00, [10_000_00])
    async with db.session(write=True) as session:
        district = await _tenant(session, tree.district.id)
        a, call = await applications.managed(session, district, only)
        await applications.approve(session, a, call, a.requested_fen, None, today())
        await applications.move(session, a, "agreement_signed", "", None)

    async def pay(session: Any, tenant: Tenant) -> None:
        a, call = await applications.managed(session, tenant, only)
        await applications.disburse(
            session, a, call, Disbursement(tranche=1, disbursed_on=today()), None
        )

    outcomes = await asyncio.gather(*(_attempt(db, tree.district.id, pay) for _ in range(2)))
    assert sorted(outcomes) in (["already-disbursed", "ok"], ["ok", "stale"])
    async with db.session(context=SYSTEM) as session:
        paid = await ledger.disbursed_tranches(session, only)
        assert paid == {1: 4_000_00}
    await _check(db)


async def test_the_database_refuses_edits_and_out_of_bounds_entries(
    db: Database, tree: Tree
) -> None:
    call_id, (only,) = await _published(db, tree, 1_000, [1_000])
    async with db.session(write=True) as session:
        district = await _tenant(session, tree.district.id)
        a, call = await applications.managed(session, district, only)
        await applications.approve(session, a, call, 1_000, None, today())
    for statement in ("UPDATE funding_ledger_entries SET amount_fen = 1",
                      "DELETE FROM funding_ledger_entries"):  # fmt: skip
        with pytest.raises((DBAPIError, IntegrityError)):
            async with db.session(write=True, context=SYSTEM) as session:
                await session.execute(text(statement))
    beyond_pool = LedgerEntry(
        tenant_id=tree.district.id, call_id=call_id, application_id=only, seq=2,
        kind="commitment", amount_fen=1, committed_delta=1, disbursed_delta=0, pool_fen=1_000,
        committed_total=1_001, disbursed_total=0, project_committed_total=1_001,
        project_disbursed_total=0, occurred_on=today(), recorded_at=now(),
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        await _insert(db, beyond_pool)
    await _check(db)


async def _insert(db: Database, entry: LedgerEntry) -> None:
    async with db.session(write=True, context=SYSTEM) as session:
        session.add(entry)
        await session.flush()


@pytest.mark.parametrize(("second", "outcome"), [(50_000_00, "pool-exceeded"), (40_000_00, "ok")])
async def test_a_writer_that_read_a_stale_chain_is_refused_by_the_database_then_retries(
    db: Database, tree: Tree, monkeypatch: pytest.MonkeyPatch, second: int, outcome: str
) -> None:
    """What the losing approval of a race sees on PostgreSQL, made deterministic: its first
    read of the chain predates the winner's entry, the UNIQUE sequence refuses its insert, and
    its retry reads the winner's totals."""
    call_id, (first, late) = await _published(db, tree, 100_000_00, [60_000_00, second])

    async def approve(session: Any, tenant: Tenant, application_id: uuid.UUID) -> None:
        a, call = await applications.managed(session, tenant, application_id)
        await applications.approve(session, a, call, a.requested_fen, None, today())

    assert await _attempt(db, tree.district.id, lambda s, t: approve(s, t, first)) == "ok"
    real = ledger.call_totals
    reads: list[int] = []

    async def stale_first(session: Any, call: uuid.UUID) -> ledger.Totals:
        reads.append(1)
        return ledger.Totals(0, 0, 0) if len(reads) == 1 else await real(session, call)

    monkeypatch.setattr(ledger, "call_totals", stale_first)
    assert await _attempt(db, tree.district.id, lambda s, t: approve(s, t, late)) == outcome
    assert len(reads) == 2
    async with db.session(context=SYSTEM) as session:
        totals = await real(session, call_id)
    assert (totals.seq, totals.committed) == (
        (1, 60_000_00) if outcome != "ok" else (2, 60_000_00 + second)
    )
    await _check(db)
