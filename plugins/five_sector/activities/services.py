"""Activities: made at a tenant (or by a pairing, then seen by both communities), volunteers
and beneficiaries sign up and check in, and one close counts person-times and credits each
checked-in volunteer's ledger."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, emit
from plugins.five_sector import events, rules
from plugins.five_sector.activities.schemas import Activity as ActivityAnswer
from plugins.five_sector.activities.schemas import (
    ActivityClose,
    ActivityCreate,
    ActivityDetail,
    SignUp,
)
from plugins.five_sector.activities.schemas import Participant as ParticipantAnswer
from plugins.five_sector.checks import text
from plugins.five_sector.clock import now
from plugins.five_sector.models import Activity, Pairing, Participant, ServiceEntry, Volunteer
from plugins.five_sector.organisations import services as organisations
from plugins.five_sector.visibility import activity_visible, visible_activity
from plugins.five_sector.volunteers import services as volunteers

get = visible_activity


def answer(a: Activity) -> ActivityAnswer:
    return ActivityAnswer(
        id=a.id,
        tenant_id=a.tenant_id,
        pairing_id=a.pairing_id,
        organiser_organisation_id=a.organiser_organisation_id,
        title=a.title,
        category=a.category,
        place=a.place,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        capacity=a.capacity,
        status=a.status,
        closed_at=a.closed_at,
        person_times=a.person_times,
    )


def participant_answer(p: Participant) -> ParticipantAnswer:
    return ParticipantAnswer(
        id=p.id,
        activity_id=p.activity_id,
        role=p.role,
        volunteer_id=p.volunteer_id,
        name=p.name,
        signed_up_at=p.signed_up_at,
        checked_in_at=p.checked_in_at,
    )


async def create(
    session: AsyncSession,
    tenant: Tenant,
    body: ActivityCreate,
    pairing: Pairing | None = None,
) -> Activity:
    """An open activity at ``tenant``, or the pairing's joint activity (at its tenant)."""
    if (body.ends_at - body.starts_at).total_seconds() < 60:
        raise Invalid("ends_at", "结束时间须晚于开始时间", message_en="must be after starts_at")
    if body.organiser_organisation_id is not None:
        organiser = await organisations.get(session, tenant, body.organiser_organisation_id)
        if organiser.status in ("dissolved", "suspended"):
            raise Conflict(
                "组织已暂停或注销",
                title_en="Organiser is suspended or dissolved",
                code="organiser-inactive",
            )
    activity = Activity(
        tenant_id=pairing.tenant_id if pairing else tenant.id,
        pairing_id=pairing.id if pairing else None,
        organiser_organisation_id=body.organiser_organisation_id,
        title=text(body.title),
        category=text(body.category),
        place=text(body.place),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        status="open",
        person_times=0,
    )
    session.add(activity)
    await session.flush()
    return activity


def query(
    tenant: Tenant,
    *,
    status: str | None = None,
    category: str | None = None,
    pairing_id: uuid.UUID | None = None,
    q: str | None = None,
) -> Select[Activity]:
    stmt = select(Activity).where(activity_visible(tenant))
    if status:
        stmt = stmt.where(Activity.status == status)
    if category:
        stmt = stmt.where(Activity.category == category)
    if pairing_id:
        stmt = stmt.where(Activity.pairing_id == pairing_id)
    if q:
        stmt = stmt.where(Activity.title.contains(q, autoescape=True))
    return stmt.order_by(Activity.starts_at.desc(), Activity.id)


def _closed() -> Conflict:
    return Conflict("活动已结束", title_en="Activity is closed", code="activity-closed")


async def sign_up(
    session: AsyncSession, tenant: Tenant, activity_id: uuid.UUID, body: SignUp
) -> Participant:
    """A participant of an open activity with room left; a volunteer signs up once."""
    activity = await get(session, tenant, activity_id, lock=True)
    if activity.status != "open":
        raise _closed()
    volunteer_id = None
    if body.role == "volunteer":
        if body.volunteer_id is None:
            raise Invalid(
                "volunteer_id", "志愿者报名需要志愿者编号", message_en="required for volunteers"
            )
        volunteer, _ = await volunteers.get(session, tenant, body.volunteer_id)
        volunteer_id, name = volunteer.id, volunteer.name
        taken = await session.execute(
            select(Participant.id).where(
                Participant.tenant_id == activity.tenant_id,
                Participant.activity_id == activity.id,
                Participant.volunteer_id == volunteer.id,
            )
        )
        if taken.first():
            raise Conflict("已报名", title_en="Already signed up", code="already-signed-up")
    elif body.name is None:
        raise Invalid("name", "受益人报名需要姓名", message_en="required for beneficiaries")
    else:
        name = text(body.name)
    if activity.capacity is not None:
        count = (
            await session.execute(
                select(func.count()).where(Participant.activity_id == activity.id)
            )
        ).scalar_one()
        if count >= activity.capacity:
            raise Conflict("名额已满", title_en="Activity is full", code="full")
    participant = Participant(
        tenant_id=activity.tenant_id,
        activity_id=activity.id,
        role=body.role,
        volunteer_id=volunteer_id,
        name=name,
        signed_up_at=now(),
    )
    session.add(participant)
    await session.flush()
    return participant


