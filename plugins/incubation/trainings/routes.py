"""HTTP routes of training plans, under an incubatee."""

from __future__ import annotations

import uuid

import msgspec
from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Invalid, NotFound, Page, Paging, Tenant, paginate
from plugins.incubation import models, records
from plugins.incubation.fields import clean, stored, today
from plugins.incubation.permissions import READ, WRITE
from plugins.incubation.trainings.schemas import Training, TrainingCreate, TrainingSession


def _answer(row: models.Training) -> Training:
    sessions = msgspec.convert(row.sessions, list[TrainingSession])
    return Training(
        id=row.id,
        tenant_id=row.tenant_id,
        incubatee_id=row.incubatee_id,
        title=row.title,
        courses=list(row.courses),
        sessions=sessions,
        attendance=sum(s.attendance for s in sessions),
    )


def _sessions(sessions: list[TrainingSession]) -> list[TrainingSession]:
    if any(s.held_on > today() for s in sessions):
        raise Invalid(
            "sessions", "培训日期不能晚于今天", message_en="a session cannot be in the future"
        )
    return sorted(sessions, key=lambda s: s.held_on)


@get("/incubatees/{incubatee_id:uuid}/trainings", opt=READ)
async def list_trainings(
    tenant: Tenant, session: AsyncSession, paging: Paging, incubatee_id: uuid.UUID
) -> Page[Training]:
    stmt = await records.of_incubatee(
        session, tenant, models.Training, incubatee_id, models.Training.created_at
    )
    return await paginate(session, stmt, paging, _answer)


@post("/incubatees/{incubatee_id:uuid}/trainings", opt=WRITE)
async def add_training(
    tenant: Tenant, session: AsyncSession, incubatee_id: uuid.UUID, data: TrainingCreate
) -> Training:
    """A tailored training plan: its courses, and the sessions held so far with attendance."""
    inc = await records.incubatee_for(session, tenant, incubatee_id, "training")
    row = models.Training(
        tenant_id=inc.tenant_id,
        incubatee_id=inc.id,
        title=clean(data.title),
        courses=[clean(c) for c in data.courses],
        sessions=stored(_sessions(data.sessions)),
    )
    return _answer(await records.add(session, row))


@post("/incubatees/{incubatee_id:uuid}/trainings/{training_id:uuid}/sessions", opt=WRITE)
async def add_training_session(
    tenant: Tenant,
    session: AsyncSession,
    incubatee_id: uuid.UUID,
    training_id: uuid.UUID,
    data: TrainingSession,
) -> Training:
    """One more session of the plan, with its attendance."""
    inc = await records.incubatee_for(session, tenant, incubatee_id, "training")
    row = await session.get(models.Training, training_id)
    if row is None or row.incubatee_id != inc.id or row.tenant_id != inc.tenant_id:
        raise NotFound("培训计划")
    held = msgspec.convert(row.sessions, list[TrainingSession])
    row.sessions = stored(_sessions([*held, data]))
    await session.flush()
    return _answer(row)


ROUTES = [list_trainings, add_training, add_training_session]
