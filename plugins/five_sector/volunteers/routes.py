"""HTTP routes of volunteers, their ledger and service record (personal data: the
``five-sector:people`` permission, except a volunteer's own record)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    Caller,
    ExportFormat,
    ExportOperation,
    ModuleConfig,
    Page,
    Paging,
    Tenant,
    export_response,
    paginate,
)
from plugins.five_sector import record
from plugins.five_sector.export import VOLUNTEER_COLUMNS
from plugins.five_sector.models import Volunteer as Row
from plugins.five_sector.permissions import MANAGE, PEOPLE, READ, WRITE
from plugins.five_sector.volunteers import services
from plugins.five_sector.volunteers.schemas import (
    Entry,
    EntryCreate,
    RecordFormat,
    ReversalCreate,
    Volunteer,
    VolunteerCreate,
)


@get("/volunteers", opt=PEOPLE)
async def list_volunteers(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    paging: Paging,
    skill: Annotated[str | None, Parameter(max_length=50, description="技能 / skill")] = None,
    q: Annotated[
        str | None, Parameter(max_length=100, description="姓名包含 / name contains")
    ] = None,
    number: Annotated[
        str | None, Parameter(max_length=64, description="志愿者编号 / volunteer number")
    ] = None,
) -> Page[Volunteer]:
    """The volunteers of the tenant's subtree, by number, with their hours and stars."""
    return await services.listed(session, tenant, config, paging, skill=skill, q=q, number=number)


@get("/volunteers/export", opt=PEOPLE, operation_class=ExportOperation)
async def export_volunteers(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, format: ExportFormat = "csv"
) -> Response[bytes]:
    stmt = services.query(tenant, session.get_bind().dialect.name)
    everyone = await services.with_totals(
        session, (await session.execute(stmt)).scalars().all(), config
    )
    return export_response(everyone, VOLUNTEER_COLUMNS, format, "volunteers")


@post("/volunteers", opt=WRITE)
async def create_volunteer(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, data: VolunteerCreate
) -> Volunteer:
    return services.answer(
        await services.create(session, tenant, data), 0, config["star_thresholds"]
    )


@get("/volunteers/{volunteer_id:uuid}", opt=PEOPLE)
async def get_volunteer(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, volunteer_id: uuid.UUID
) -> Volunteer:
    return await services.answered(session, tenant, volunteer_id, config)


@get("/volunteers/{volunteer_id:uuid}/entries", opt=PEOPLE)
async def list_entries(
    tenant: Tenant, session: AsyncSession, paging: Paging, volunteer_id: uuid.UUID
) -> Page[Entry]:
    """The volunteer's ledger in the order it was recorded."""
    volunteer, _ = await services.get(session, tenant, volunteer_id)
    return await paginate(session, services.ledger_query(volunteer), paging, services.entry_answer)


@post("/volunteers/{volunteer_id:uuid}/entries", opt=WRITE)
async def add_entry(
    tenant: Tenant, session: AsyncSession, volunteer_id: uuid.UUID, data: EntryCreate
) -> Entry:
    return services.entry_answer(await services.add_entry(session, tenant, volunteer_id, data))


@post("/volunteers/{volunteer_id:uuid}/entries/{entry_id:uuid}/reversal", opt=MANAGE)
async def reverse_entry(
    tenant: Tenant,
    session: AsyncSession,
    volunteer_id: uuid.UUID,
    entry_id: uuid.UUID,
    data: ReversalCreate,
) -> Entry:
    """Append the negation of a credit (a credit is reversed at most once)."""
    entry = await services.reverse_entry(session, tenant, volunteer_id, entry_id, data)
    return services.entry_answer(entry)


async def _record(
    session: AsyncSession,
    tenant: Tenant,
    config: ModuleConfig,
    found: tuple[Row, int],
    format: RecordFormat,
    responsible_person: str | None,
) -> Response[Any]:
    volunteer, minutes = found
    data = record.build(
        tenant,
        services.answer(volunteer, minutes, config["star_thresholds"]),
        [services.entry_answer(e) for e in await services.ledger(session, volunteer)],
        responsible_person or str(config["record_responsible_person"]),
    )
    return record.respond(data, format)


@get(
    "/volunteers/{volunteer_id:uuid}/record",
    opt=PEOPLE,
    operation_class=record.RecordOperation,
)
async def volunteer_record(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    volunteer_id: uuid.UUID,
    format: RecordFormat = "html",
    responsible_person: Annotated[
        str | None, Parameter(max_length=100, description="负责人 / responsible person")
    ] = None,
) -> Response[record.ServiceRecord]:
    """志愿服务记录证明: the volunteer's service record as JSON, printable HTML or PDF."""
    found = await services.get(session, tenant, volunteer_id)
    return await _record(session, tenant, config, found, format, responsible_person)


@get("/me/volunteer-record", opt=READ, operation_class=record.RecordOperation)
async def my_record(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    caller: Caller,
    format: RecordFormat = "html",
) -> Response[record.ServiceRecord]:
    """The caller's own service record (the volunteer linked to the caller's user)."""
    found = await services.of_user(session, tenant, caller.id)
    return await _record(session, tenant, config, found, format, None)


ROUTES = [
    list_volunteers,
    export_volunteers,
    create_volunteer,
    get_volunteer,
    list_entries,
    add_entry,
    reverse_entry,
    volunteer_record,
    my_record,
]
