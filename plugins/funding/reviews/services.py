"""The panel review: conflicts of interest, score sheets, weighted aggregation and ranking.

Reviewers are the call's managers and staff (``funding:review`` at the call's tenant or above).
A reviewer who declared a conflict with an application cannot score it and is told why; a
sheet scored before a declaration stops counting. Weighted totals are integers (score x weight)
and averages exact fractions: equal averages are ties, shown as such.
"""

from __future__ import annotations

import uuid
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Conflict, Invalid
from plugins.funding import rules
from plugins.funding.calls.schemas import RankedApplication, Ranking
from plugins.funding.clock import now
from plugins.funding.models import Application, Call, ConflictDeclaration, ScoreSheet
from plugins.funding.reviews.schemas import ConflictCreate, ConflictDeclared, Reviews, ScoreCreate
from plugins.funding.reviews.schemas import ScoreSheet as SheetAnswer


def conflict_answer(c: ConflictDeclaration) -> ConflictDeclared:
    return ConflictDeclared(
        id=c.id,
        application_id=c.application_id,
        reviewer_id=c.reviewer_id,
        reviewer_name=c.reviewer_name,
        reason=c.reason,
        declared_at=c.declared_at,
    )


async def _conflict_of(
    session: AsyncSession, a: Application, reviewer_id: uuid.UUID
) -> ConflictDeclaration | None:
    found: ConflictDeclaration | None = await session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.application_id == a.id,
            ConflictDeclaration.reviewer_id == reviewer_id,
        )
    )
    return found


async def declare(
    session: AsyncSession, a: Application, caller: Caller, body: ConflictCreate
) -> ConflictDeclaration:
    """Declare a conflict with ``a``: from now on the caller cannot score it."""
    if await _conflict_of(session, a, caller.id) is not None:
        raise Conflict("已声明回避", title_en="Conflict already declared", code="already-declared")
    declaration = ConflictDeclaration(
        tenant_id=a.tenant_id,
        application_id=a.id,
        reviewer_id=caller.id,
        reviewer_name=caller.name,
        reason=body.reason.strip(),
        declared_at=now(),
    )
    try:
        async with session.begin_nested():
            session.add(declaration)
    except IntegrityError:
        raise Conflict(
            "已声明回避", title_en="Conflict already declared", code="already-declared"
        ) from None
    return declaration


async def score(
    session: AsyncSession, a: Application, call: Call, caller: Caller, body: ScoreCreate
) -> ScoreSheet:
    """The caller's score sheet for ``a`` (one per reviewer), while it is under panel review.
    A conflicted reviewer gets 409 quoting their own declaration."""
    if a.status != "under_review":
        raise Conflict(
            f"「{rules.STATUS_TITLES[a.status][0]}」的申报不能评分",
            title_en=f"An application that is {a.status} is not scored",
            code="not-under-review",
        )
    declared = await _conflict_of(session, a, caller.id)
    if declared is not None:
        raise Conflict(
            f"您已声明与该申报存在利益冲突，须回避评分：{declared.reason}",
            title_en=f"You declared a conflict of interest with this application: {declared.reason}",
            code="conflict-of-interest",
            reason=declared.reason,
        )
    try:
        total = rules.weighted_total(call.criteria, body.scores)
    except rules.RuleError as error:
        raise Invalid("scores", error.message, message_en=error.message_en) from None
    taken = await session.scalar(
        select(ScoreSheet.id).where(
            ScoreSheet.application_id == a.id, ScoreSheet.reviewer_id == caller.id
        )
    )
    if taken is not None:
        raise Conflict("您已评过分", title_en="You have scored it already", code="already-scored")
    sheet = ScoreSheet(
        tenant_id=a.tenant_id,
        application_id=a.id,
        reviewer_id=caller.id,
        reviewer_name=caller.name,
        scores=dict(body.scores),
        weighted_total=total,
        comment=body.comment.strip(),
        scored_at=now(),
    )
    try:
        async with session.begin_nested():
            session.add(sheet)
    except IntegrityError:
        raise Conflict(
            "您已评过分", title_en="You have scored it already", code="already-scored"
        ) from None
    return sheet


def _points(total: Fraction) -> str:
    return str(rules.points(total))


async def _counted_totals(
    session: AsyncSession, application_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[int]]:
    """Each application's weighted totals from sheets whose reviewer declared no conflict."""
    totals: dict[uuid.UUID, list[int]] = {i: [] for i in application_ids}
    if not application_ids:
        return totals
    conflicted = {
        (c.application_id, c.reviewer_id)
        for c in (
            await session.execute(
                select(ConflictDeclaration).where(
                    ConflictDeclaration.application_id.in_(application_ids)
                )
            )
        ).scalars()
    }
    sheets = await session.execute(
        select(ScoreSheet.application_id, ScoreSheet.reviewer_id, ScoreSheet.weighted_total).where(
            ScoreSheet.application_id.in_(application_ids)
        )
    )
    for application_id, reviewer_id, total in sheets.all():
        if (application_id, reviewer_id) not in conflicted:
            totals[application_id].append(int(total))
    return totals


async def reviews(session: AsyncSession, a: Application) -> Reviews:
    conflicts = list(
        (
            await session.execute(
                select(ConflictDeclaration)
                .where(ConflictDeclaration.application_id == a.id)
                .order_by(ConflictDeclaration.declared_at, ConflictDeclaration.id)
            )
        ).scalars()
    )
    conflicted = {c.reviewer_id for c in conflicts}
    sheets = list(
        (
            await session.execute(
                select(ScoreSheet)
                .where(ScoreSheet.application_id == a.id)
                .order_by(ScoreSheet.scored_at, ScoreSheet.id)
            )
        ).scalars()
    )
    counted = [s.weighted_total for s in sheets if s.reviewer_id not in conflicted]
    return Reviews(
        application_id=a.id,
        score=_points(Fraction(sum(counted), len(counted))) if counted else None,
        sheets=[
            SheetAnswer(
                id=s.id,
                application_id=s.application_id,
                reviewer_id=s.reviewer_id,
                reviewer_name=s.reviewer_name,
                scores={k: int(v) for k, v in s.scores.items()},
                weighted=_points(Fraction(s.weighted_total)),
                comment=s.comment,
                counted=s.reviewer_id not in conflicted,
                scored_at=s.scored_at,
            )
            for s in sheets
        ],
        conflicts=[conflict_answer(c) for c in conflicts],
    )


async def ranking(session: AsyncSession, call: Call) -> Ranking:
    """The call's reviewed applications by mean weighted score, ties sharing a rank."""
    applications = {
        a.id: a
        for a in (
            await session.execute(
                select(Application)
                .where(Application.call_id == call.id, Application.status.in_(rules.REVIEWED))
                .order_by(Application.created_at, Application.id)
            )
        ).scalars()
    }
    totals = await _counted_totals(session, list(applications))
    shown = {
        key: values
        for key, values in totals.items()
        if values or applications[key].status != "rejected"
    }
    items = []
    for place in rules.rank(shown):
        a = applications[place.key]
        items.append(
            RankedApplication(
                application_id=a.id,
                title=a.title,
                applicant_names=list(a.applicant_names),
                status=a.status,
                sheets=place.sheets,
                score=_points(place.average) if place.average is not None else None,
                rank=place.rank,
                tied=place.tied,
            )
        )
    return Ranking(call_id=call.id, items=items)
