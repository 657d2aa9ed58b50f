"""Volunteers and their service-hours ledger.

The ledger is append-only: a credit is corrected by a reversal (its negation), never edited,
and a volunteer's hours are the sum of their entries. Every entry is published as the event
``five-sector.service-hours-recorded`` in the transaction that writes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, ScalarSelect, Select, bindparam, cast, exists, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    Conflict,
    Insert,
    NotFound,
    Page,
    Paging,
    Query,
    Tenant,
    emit,
    in_subtree,
    in_subtree_of,
    paginate,
    row_in_subtree,
    row_in_subtree_of,
)
from plugins.five_sector import events, rules
from plugins.five_sector.checks import not_in_future, optional_text, rule, text
from plugins.five_sector.clock import now
from plugins.five_sector.models import ServiceEntry
from plugins.five_sector.models import Volunteer as Row
from plugins.five_sector.social_workers.services import served_tenant_ids
from plugins.five_sector.visibility import visible_activity
from plugins.five_sector.volunteers.schemas import (
    Entry,
    EntryCreate,
    ReversalCreate,
    Volunteer,
    VolunteerCreate,
)

HOURS_EVENT = events.HOURS_RECORDED


def total_minutes() -> ScalarSelect[Any]:
    """The sum of a volunteer's ledger, correlated to the volunteer of the outer query."""
    return (
        select(func.coalesce(func.sum(ServiceEntry.minutes), 0))
        .where(ServiceEntry.volunteer_id == Row.id)
        .correlate(Row)
        .scalar_subquery()
    )


class VolunteerRow(msgspec.Struct, frozen=True):
    """A volunteer as the hot reads fetch it: plain columns and the ledger's sum, no ORM."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    user_id: uuid.UUID | None
    volunteer_number: str
    id_type: str | None
    id_number: str | None
    skills: list[str]
    served_tenant_ids: list[str]
    minutes: int


_V = Row.__table__.c
_E = ServiceEntry.__table__.c
_COLUMNS = (
    _V.id,
    _V.tenant_id,
    _V.name,
    _V.user_id,
    _V.volunteer_number,
    _V.id_type,
    _V.id_number,
    _V.skills,
    _V.served_tenant_ids,
    select(func.coalesce(func.sum(_E.minutes), 0))
    .where(_E.volunteer_id == _V.id)
    .correlate(Row.__table__)
    .scalar_subquery()
    .label("minutes"),
)
ONE = Query(
    select(*_COLUMNS).where(_V.id == bindparam("volunteer_id"), row_in_subtree_of(_V.tenant_id)),
    VolunteerRow,
)
"""A volunteer of the subtree with their total minutes: the read the module serves most."""
LISTED = Query(
    select(*_COLUMNS).where(in_subtree_of(_V.tenant_id)).order_by(_V.volunteer_number, _V.id),
    VolunteerRow,
)
"""The subtree's volunteers by number with their totals, summed for the page's rows only."""


class InReach(msgspec.Struct, frozen=True):
    """A volunteer of the subtree as a credit needs them: who, and where they are kept."""

    id: uuid.UUID
    tenant_id: uuid.UUID


IN_REACH = Query(
    select(_V.id, _V.tenant_id).where(
        _V.id == bindparam("volunteer_id"), row_in_subtree_of(_V.tenant_id)
    ),
    InReach,
)
"""The volunteer a credit names, if in the subtree (no ledger sum: the credit does not need it)."""


class EntryRow(msgspec.Struct, frozen=True, kw_only=True):
    """A ledger entry as the hot write inserts it: the columns of ``fs_service_entries``."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    volunteer_id: uuid.UUID
    activity_id: uuid.UUID | None
    kind: str
    minutes: int
    served_on: date
    content: str
    verified_by: str
    reverses_id: uuid.UUID | None = None
    reason: str | None = None
    recorded_at: datetime


ENTRY = Insert(ServiceEntry)
"""A ledger entry's INSERT, built once: the credit, the write the module serves most."""


def answer(volunteer: Row | VolunteerRow, minutes: int, stars: Sequence[int]) -> Volunteer:
    """The volunteer's answer; ``stars`` are the module's ``star_thresholds``, read once by the
    caller (each read of a list setting is a private copy, which per row cost a list page more
    than its rows)."""
    return Volunteer(
        id=volunteer.id,
        tenant_id=volunteer.tenant_id,
        name=volunteer.name,
        user_id=volunteer.user_id,
        volunteer_number=volunteer.volunteer_number,
        id_type=volunteer.id_type,
        id_number=volunteer.id_number,
        skills=list(volunteer.skills),
        served_tenant_ids=list(volunteer.served_tenant_ids),
        total_hours=rules.minutes_to_hours(minutes),
        star_level=rules.star_level(minutes, stars),
    )


