"""Roll-up figures of the funding module and the invariants the soak tests check.

Applications count where they were made; money counts where the call that holds the pool is
run. ``funding.foundation_funds_approved`` is what calls funded by foundations approved (the
district's "funds brought in from foundations"): commitments, whatever later became of them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import MetricQuery
from plugins.funding import rules
from plugins.funding.models import Application, Call, LedgerEntry

P = "funding"


def _calls() -> Select[Any, Any]:
    return select(Call.tenant_id, func.count()).group_by(Call.tenant_id)


def _applications(*conditions: Any) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        return (
            select(Application.tenant_id, func.count())
            .where(Application.status != "draft", *conditions)
            .group_by(Application.tenant_id)
        )

    return query


def _approved(*conditions: Any) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        return (
            select(LedgerEntry.tenant_id, func.sum(LedgerEntry.amount_fen))
            .join(Call, Call.id == LedgerEntry.call_id)
            .where(LedgerEntry.kind == "commitment", *conditions)
            .group_by(LedgerEntry.tenant_id)
        )

    return query


def _disbursed() -> Select[Any, Any]:
    return select(LedgerEntry.tenant_id, func.sum(LedgerEntry.disbursed_delta)).group_by(
        LedgerEntry.tenant_id
    )


METRICS: list[MetricQuery] = [
    MetricQuery(f"{P}.calls", "资助项目（公益创投）数", "Funding calls", "count", _calls),
    MetricQuery(f"{P}.applications", "项目申报数", "Applications submitted", "count",
                _applications()),
    MetricQuery(f"{P}.joint_applications", "联合申报项目数", "Joint applications", "count",
                _applications(Application.joint.is_(True))),
    MetricQuery(f"{P}.approvals", "立项项目数", "Applications approved", "count",
                _applications(Application.status.in_(rules.FUNDED))),
    MetricQuery(f"{P}.projects_terminated", "终止项目数", "Projects terminated", "count",
                _applications(Application.status == "terminated")),
    MetricQuery(f"{P}.funds_approved", "立项金额（分）", "Funds approved", "fen",
                _approved()),
    MetricQuery(f"{P}.funds_disbursed", "已拨付金额（分）", "Funds disbursed", "fen",
                _disbursed),
    MetricQuery(f"{P}.foundation_funds_approved", "链接基金会资金（分）",
                "Foundation funds approved", "fen", _approved(Call.funder_kind == "foundation")),
]  # fmt: skip


async def ledger_chains_are_consistent(session: AsyncSession) -> list[str]:
    """Per call: ``seq`` runs 1..n, every running total is the sum of the deltas so far and in
    bounds (within the pool, nothing paid beyond what is committed, per call and per project),
    and the pool copied on each entry is the call's."""
    pools = {i: p for i, p in (await session.execute(select(Call.id, Call.pool_fen))).all()}
    rows = await session.execute(select(LedgerEntry).order_by(LedgerEntry.call_id, LedgerEntry.seq))
    problems: list[str] = []
    expected_seq: dict[uuid.UUID, int] = defaultdict(int)
    call_sums: dict[uuid.UUID, tuple[int, int]] = defaultdict(lambda: (0, 0))
    project_sums: dict[uuid.UUID, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for e in rows.scalars():
        label = f"call {e.call_id} entry {e.seq}"
        expected_seq[e.call_id] += 1
        if e.seq != expected_seq[e.call_id]:
            problems.append(f"{label}: expected seq {expected_seq[e.call_id]}")
            expected_seq[e.call_id] = e.seq
        committed, disbursed = call_sums[e.call_id]
        committed, disbursed = committed + e.committed_delta, disbursed + e.disbursed_delta
        call_sums[e.call_id] = (committed, disbursed)
        p_committed, p_disbursed = project_sums[e.application_id]
        p_committed, p_disbursed = p_committed + e.committed_delta, p_disbursed + e.disbursed_delta
        project_sums[e.application_id] = (p_committed, p_disbursed)
        if (e.committed_total, e.disbursed_total) != (committed, disbursed):
            problems.append(f"{label}: totals are not the sum of the entries")
        if (e.project_committed_total, e.project_disbursed_total) != (p_committed, p_disbursed):
            problems.append(f"{label}: project totals are not the sum of its entries")
        if e.pool_fen != pools.get(e.call_id):
            problems.append(f"{label}: pool {e.pool_fen} is not the call's")
        if not 0 <= disbursed <= committed <= e.pool_fen:
            problems.append(f"{label}: committed {committed} / disbursed {disbursed} out of bounds")
        if not 0 <= p_disbursed <= p_committed:
            problems.append(f"{label}: project paid {p_disbursed} beyond {p_committed}")
    return problems


async def reversals_negate_their_entry(session: AsyncSession) -> list[str]:
    rows = await session.execute(select(LedgerEntry))
    entries = {e.id: e for e in rows.scalars()}
    problems: list[str] = []
    for e in entries.values():
        if e.reverses_id is None:
            continue
        original = entries.get(e.reverses_id)
        if original is None or original.kind == "reversal":
            problems.append(f"reversal {e.id}: reverses no reversible entry")
        elif (e.committed_delta, e.disbursed_delta) != (
            -original.committed_delta,
            -original.disbursed_delta,
        ):
            problems.append(f"reversal {e.id}: does not negate entry {original.id}")
    return problems


async def approvals_match_the_ledger(session: AsyncSession) -> list[str]:
    """An approved application's commitment is its approved amount; no other has money; no
    tranche is paid twice."""
    committed = dict(
        (
            await session.execute(
                select(LedgerEntry.application_id, func.sum(LedgerEntry.amount_fen))
                .where(LedgerEntry.kind == "commitment")
                .group_by(LedgerEntry.application_id)
            )
        ).all()
    )
    problems: list[str] = []
    for a_id, status, approved in (
        await session.execute(select(Application.id, Application.status, Application.approved_fen))
    ).all():
        got = int(committed.get(a_id) or 0)
        want = int(approved or 0) if status in rules.FUNDED else 0
        if got != want:
            problems.append(f"application {a_id} ({status}): committed {got}, approved {want}")
    twice = await session.execute(
        select(LedgerEntry.application_id, LedgerEntry.tranche)
        .where(LedgerEntry.tranche.is_not(None))
        .group_by(LedgerEntry.application_id, LedgerEntry.tranche)
        .having(func.sum(LedgerEntry.disbursed_delta) > func.max(LedgerEntry.amount_fen))
    )
    problems += [f"application {a}: tranche {t} paid twice" for a, t in twice.all()]
    return problems


INVARIANTS: list[Callable[[AsyncSession], Awaitable[list[str]]]] = [
    ledger_chains_are_consistent,
    reversals_negate_their_entry,
    approvals_match_the_ledger,
]
