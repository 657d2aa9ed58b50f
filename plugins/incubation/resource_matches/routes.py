"""HTTP routes of resource matches, under an incubatee."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, Tenant, paginate
from plugins.incubation import models, records
from plugins.incubation.fields import answer, clean, not_in_future
from plugins.incubation.permissions import READ, WRITE
from plugins.incubation.resource_matches.schemas import MatchCreate, ResourceMatch


@get("/incubatees/{incubatee_id:uuid}/resource-matches", opt=READ)
async def list_matches(
    tenant: Tenant, session: AsyncSession, paging: Paging, incubatee_id: uuid.UUID
) -> Page[ResourceMatch]:
    stmt = await records.of_incubatee(
        session, tenant, models.ResourceMatch, incubatee_id, models.ResourceMatch.matched_on
    )
    return await paginate(session, stmt, paging, lambda r: answer(r, ResourceMatch))


@post("/incubatees/{incubatee_id:uuid}/resource-matches", opt=WRITE)
async def add_match(
    tenant: Tenant, session: AsyncSession, incubatee_id: uuid.UUID, data: MatchCreate
) -> ResourceMatch:
    """A resource offered to the incubatee (money in fen) and its outcome so far."""
    inc = await records.incubatee_for(session, tenant, incubatee_id, "resource_matching")
    row = models.ResourceMatch(
        tenant_id=inc.tenant_id,
        incubatee_id=inc.id,
        kind=data.kind,
        provider=clean(data.provider),
        description=clean(data.description),
        amount_fen=data.amount_fen,
        outcome=data.outcome,
        matched_on=not_in_future("matched_on", data.matched_on),
        source="manual",
    )
    return answer(await records.add(session, row), ResourceMatch)


ROUTES = [list_matches, add_match]
