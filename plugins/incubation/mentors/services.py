"""Mentors and their pairings: one open pairing per mentor and per incubatee, meetings logged
within a pairing's dates."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, in_subtree
from plugins.incubation.bases import services as bases
from plugins.incubation.fields import clean, get_in_subtree, not_in_future, optional
from plugins.incubation.incubatees import services as incubatees
from plugins.incubation.mentors.schemas import (
    MeetingCreate,
    MentorCreate,
    PairingCreate,
    PairingEnd,
)
from plugins.incubation.models import Mentor, MentorMeeting, Mentorship, Staff


async def create(session: AsyncSession, tenant: Tenant, body: MentorCreate) -> Mentor:
    base = await bases.get(session, tenant, body.base_id)
    if body.staff_id is not None:
        staff = await session.get(Staff, body.staff_id)
        if staff is None or staff.base_id != base.id:
            raise Invalid(
                "staff_id", "该基地没有这名工作人员", message_en="no such staff at the base"
            )
    mentor = Mentor(
        tenant_id=base.tenant_id,
        base_id=base.id,
        name=clean(body.name),
        title=clean(body.title),
        staff_id=body.staff_id,
    )
    session.add(mentor)
    await session.flush()
    return mentor


def query(tenant: Tenant) -> Select[Mentor]:
    return (
        select(Mentor).where(in_subtree(Mentor.tenant_id, tenant)).order_by(Mentor.name, Mentor.id)
    )


async def get(session: AsyncSession, tenant: Tenant, mentor_id: uuid.UUID) -> Mentor:
    return await get_in_subtree(session, Mentor, tenant, mentor_id, "导师")


async def pair(
    session: AsyncSession, tenant: Tenant, mentor_id: uuid.UUID, body: PairingCreate
) -> Mentorship:
    """Pair the mentor one-to-one with an incubatee's leader (409 when either is paired)."""
    mentor = await get(session, tenant, mentor_id)
    inc = await incubatees.get(session, tenant, body.incubatee_id)
    if inc.stage in incubatees.FINAL:
        raise Conflict(
            "培育对象已结业或退出", title_en="The incubatee has left", code="incubatee-final"
        )
    leader = optional(body.leader_name) or inc.leader_name
    if leader is None:
        raise Invalid("leader_name", "需要组织负责人姓名", message_en="the leader's name is needed")
    open_pairing = await session.scalar(
        select(Mentorship.id).where(
            Mentorship.ended_on.is_(None),
            (Mentorship.mentor_id == mentor.id) | (Mentorship.incubatee_id == inc.id),
        )
    )
    if open_pairing is not None:
        raise Conflict(
            "导师或培育对象已有结对（一对一）",
            title_en="The mentor or the incubatee is paired already (one-to-one)",
            code="paired",
        )
    pairing = Mentorship(
        tenant_id=inc.tenant_id,
        mentor_id=mentor.id,
        incubatee_id=inc.id,
        leader_name=leader,
        started_on=not_in_future("started_on", body.started_on),
    )
    session.add(pairing)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict(
            "导师或培育对象已有结对（一对一）",
            title_en="The mentor or the incubatee is paired already (one-to-one)",
            code="paired",
        ) from None
    return pairing


def pairings(tenant: Tenant, mentor: Mentor) -> Select[Mentorship]:
    return (
        select(Mentorship)
        .where(Mentorship.mentor_id == mentor.id, in_subtree(Mentorship.tenant_id, tenant))
        .order_by(Mentorship.started_on, Mentorship.id)
    )


async def get_pairing(
    session: AsyncSession, tenant: Tenant, mentor_id: uuid.UUID, mentorship_id: uuid.UUID
) -> Mentorship:
    mentor = await get(session, tenant, mentor_id)
    pairing = await session.scalar(
        select(Mentorship).where(
            Mentorship.id == mentorship_id,
            Mentorship.mentor_id == mentor.id,
            in_subtree(Mentorship.tenant_id, tenant),
        )
    )
    if pairing is None:
        raise NotFound("结对")
    return pairing


async def end(
    session: AsyncSession,
    tenant: Tenant,
    mentor_id: uuid.UUID,
    mentorship_id: uuid.UUID,
    body: PairingEnd,
) -> Mentorship:
    pairing = await get_pairing(session, tenant, mentor_id, mentorship_id)
    if pairing.ended_on is not None:
        raise Conflict("结对已结束", title_en="The pairing has ended", code="pairing-ended")
    if body.ended_on < pairing.started_on:
        raise Invalid("ended_on", "结束日期早于开始日期", message_en="ends before it started")
    pairing.ended_on = not_in_future("ended_on", body.ended_on)
    pairing.end_reason = clean(body.reason)
    await session.flush()
    return pairing


async def log_meeting(
    session: AsyncSession,
    tenant: Tenant,
    mentor_id: uuid.UUID,
    mentorship_id: uuid.UUID,
    body: MeetingCreate,
) -> MentorMeeting:
    """A meeting of the pair, dated within the pairing."""
    pairing = await get_pairing(session, tenant, mentor_id, mentorship_id)
    met_on = not_in_future("met_on", body.met_on)
    if met_on < pairing.started_on or (pairing.ended_on and met_on > pairing.ended_on):
        raise Invalid("met_on", "会面日期不在结对期间", message_en="outside the pairing's dates")
    meeting = MentorMeeting(
        tenant_id=pairing.tenant_id,
        mentorship_id=pairing.id,
        met_on=met_on,
        topic=clean(body.topic),
        notes=optional(body.notes),
        next_steps=optional(body.next_steps),
    )
    session.add(meeting)
    await session.flush()
    return meeting


def meetings(pairing: Mentorship) -> Select[MentorMeeting]:
    return (
        select(MentorMeeting)
        .where(
            MentorMeeting.tenant_id == pairing.tenant_id,
            MentorMeeting.mentorship_id == pairing.id,
        )
        .order_by(MentorMeeting.met_on, MentorMeeting.id)
    )
