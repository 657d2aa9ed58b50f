"""HTTP routes of incubatees and their moves along the chain."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Page, Paging, Tenant, paginate
from plugins.incubation.fields import answer
from plugins.incubation.incubatees import services
from plugins.incubation.incubatees.schemas import (
    Incubatee,
    IncubateeCreate,
    IncubateeDetail,
    IncubateeKind,
    Stage,
    StageMove,
    StageOverride,
)
from plugins.incubation.permissions import MANAGE, READ, WRITE


@get("/incubatees", opt=READ)
async def list_incubatees(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    cohort_id: uuid.UUID | None = None,
    stage: Stage | None = None,
    kind: IncubateeKind | None = None,
    q: Annotated[
        str | None, Parameter(max_length=100, description="名称包含 / name contains")
    ] = None,
) -> Page[Incubatee]:
    """The subtree's incubatees by name."""
    stmt = services.query(tenant, cohort_id=cohort_id, stage=stage, kind=kind, q=q)
    return await paginate(session, stmt, paging, lambda i: answer(i, Incubatee))


@post("/incubatees", opt=WRITE)
async def admit_incubatee(
    tenant: Tenant, session: AsyncSession, caller: Caller, data: IncubateeCreate
) -> Incubatee:
    """Admit an organisation (or a town centre) into a cohort; it starts at the needs survey."""
    return answer(await services.admit(session, tenant, data, caller.id), Incubatee)


@get("/incubatees/{incubatee_id:uuid}", opt=READ)
async def get_incubatee(
    tenant: Tenant, session: AsyncSession, incubatee_id: uuid.UUID
) -> IncubateeDetail:
    return await services.detail(session, tenant, incubatee_id)


@post("/incubatees/{incubatee_id:uuid}/stage", opt=WRITE, status_code=200)
async def move_incubatee(
    tenant: Tenant, session: AsyncSession, caller: Caller, incubatee_id: uuid.UUID, data: StageMove
) -> Incubatee:
    """Move to a later stage once every earlier stage has a record (409 naming the missing
    stages otherwise), or exit with a reason."""
    inc = await services.move(session, tenant, incubatee_id, data.to, data.reason, caller.id)
    return answer(inc, Incubatee)


@post("/incubatees/{incubatee_id:uuid}/stage-override", opt=MANAGE, status_code=200)
async def override_stage(
    tenant: Tenant,
    session: AsyncSession,
    caller: Caller,
    incubatee_id: uuid.UUID,
    data: StageOverride,
) -> Incubatee:
    """An administrator's move past stages without records; the reason is kept."""
    inc = await services.move(
        session, tenant, incubatee_id, data.to, data.reason, caller.id, override=True
    )
    return answer(inc, Incubatee)


ROUTES = [list_incubatees, admit_incubatee, get_incubatee, move_incubatee, override_stage]
