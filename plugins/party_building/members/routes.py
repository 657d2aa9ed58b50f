"""HTTP routes of party members.

Full records (birth date, phone, identity number, transfers) need ``party-building:people``
(the organisation's administrators); the member reads their own through ``/me/membership``.
Staff see the roster of an organisation and the public service listing, without personal data.
"""

from __future__ import annotations

import uuid

from litestar import get, patch, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, ModuleConfig, Page, Paging, Tenant, in_subtree, paginate
from plugins.party_building.members import services
from plugins.party_building.members.schemas import (
    Conversion,
    ConversionReminder,
    Member,
    MemberCreate,
    MemberStatus,
    MemberUpdate,
    RosterEntry,
    ServiceListing,
    TransferCreate,
)
from plugins.party_building.models import Member as Row
from plugins.party_building.organisations.services import get as get_organisation
from plugins.party_building.permissions import MANAGE, PEOPLE, READ


@get("/members", opt=PEOPLE)
async def list_members(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    config: ModuleConfig,
    organisation_id: uuid.UUID | None = None,
    status: MemberStatus | None = None,
) -> Page[Member]:
    """The members of the subtree with their personal data, by name."""
    page = await paginate(
        session,
        services.query(tenant, organisation_id=organisation_id, status=status),
        paging,
        lambda m: m,
    )
    return Page(
        items=await services.answers(session, page.items, config),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@post("/members", opt=MANAGE)
async def create_member(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, data: MemberCreate
) -> Member:
    member = await services.create(session, tenant, data)
    return services.answer(member, [], config)


@get("/members/{party_member_id:uuid}", opt=PEOPLE)
async def get_member(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, party_member_id: uuid.UUID
) -> Member:
    member = await services.get(session, tenant, party_member_id)
    return (await services.answers(session, [member], config))[0]


@patch("/members/{party_member_id:uuid}", opt=MANAGE)
async def update_member(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    party_member_id: uuid.UUID,
    data: MemberUpdate,
) -> Member:
    """Change the phone, the 亮身份 flag or the 党员示范岗."""
    member = await services.update(session, tenant, party_member_id, data)
    return (await services.answers(session, [member], config))[0]


@post("/members/{party_member_id:uuid}/conversion", opt=MANAGE)
async def convert_member(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    party_member_id: uuid.UUID,
    data: Conversion,
) -> Member:
    """A probationary member becomes full once probation has ended (409 for anyone else)."""
    member = await services.convert(session, tenant, party_member_id, data, config)
    return (await services.answers(session, [member], config))[0]


@post("/members/{party_member_id:uuid}/transfers", opt=MANAGE)
async def transfer_member(
    tenant: Tenant,
    session: AsyncSession,
    config: ModuleConfig,
    party_member_id: uuid.UUID,
    data: TransferCreate,
) -> Member:
    member = await services.transfer(session, tenant, party_member_id, data)
    return (await services.answers(session, [member], config))[0]


@get("/conversion-reminders", opt=PEOPLE)
async def list_conversion_reminders(
    tenant: Tenant, session: AsyncSession, config: ModuleConfig, paging: Paging
) -> Page[ConversionReminder]:
    """Probationary members whose probation ends within the reminder window, or has ended."""
    found = await services.reminders(session, tenant, config)
    return Page(
        items=found[paging.offset : paging.offset + paging.limit],
        total=len(found),
        limit=paging.limit,
        offset=paging.offset,
    )


@get("/organisations/{party_organisation_id:uuid}/roster", opt=READ)
async def get_roster(
    tenant: Tenant, session: AsyncSession, paging: Paging, party_organisation_id: uuid.UUID
) -> Page[RosterEntry]:
    """An organisation's current members (name and status only), for recording attendance."""
    org = await get_organisation(session, tenant, party_organisation_id)
    stmt = services.query(tenant, organisation_id=org.id).where(Row.status != "left")
    return await paginate(
        session, stmt, paging, lambda m: RosterEntry(id=m.id, name=m.name, status=m.status)
    )


@get("/service-listing", opt=READ)
async def list_service_listing(
    tenant: Tenant, session: AsyncSession, paging: Paging
) -> Page[ServiceListing]:
    """Members who show their identity when serving (亮身份), with their 党员示范岗."""
    page = await paginate(session, services.service_listing_query(tenant), paging, lambda m: m)
    names = await services.organisation_names(
        session, [m.party_organisation_id for m in page.items]
    )
    return Page(
        items=[
            ServiceListing(
                id=m.id,
                name=m.name,
                party_organisation_id=m.party_organisation_id,
                organisation_name=names.get(m.party_organisation_id, ""),
                model_post=m.model_post,
            )
            for m in page.items
        ],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@get("/me/membership", opt=READ)
async def my_membership(
    tenant: Tenant, session: AsyncSession, caller: Caller, config: ModuleConfig, paging: Paging
) -> Page[Member]:
    """The caller's own membership records in the subtree, personal data included."""
    stmt = (
        select(Row)
        .where(in_subtree(Row.tenant_id, tenant), Row.user_id == caller.id)
        .order_by(Row.joined_on, Row.id)
    )
    page = await paginate(session, stmt, paging, lambda m: m)
    return Page(
        items=await services.answers(session, page.items, config),
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


ROUTES = [
    list_members,
    create_member,
    get_member,
    update_member,
    convert_member,
    transfer_member,
    list_conversion_reminders,
    get_roster,
    list_service_listing,
    my_membership,
]