async def check_in(
    session: AsyncSession, tenant: Tenant, activity_id: uuid.UUID, participant_id: uuid.UUID
) -> Participant:
    """Mark attendance; repeating it is harmless, doing it after closing is refused."""
    activity = await get(session, tenant, activity_id, lock=True)
    participant = (
        await session.execute(
            select(Participant).where(
                Participant.id == participant_id, Participant.activity_id == activity.id
            )
        )
    ).scalar_one_or_none()
    if participant is None:
        raise NotFound("报名记录")
    result = await session.execute(
        update(Participant)
        .where(
            Participant.id == participant.id,
            Participant.checked_in_at.is_(None),
            Participant.activity_id.in_(select(Activity.id).where(Activity.status == "open")),
        )
        .values(checked_in_at=now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.refresh(activity)
        if activity.status != "open":
            raise _closed()
    await session.refresh(participant)
    return participant


async def participants(session: AsyncSession, activity: Activity) -> list[Participant]:
    rows = await session.execute(
        select(Participant)
        .where(Participant.tenant_id == activity.tenant_id, Participant.activity_id == activity.id)
        .order_by(Participant.signed_up_at, Participant.id)
    )
    return list(rows.scalars())


async def detail(session: AsyncSession, tenant: Tenant, activity_id: uuid.UUID) -> ActivityDetail:
    activity = await get(session, tenant, activity_id)
    people = [participant_answer(p) for p in await participants(session, activity)]
    return ActivityDetail(**msgspec.structs.asdict(answer(activity)), participants=people)


async def close(
    session: AsyncSession, tenant: Tenant, activity_id: uuid.UUID, body: ActivityClose
) -> tuple[Activity, list[ServiceEntry]]:
    """Close an activity once: count person-times and credit each checked-in volunteer.

    The status flips with a conditional UPDATE, so of two concurrent closes exactly one wins
    and the other gets 409; the unique key on (tenant, activity, volunteer, kind) backs it up.
    """
    activity = await get(session, tenant, activity_id, lock=True)
    verified_by = text(body.verified_by)
    if activity.status != "open":
        raise _closed()
    stamp = now()
    result = await session.execute(
        update(Activity)
        .where(Activity.id == activity.id, Activity.status != "closed")
        .values(status="closed", closed_at=stamp, updated_at=stamp)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _closed()
    attended = [p for p in await participants(session, activity) if p.checked_in_at is not None]
    person_times = body.beneficiary_person_times
    if person_times is None:
        person_times = sum(1 for p in attended if p.role == "beneficiary")
    await session.execute(
        update(Activity)
        .where(Activity.id == activity.id)
        .values(person_times=person_times)
        .execution_options(synchronize_session=False)
    )
    minutes = min(
        int((activity.ends_at - activity.starts_at).total_seconds() // 60),
        rules.MAX_MINUTES_PER_ENTRY,
    )
    credited = [
        await volunteers.record_entry(
            session,
            ServiceEntry(
                tenant_id=activity.tenant_id,
                volunteer_id=p.volunteer_id,
                activity_id=activity.id,
                kind="credit",
                minutes=minutes,
                served_on=activity.starts_at.date(),
                content=activity.title,
                verified_by=verified_by,
                recorded_at=stamp,
            ),
        )
        for p in attended
        if p.role == "volunteer" and p.volunteer_id is not None
    ]
    await session.refresh(activity)
    volunteer_users = await session.execute(
        select(Volunteer.id, Volunteer.user_id).where(
            Volunteer.id.in_([e.volunteer_id for e in credited])
        )
    )
    users = {volunteer_id: user_id for volunteer_id, user_id in volunteer_users}
    await emit(
        session,
        events.ACTIVITY_CLOSED,
        tenant_id=activity.tenant_id,
        payload=events.ActivityClosed(
            activity_id=activity.id,
            tenant_id=activity.tenant_id,
            closed_at=stamp,
            person_times=person_times,
            participants=[
                events.CreditedParticipant(e.volunteer_id, users.get(e.volunteer_id), e.minutes)
                for e in credited
            ],
        ),
    )
    return activity, credited
