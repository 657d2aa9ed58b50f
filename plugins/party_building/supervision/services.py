"""Supervision visits and their follow-up actions (open → done), and trainings."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.party_building.checks import not_in_future, text
from plugins.party_building.clock import today
from plugins.party_building.models import FollowUp, SupervisionVisit, Training
from plugins.party_building.organisations.services import in_reach
from plugins.party_building.supervision import schemas


async def get_visit(session: AsyncSession, tenant: Tenant, visit_id: uuid.UUID) -> SupervisionVisit:
    visit = await session.scalar(
        select(SupervisionVisit).where(
            SupervisionVisit.id == visit_id, row_in_subtree(SupervisionVisit.tenant_id, tenant)
        )
    )
    if visit is None:
        raise NotFound("督导记录")
    return visit


def _follow_up(visit: SupervisionVisit, body: schemas.FollowUpCreate) -> FollowUp:
    if body.due_on < visit.visited_on:
        raise Invalid("due_on", "整改期限早于督导日期", message_en="due before the visit")
    return FollowUp(
        tenant_id=visit.tenant_id,
        visit_id=visit.id,
        action=text(body.action),
        due_on=body.due_on,
        status="open",
    )


async def create_visit(
    session: AsyncSession, tenant: Tenant, body: schemas.VisitCreate
) -> SupervisionVisit:
    org_id = None
    if body.party_organisation_id is not None:
        org_id = (
            await in_reach(session, tenant, body.party_organisation_id, "party_organisation_id")
        ).id
    visit = SupervisionVisit(
        tenant_id=tenant.id,
        party_organisation_id=org_id,
        visited_unit=text(body.visited_unit),
        visited_on=not_in_future("visited_on", body.visited_on),
        supervisor=text(body.supervisor),
        findings=text(body.findings),
    )
    session.add(visit)
    await session.flush()
    for item in body.follow_ups:
        session.add(_follow_up(visit, item))
    await session.flush()
    return visit


async def add_follow_up(
    session: AsyncSession, tenant: Tenant, visit_id: uuid.UUID, body: schemas.FollowUpCreate
) -> FollowUp:
    visit = await get_visit(session, tenant, visit_id)
    row = _follow_up(visit, body)
    session.add(row)
    await session.flush()
    return row


async def complete(
    session: AsyncSession,
    tenant: Tenant,
    visit_id: uuid.UUID,
    follow_up_id: uuid.UUID,
    body: schemas.FollowUpDone,
) -> FollowUp:
    """open → done; a follow-up already done answers 409 naming no next state."""
    visit = await get_visit(session, tenant, visit_id)
    row = await session.scalar(
        select(FollowUp)
        .where(FollowUp.id == follow_up_id, FollowUp.visit_id == visit.id)
        .with_for_update()
    )
    if row is None:
        raise NotFound("整改事项")
    if row.status != "open":
        raise Conflict(
            "整改事项已完成",
            title_en="The follow-up is done already",
            code="invalid-transition",
            allowed=[],
        )
    row.status = "done"
    row.done_on = not_in_future("done_on", body.done_on)
    row.outcome = text(body.outcome)
    await session.flush()
    return row


def follow_up_answer(row: FollowUp) -> schemas.FollowUp:
    return schemas.FollowUp(
        id=row.id,
        tenant_id=row.tenant_id,
        visit_id=row.visit_id,
        action=row.action,
        due_on=row.due_on,
        status=row.status,
        done_on=row.done_on,
        outcome=row.outcome,
        overdue=row.status == "open" and row.due_on < today(),
    )


async def visit_answers(
    session: AsyncSession, visits: Sequence[SupervisionVisit]
) -> list[schemas.Visit]:
    ids = [v.id for v in visits]
    follow: dict[uuid.UUID, list[schemas.FollowUp]] = defaultdict(list)
    if ids:
        for row in await session.scalars(
            select(FollowUp)
            .where(FollowUp.visit_id.in_(ids))
            .order_by(FollowUp.due_on, FollowUp.id)
        ):
            follow[row.visit_id].append(follow_up_answer(row))
    return [
        schemas.Visit(
            id=v.id,
            tenant_id=v.tenant_id,
            party_organisation_id=v.party_organisation_id,
            visited_unit=v.visited_unit,
            visited_on=v.visited_on,
            supervisor=v.supervisor,
            findings=v.findings,
            follow_ups=follow[v.id],
        )
        for v in visits
    ]


def visits_query(tenant: Tenant) -> Select[SupervisionVisit]:
    return (
        select(SupervisionVisit)
        .where(in_subtree(SupervisionVisit.tenant_id, tenant))
        .order_by(SupervisionVisit.visited_on.desc(), SupervisionVisit.id)
    )


def follow_ups_query(
    tenant: Tenant, *, status: str | None = None, overdue: bool | None = None
) -> Select[FollowUp]:
    stmt = select(FollowUp).where(in_subtree(FollowUp.tenant_id, tenant))
    if status:
        stmt = stmt.where(FollowUp.status == status)
    if overdue is True:
        stmt = stmt.where(FollowUp.status == "open", FollowUp.due_on < today())
    elif overdue is False:
        stmt = stmt.where((FollowUp.status == "done") | (FollowUp.due_on >= today()))
    return stmt.order_by(FollowUp.due_on, FollowUp.id)


async def create_training(
    session: AsyncSession, tenant: Tenant, body: schemas.TrainingCreate
) -> Training:
    names = list(dict.fromkeys(text(n) for n in body.attendee_names))
    row = Training(
        tenant_id=tenant.id,
        title=text(body.title),
        held_on=not_in_future("held_on", body.held_on),
        trainer=text(body.trainer),
        invited_count=body.invited_count,
        attended_count=len(names),
        attendee_names=names,
    )
    session.add(row)
    await session.flush()
    return row


def training_answer(row: Training) -> schemas.Training:
    share = round(100 * row.attended_count / row.invited_count) if row.invited_count else None
    return schemas.Training(
        id=row.id,
        tenant_id=row.tenant_id,
        title=row.title,
        held_on=row.held_on,
        trainer=row.trainer,
        invited_count=row.invited_count,
        attended_count=row.attended_count,
        attendance_percent=share,
        attendee_names=list(row.attendee_names),
    )


def trainings_query(tenant: Tenant) -> Select[Training]:
    return (
        select(Training)
        .where(in_subtree(Training.tenant_id, tenant))
        .order_by(Training.held_on.desc(), Training.id)
    )
