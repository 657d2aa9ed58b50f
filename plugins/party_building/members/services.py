"""Party members, seen from their organisation's tenant subtree; probation and transfers."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.party_building import rules
from plugins.party_building.checks import not_in_future, optional_text, text
from plugins.party_building.clock import now, today
from plugins.party_building.members import schemas
from plugins.party_building.models import Member, MemberTransfer, PartyOrganisation
from plugins.party_building.organisations.services import in_reach


async def get(
    session: AsyncSession, tenant: Tenant, member_id: uuid.UUID, *, lock: bool = False
) -> Member:
    stmt = select(Member).where(Member.id == member_id, row_in_subtree(Member.tenant_id, tenant))
    if lock:
        stmt = stmt.with_for_update()
    member = await session.scalar(stmt)
    if member is None:
        raise NotFound("党员")
    return member


async def create(session: AsyncSession, tenant: Tenant, body: schemas.MemberCreate) -> Member:
    org = await in_reach(session, tenant, body.party_organisation_id, "party_organisation_id")
    not_in_future("joined_on", body.joined_on)
    if body.status == "full" and body.converted_on is None:
        raise Invalid("converted_on", "正式党员须填写转正日期", message_en="a full member needs it")
    if body.status == "probationary" and body.converted_on is not None:
        raise Invalid(
            "converted_on", "预备党员尚未转正", message_en="a probationary member is not converted"
        )
    if body.converted_on is not None and body.converted_on < body.joined_on:
        raise Invalid("converted_on", "转正日期早于入党日期", message_en="before the admission")
    if body.converted_on is not None:
        not_in_future("converted_on", body.converted_on)
    member = Member(
        tenant_id=org.tenant_id,
        party_organisation_id=org.id,
        name=text(body.name),
        user_id=body.user_id,
        status=body.status,
        gender=body.gender,
        birth_date=body.birth_date,
        phone=optional_text(body.phone),
        id_number=body.id_number.upper() if body.id_number else None,
        joined_on=body.joined_on,
        converted_on=body.converted_on,
        show_identity=body.show_identity,
        model_post=optional_text(body.model_post),
    )
    session.add(member)
    await session.flush()
    return member


async def update(
    session: AsyncSession, tenant: Tenant, member_id: uuid.UUID, body: schemas.MemberUpdate
) -> Member:
    member = await get(session, tenant, member_id)
    if body.phone is not None:
        member.phone = optional_text(body.phone)
    if body.show_identity is not None:
        member.show_identity = body.show_identity
    if body.model_post is not None:
        member.model_post = optional_text(body.model_post)
    await session.flush()
    return member


async def convert(
    session: AsyncSession,
    tenant: Tenant,
    member_id: uuid.UUID,
    body: schemas.Conversion,
    settings: Mapping[str, Any],
) -> Member:
    """A probationary member becomes full, not before probation has ended."""
    member = await get(session, tenant, member_id, lock=True)
    if member.status != "probationary":
        raise Conflict(
            "只有预备党员可以转正",
            title_en="Only a probationary member can be converted",
            code="invalid-transition",
            allowed=[],
        )
    due = rules.conversion_due_on(member.joined_on, int(settings["probation_months"]))
    if body.converted_on < due:
        raise Invalid(
            "converted_on",
            f"预备期至{due.isoformat()}届满",
            message_en=f"probation ends on {due.isoformat()}",
        )
    member.status = "full"
    member.converted_on = not_in_future("converted_on", body.converted_on)
    await session.flush()
    return member


async def transfer(
    session: AsyncSession, tenant: Tenant, member_id: uuid.UUID, body: schemas.TransferCreate
) -> Member:
    """Move a member to another organisation of the subtree, keeping the move in the history."""
    member = await get(session, tenant, member_id, lock=True)
    target = await in_reach(session, tenant, body.to_organisation_id, "to_organisation_id")
    if target.id == member.party_organisation_id:
        raise Invalid(
            "to_organisation_id", "党员已在该党组织", message_en="already in that organisation"
        )
    not_in_future("transferred_on", body.transferred_on)
    session.add(
        MemberTransfer(
            tenant_id=target.tenant_id,
            member_id=member.id,
            from_organisation_id=member.party_organisation_id,
            to_organisation_id=target.id,
            transferred_on=body.transferred_on,
            reason=text(body.reason),
            recorded_at=now(),
        )
    )
    member.party_organisation_id = target.id
    member.tenant_id = target.tenant_id
    await session.flush()
    return member


def query(
    tenant: Tenant, *, organisation_id: uuid.UUID | None = None, status: str | None = None
) -> Select[Member]:
    stmt = select(Member).where(in_subtree(Member.tenant_id, tenant))
    if organisation_id is not None:
        stmt = stmt.where(Member.party_organisation_id == organisation_id)
    if status:
        stmt = stmt.where(Member.status == status)
    return stmt.order_by(Member.name, Member.id)


async def transfers_of(
    session: AsyncSession, member_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[schemas.Transfer]]:
    found: dict[uuid.UUID, list[schemas.Transfer]] = defaultdict(list)
    if not member_ids:
        return found
    rows = await session.scalars(
        select(MemberTransfer)
        .where(MemberTransfer.member_id.in_(member_ids))
        .order_by(MemberTransfer.transferred_on, MemberTransfer.recorded_at)
    )
    for row in rows:
        found[row.member_id].append(
            schemas.Transfer(
                id=row.id,
                from_organisation_id=row.from_organisation_id,
                to_organisation_id=row.to_organisation_id,
                transferred_on=row.transferred_on,
                reason=row.reason,
            )
        )
    return found


def answer(
    member: Member, transfers: Sequence[schemas.Transfer], settings: Mapping[str, Any]
) -> schemas.Member:
    due = None
    if member.status == "probationary":
        due = rules.conversion_due_on(member.joined_on, int(settings["probation_months"]))
    return schemas.Member(
        id=member.id,
        tenant_id=member.tenant_id,
        party_organisation_id=member.party_organisation_id,
        name=member.name,
        user_id=member.user_id,
        status=member.status,
        gender=member.gender,
        birth_date=member.birth_date,
        phone=member.phone,
        id_number=member.id_number,
        joined_on=member.joined_on,
        converted_on=member.converted_on,
        conversion_due_on=due,
        show_identity=member.show_identity,
        model_post=member.model_post,
        transfers=list(transfers),
    )


async def answers(
    session: AsyncSession, members: Sequence[Member], settings: Mapping[str, Any]
) -> list[schemas.Member]:
    history = await transfers_of(session, [m.id for m in members])
    return [answer(m, history.get(m.id, []), settings) for m in members]


async def reminders(
    session: AsyncSession, tenant: Tenant, settings: Mapping[str, Any]
) -> list[schemas.ConversionReminder]:
    """Probationary members due for conversion within the reminder window, or past due."""
    horizon = today() + timedelta(days=int(settings["conversion_reminder_days"]))
    months = int(settings["probation_months"])
    found = []
    for member in await session.scalars(query(tenant, status="probationary")):
        due = rules.conversion_due_on(member.joined_on, months)
        if due <= horizon:
            found.append(
                schemas.ConversionReminder(
                    member_id=member.id,
                    name=member.name,
                    party_organisation_id=member.party_organisation_id,
                    joined_on=member.joined_on,
                    due_on=due,
                    overdue=due < today(),
                )
            )
    return sorted(found, key=lambda r: (r.due_on, r.name))


def service_listing_query(tenant: Tenant) -> Select[Member]:
    return (
        select(Member)
        .where(
            in_subtree(Member.tenant_id, tenant),
            Member.show_identity.is_(True),
            Member.status != "left",
        )
        .order_by(Member.name, Member.id)
    )


async def organisation_names(
    session: AsyncSession, org_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not org_ids:
        return {}
    rows = await session.execute(
        select(PartyOrganisation.id, PartyOrganisation.name).where(
            PartyOrganisation.id.in_(set(org_ids))
        )
    )
    return {org_id: name for org_id, name in rows.all()}