def entry_answer(entry: ServiceEntry | EntryRow) -> Entry:
    return Entry(
        id=entry.id,
        volunteer_id=entry.volunteer_id,
        activity_id=entry.activity_id,
        kind=entry.kind,
        hours=rules.minutes_to_hours(entry.minutes),
        minutes=entry.minutes,
        served_on=entry.served_on,
        content=entry.content,
        verified_by=entry.verified_by,
        reverses_id=entry.reverses_id,
        reason=entry.reason,
        recorded_at=entry.recorded_at,
    )


async def create(session: AsyncSession, tenant: Tenant, body: VolunteerCreate) -> Row:
    number = text(body.volunteer_number)
    taken = await session.execute(
        select(Row.id).where(Row.tenant_id == tenant.id, Row.volunteer_number == number)
    )
    if taken.first():
        raise Conflict(
            "志愿者编号已存在", title_en="Volunteer number already in use", code="number-taken"
        )
    volunteer = Row(
        tenant_id=tenant.id,
        name=text(body.name),
        volunteer_number=number,
        user_id=body.user_id,
        id_type=optional_text(body.id_type),
        id_number=optional_text(body.id_number),
        skills=[s.strip() for s in body.skills if s.strip()],
        served_tenant_ids=await served_tenant_ids(
            session, tenant, body.served_tenants, "served_tenants"
        ),
    )
    session.add(volunteer)
    await session.flush()
    return volunteer


async def get(session: AsyncSession, tenant: Tenant, volunteer_id: uuid.UUID) -> tuple[Row, int]:
    """The volunteer of ``tenant``'s subtree and their total minutes, else 404."""
    row = (
        await session.execute(
            select(Row, total_minutes()).where(
                Row.id == volunteer_id, row_in_subtree(Row.tenant_id, tenant)
            )
        )
    ).first()
    if row is None:
        raise NotFound("志愿者")
    return row[0], int(row[1])


async def of_user(session: AsyncSession, tenant: Tenant, user_id: uuid.UUID) -> tuple[Row, int]:
    """The volunteer linked to ``user_id`` in ``tenant``'s subtree (the first made), else 404."""
    row = (
        await session.execute(
            select(Row, total_minutes())
            .where(Row.user_id == user_id, in_subtree(Row.tenant_id, tenant))
            .order_by(Row.created_at)
            .limit(1)
        )
    ).first()
    if row is None:
        raise NotFound("志愿者")
    return row[0], int(row[1])


def has_skill(skill: str, dialect: str) -> ColumnElement[bool]:
    """The volunteer lists ``skill`` among their skills (a member of a JSON list)."""
    if dialect == "postgresql":
        return Row.skills.op("@>")(cast(func.jsonb_build_array(skill), JSONB))
    each = func.json_each(Row.skills).table_valued("value")
    return exists(select(each.c.value).where(each.c.value == skill))


def query(
    tenant: Tenant,
    dialect: str,
    *,
    skill: str | None = None,
    q: str | None = None,
    number: str | None = None,
) -> Select[Row]:
    stmt = select(Row).where(in_subtree(Row.tenant_id, tenant))
    if skill:
        stmt = stmt.where(has_skill(skill, dialect))
    if q:
        stmt = stmt.where(Row.name.contains(q, autoescape=True))
    if number:
        stmt = stmt.where(Row.volunteer_number == number)
    return stmt.order_by(Row.volunteer_number, Row.id)


async def _totals(session: AsyncSession, volunteers: Sequence[Row]) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(ServiceEntry.volunteer_id, func.sum(ServiceEntry.minutes))
        .where(ServiceEntry.volunteer_id.in_([v.id for v in volunteers]))
        .group_by(ServiceEntry.volunteer_id)
    )
    return {volunteer_id: int(minutes or 0) for volunteer_id, minutes in rows.all()}


async def with_totals(
    session: AsyncSession, volunteers: Sequence[Row], config: Mapping[str, Any]
) -> list[Volunteer]:
    """The answers for ``volunteers``, their totals summed in one query."""
    totals = await _totals(session, volunteers)
    stars = config["star_thresholds"]
    return [answer(v, totals.get(v.id, 0), stars) for v in volunteers]


async def answered(
    session: AsyncSession, tenant: Tenant, volunteer_id: uuid.UUID, config: Mapping[str, Any]
) -> Volunteer:
    """The answer for a volunteer of ``tenant``'s subtree, else 404 (statements built once)."""
    found = await ONE.first(session, volunteer_id=volunteer_id, subtree_path=tenant.path)
    if found is None:
        raise NotFound("志愿者")
    return answer(found, found.minutes, config["star_thresholds"])


