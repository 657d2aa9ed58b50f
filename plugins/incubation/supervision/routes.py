"""HTTP routes of supervision visits, under an incubatee."""

from __future__ import annotations

import uuid

import msgspec
from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Invalid, Page, Paging, Tenant, paginate
from plugins.incubation import models, records
from plugins.incubation.fields import clean, not_in_future, stored, today
from plugins.incubation.permissions import READ, WRITE
from plugins.incubation.supervision.schemas import FollowUp, Visit, VisitCreate


def _answer(row: models.SupervisionVisit) -> Visit:
    follow_ups = msgspec.convert(row.follow_ups, list[FollowUp])
    return Visit(
        id=row.id,
        tenant_id=row.tenant_id,
        incubatee_id=row.incubatee_id,
        visited_on=row.visited_on,
        visitor=row.visitor,
        issues=list(row.issues),
        follow_ups=follow_ups,
        overdue=sum(1 for f in follow_ups if not f.done and f.due_on < today()),
    )


@get("/incubatees/{incubatee_id:uuid}/supervision-visits", opt=READ)
async def list_visits(
    tenant: Tenant, session: AsyncSession, paging: Paging, incubatee_id: uuid.UUID
) -> Page[Visit]:
    stmt = await records.of_incubatee(
        session,
        tenant,
        models.SupervisionVisit,
        incubatee_id,
        models.SupervisionVisit.visited_on,
    )
    return await paginate(session, stmt, paging, _answer)


@post("/incubatees/{incubatee_id:uuid}/supervision-visits", opt=WRITE)
async def add_visit(
    tenant: Tenant, session: AsyncSession, incubatee_id: uuid.UUID, data: VisitCreate
) -> Visit:
    """A supervision visit: the issues found and the follow-ups, each due on or after the visit."""
    inc = await records.incubatee_for(session, tenant, incubatee_id, "supervision")
    visited_on = not_in_future("visited_on", data.visited_on)
    if any(f.due_on < visited_on for f in data.follow_ups):
        raise Invalid(
            "follow_ups",
            "整改期限不能早于督导日期",
            message_en="a follow-up is due after the visit",
        )
    row = models.SupervisionVisit(
        tenant_id=inc.tenant_id,
        incubatee_id=inc.id,
        visited_on=visited_on,
        visitor=clean(data.visitor),
        issues=[clean(i) for i in data.issues],
        follow_ups=stored(data.follow_ups),
    )
    return _answer(await records.add(session, row))


ROUTES = [list_visits, add_visit]
