"""Meetings of party organisations and their compliance with the cadence.

The compliance view walks calendar months, quarters or years (the cadence of each meeting type
is a setting) over a window ending on the day asked for, so a quarterly assembly held in March
counts for the first quarter and none is due again until the second quarter has ended.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.party_building import rules
from plugins.party_building.checks import not_in_future, optional_text, text
from plugins.party_building.meetings import schemas
from plugins.party_building.models import Meeting, Member, PartyOrganisation
from plugins.party_building.organisations.services import in_reach

ASSEMBLY = "party_assembly"


async def get(session: AsyncSession, tenant: Tenant, meeting_id: uuid.UUID) -> Meeting:
    meeting = await session.scalar(
        select(Meeting).where(Meeting.id == meeting_id, row_in_subtree(Meeting.tenant_id, tenant))
    )
    if meeting is None:
        raise NotFound("会议")
    return meeting


async def body_and_below(session: AsyncSession, org: PartyOrganisation) -> list[uuid.UUID]:
    """The organisation and every body below it, read from its tenant's subtree down."""
    home = await session.get(Tenant, org.tenant_id)
    if home is None:
        return [org.id]
    rows = (
        await session.execute(
            select(PartyOrganisation.id, PartyOrganisation.parent_id).where(
                in_subtree(PartyOrganisation.tenant_id, home)
            )
        )
    ).all()
    children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for child, parent in rows:
        if parent is not None:
            children[parent].append(child)
    found, stack = [], [org.id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.append(current)
            stack.extend(children.get(current, ()))
    return found


async def create(
    session: AsyncSession, tenant: Tenant, body: schemas.MeetingCreate, settings: Mapping[str, Any]
) -> Meeting:
    org = await in_reach(session, tenant, body.party_organisation_id, "party_organisation_id")
    not_in_future("held_on", body.held_on)
    if body.held_on < org.established_on:
        raise Invalid("held_on", "早于党组织成立日期", message_en="before the organisation existed")
    scope = await body_and_below(session, org)
    members = {
        m.id: m
        for m in await session.scalars(
            select(Member).where(Member.party_organisation_id.in_(scope), Member.status != "left")
        )
    }
    attendees = list(dict.fromkeys(body.attendee_ids))
    for index, member_id in enumerate(attendees):
        if member_id not in members:
            raise Invalid(
                f"attendee_ids[{index}]",
                "不是该党组织的党员",
                message_en="not a member of this organisation",
            )
    full = sum(1 for m in members.values() if m.status == "full")
    quorum = None
    if body.type == ASSEMBLY:
        voting = sum(1 for a in attendees if members[a].status == "full")
        quorum = rules.quorum_met(voting, full, int(settings["assembly_quorum_percent"]))
    meeting = Meeting(
        tenant_id=org.tenant_id,
        party_organisation_id=org.id,
        type=body.type,
        held_on=body.held_on,
        topic=text(body.topic),
        attendee_ids=[str(a) for a in attendees],
        attendees_count=len(attendees),
        full_members_count=full,
        quorum_met=quorum,
        minutes=optional_text(body.minutes),
    )
    session.add(meeting)
    await session.flush()
    return meeting


def answer(meeting: Meeting) -> schemas.Meeting:
    return schemas.Meeting(
        id=meeting.id,
        tenant_id=meeting.tenant_id,
        party_organisation_id=meeting.party_organisation_id,
        type=meeting.type,
        held_on=meeting.held_on,
        topic=meeting.topic,
        attendee_ids=[uuid.UUID(a) for a in meeting.attendee_ids],
        attendees_count=meeting.attendees_count,
        full_members_count=meeting.full_members_count,
        quorum_met=meeting.quorum_met,
        minutes=meeting.minutes,
    )


def query(
    tenant: Tenant, *, organisation_id: uuid.UUID | None = None, type: str | None = None
) -> Select[Meeting]:
    stmt = select(Meeting).where(in_subtree(Meeting.tenant_id, tenant))
    if organisation_id is not None:
        stmt = stmt.where(Meeting.party_organisation_id == organisation_id)
    if type:
        stmt = stmt.where(Meeting.type == type)
    return stmt.order_by(Meeting.held_on.desc(), Meeting.id)


def required_types(
    org: PartyOrganisation, has_groups: bool, settings: Mapping[str, Any]
) -> dict[str, str]:
    """The meeting types ``org`` must hold and each one's cadence: a group holds group
    meetings; every other body its assembly, party lesson and theme day, committee meetings if
    it has a committee and group meetings if groups sit below it."""
    cadence: Mapping[str, str] = settings["meeting_cadence"]
    if org.kind == "group":
        wanted = ["group_meeting"]
    else:
        wanted = ["party_assembly", "party_lesson", "theme_day"]
        if org.has_committee:
            wanted.append("branch_committee")
        if has_groups:
            wanted.append("group_meeting")
    return {
        t: str(cadence[t]) for t in wanted if t in cadence and cadence[t] in rules.PERIOD_MONTHS
    }


def compliance_of(
    org: PartyOrganisation,
    has_groups: bool,
    held: Mapping[str, Sequence[date]],
    on: date,
    settings: Mapping[str, Any],
) -> schemas.Compliance:
    window_start = max(
        org.established_on, rules.months_before(on, int(settings["compliance_window_months"]))
    )
    types = []
    for type, cadence in required_types(org, has_groups, settings).items():
        dates = sorted(d for d in held.get(type, ()) if d <= on)
        overdue: list[schemas.Period] = []
        due = met = 0
        current = schemas.Period(start=on, end=on)
        current_held = False
        for start, end in rules.periods_between(window_start, on, cadence):
            if start < org.established_on:
                continue
            hit = any(start <= d <= end for d in dates)
            if end < on:
                due += 1
                met += hit
                if not hit:
                    overdue.append(schemas.Period(start=start, end=end))
            else:
                current, current_held = schemas.Period(start=start, end=end), hit
        types.append(
            schemas.TypeCompliance(
                type=type,
                cadence=cadence,
                periods_due=due,
                periods_met=met,
                overdue=overdue,
                current=current,
                current_held=current_held,
                last_held_on=dates[-1] if dates else None,
            )
        )
    return schemas.Compliance(
        organisation_id=org.id,
        organisation_name=org.name,
        kind=org.kind,
        on=on,
        window_start=window_start,
        types=types,
        overdue_types=[t.type for t in types if t.overdue],
    )


async def compliance(
    session: AsyncSession,
    tenant: Tenant,
    orgs: Sequence[PartyOrganisation],
    on: date,
    settings: Mapping[str, Any],
) -> list[schemas.Compliance]:
    """The compliance view of each of ``orgs`` on ``on`` (two queries for all of them)."""
    ids = [o.id for o in orgs]
    if not ids:
        return []
    with_groups = set(
        await session.scalars(
            select(PartyOrganisation.parent_id).where(
                PartyOrganisation.parent_id.in_(ids), PartyOrganisation.kind == "group"
            )
        )
    )
    held: dict[uuid.UUID, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    rows = await session.execute(
        select(Meeting.party_organisation_id, Meeting.type, Meeting.held_on).where(
            Meeting.party_organisation_id.in_(ids), in_subtree(Meeting.tenant_id, tenant)
        )
    )
    for org_id, type, held_on in rows.all():
        held[org_id][type].append(held_on)
    return [compliance_of(o, o.id in with_groups, held[o.id], on, settings) for o in orgs]