async def listed(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    paging: Paging,
    **filters: str | None,
) -> Page[Volunteer]:
    """A page of the subtree's volunteers with their totals: the page is cut in SQL and only
    its volunteers' ledgers are summed, so a district with thousands of volunteers builds only
    the page's rows. Unfiltered, the list runs statements built once (:data:`LISTED`)."""
    if not any(filters.values()):
        rows = await LISTED.page(session, paging, subtree_path=tenant.path)
        stars = config["star_thresholds"]
        return Page(
            items=[answer(v, v.minutes, stars) for v in rows.items],
            total=rows.total,
            limit=rows.limit,
            offset=rows.offset,
        )
    stmt = query(tenant, session.get_bind().dialect.name, **filters)
    page = await paginate(session, stmt, paging, lambda v: v)
    return Page(
        items=await with_totals(session, page.items, config),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


async def _publish(session: AsyncSession, entry: ServiceEntry | EntryRow) -> None:
    await emit(
        session,
        HOURS_EVENT,
        tenant_id=entry.tenant_id,
        payload=events.ServiceHoursRecorded(
            entry_id=entry.id,
            volunteer_id=entry.volunteer_id,
            activity_id=entry.activity_id,
            kind=entry.kind,
            minutes=entry.minutes,
            served_on=entry.served_on,
        ),
    )


async def record_entry(session: AsyncSession, entry: ServiceEntry) -> ServiceEntry:
    """Append ``entry`` and publish it as an event in the same transaction."""
    session.add(entry)
    await session.flush()
    await _publish(session, entry)
    return entry


async def add_entry(
    session: AsyncSession, tenant: Tenant, volunteer_id: uuid.UUID, body: EntryCreate
) -> EntryRow:
    """A credit for the volunteer; one per activity, made where the activity belongs.

    The volunteer is read and the entry inserted through statements built once
    (:data:`IN_REACH`, :data:`ENTRY`); the entry's event follows in the same transaction."""
    volunteer = await IN_REACH.first(session, volunteer_id=volunteer_id, subtree_path=tenant.path)
    if volunteer is None:
        raise NotFound("志愿者")
    try:
        minutes = rules.hours_to_minutes(body.hours)
    except rules.RuleError as error:
        raise rule("hours", error) from None
    not_in_future("served_on", body.served_on)
    tenant_id = volunteer.tenant_id
    if body.activity_id is not None:
        activity = await visible_activity(session, tenant, body.activity_id)
        tenant_id = activity.tenant_id
        taken = await session.execute(
            select(ServiceEntry.id).where(
                ServiceEntry.tenant_id == tenant_id,
                ServiceEntry.activity_id == activity.id,
                ServiceEntry.volunteer_id == volunteer.id,
                ServiceEntry.kind == "credit",
            )
        )
        if taken.first():
            raise Conflict(
                "该活动的时长已记录",
                title_en="Hours for this activity already recorded",
                code="already-credited",
            )
    entry = EntryRow(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        volunteer_id=volunteer.id,
        activity_id=body.activity_id,
        kind="credit",
        minutes=minutes,
        served_on=body.served_on,
        content=text(body.content),
        verified_by=text(body.verified_by),
        recorded_at=now(),
    )
    await ENTRY.add(session, entry)
    await _publish(session, entry)
    return entry


async def reverse_entry(
    session: AsyncSession,
    tenant: Tenant,
    volunteer_id: uuid.UUID,
    entry_id: uuid.UUID,
    body: ReversalCreate,
) -> ServiceEntry:
    """Correct a credit by appending its negation; a credit can be reversed once."""
    volunteer, _ = await get(session, tenant, volunteer_id)
    entry = (
        await session.execute(
            select(ServiceEntry).where(
                ServiceEntry.id == entry_id, ServiceEntry.volunteer_id == volunteer.id
            )
        )
    ).scalar_one_or_none()
    if entry is None:
        raise NotFound("服务记录")
    if entry.kind != "credit":
        raise Conflict(
            "冲正记录不能再冲正", title_en="A reversal cannot be reversed", code="is-reversal"
        )
    done = await session.execute(
        select(ServiceEntry.id).where(
            ServiceEntry.tenant_id == entry.tenant_id, ServiceEntry.reverses_id == entry.id
        )
    )
    if done.first():
        raise Conflict("该记录已冲正", title_en="Entry already reversed", code="already-reversed")
    return await record_entry(
        session,
        ServiceEntry(
            tenant_id=entry.tenant_id,
            volunteer_id=volunteer.id,
            activity_id=entry.activity_id,
            kind="reversal",
            minutes=-entry.minutes,
            served_on=entry.served_on,
            content=entry.content,
            verified_by=text(body.verified_by),
            reverses_id=entry.id,
            reason=text(body.reason),
            recorded_at=now(),
        ),
    )


def ledger_query(volunteer: Row) -> Select[ServiceEntry]:
    """The volunteer's entries in the order they were recorded."""
    return (
        select(ServiceEntry)
        .where(ServiceEntry.volunteer_id == volunteer.id)
        .order_by(ServiceEntry.recorded_at, ServiceEntry.id)
    )


async def ledger(session: AsyncSession, volunteer: Row) -> list[ServiceEntry]:
    return list((await session.execute(ledger_query(volunteer))).scalars())
