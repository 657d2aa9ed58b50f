"""Party organisations, seen from their tenant's subtree (and, for choosing the body above a new
one, from the tenants above it too); their head-counts, size warnings and coverage."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.party_building import rules
from plugins.party_building.checks import optional_text, text
from plugins.party_building.clock import now
from plugins.party_building.directory import directory_total, name_unit
from plugins.party_building.lineage import in_subtree_or_above
from plugins.party_building.models import CoveredUnit, Instructor, Member, PartyOrganisation
from plugins.party_building.organisations import schemas


async def get(session: AsyncSession, tenant: Tenant, org_id: uuid.UUID) -> PartyOrganisation:
    """The organisation if it lies in ``tenant``'s subtree, else 404."""
    org = await session.scalar(
        select(PartyOrganisation).where(
            PartyOrganisation.id == org_id, row_in_subtree(PartyOrganisation.tenant_id, tenant)
        )
    )
    if org is None:
        raise NotFound("党组织")
    return org


async def in_reach(
    session: AsyncSession, tenant: Tenant, org_id: uuid.UUID, field: str
) -> PartyOrganisation:
    """An organisation named in a request body: in ``tenant``'s subtree, else 422 on ``field``."""
    org = await session.scalar(
        select(PartyOrganisation).where(
            PartyOrganisation.id == org_id, row_in_subtree(PartyOrganisation.tenant_id, tenant)
        )
    )
    if org is None:
        raise Invalid(field, "本辖区内没有这个党组织", message_en="no such party organisation here")
    return org


async def _parent(
    session: AsyncSession, tenant: Tenant, parent_id: uuid.UUID | None
) -> PartyOrganisation | None:
    if parent_id is None:
        return None
    parent = await session.scalar(
        select(PartyOrganisation).where(
            PartyOrganisation.id == parent_id,
            in_subtree_or_above(PartyOrganisation.tenant_id, tenant),
        )
    )
    if parent is None:
        raise Invalid(
            "parent_id",
            "上级党组织不在本辖区或其上级",
            message_en="the parent is neither in this subtree nor above it",
        )
    if parent.kind == "group":
        raise Invalid(
            "parent_id", "党小组下不能再设党组织", message_en="a group has no bodies below"
        )
    return parent


async def add_unit(
    session: AsyncSession, tenant: Tenant, org: PartyOrganisation, unit: schemas.UnitIn, field: str
) -> CoveredUnit:
    """Cover one more social organisation; the joint-branch limit is a warning, not a refusal."""
    organisation_id, name = await name_unit(
        session, tenant, unit.organisation_id, unit.organisation_name, field
    )
    taken = await session.scalar(
        select(CoveredUnit.id).where(
            CoveredUnit.tenant_id == org.tenant_id,
            CoveredUnit.party_organisation_id == org.id,
            CoveredUnit.organisation_name == name,
        )
    )
    if taken is not None:
        raise Conflict("该单位已在覆盖范围内", title_en="Unit already covered", code="unit-covered")
    row = CoveredUnit(
        tenant_id=org.tenant_id,
        party_organisation_id=org.id,
        organisation_id=organisation_id,
        organisation_name=name,
        created_at=now(),
    )
    session.add(row)
    await session.flush()
    return row


async def create(
    session: AsyncSession, tenant: Tenant, body: schemas.OrganisationCreate
) -> PartyOrganisation:
    parent = await _parent(session, tenant, body.parent_id)
    name = text(body.name)
    if await session.scalar(
        select(PartyOrganisation.id).where(
            PartyOrganisation.tenant_id == tenant.id, PartyOrganisation.name == name
        )
    ):
        raise Conflict("党组织名称已存在", title_en="Name already in use", code="name-taken")
    org = PartyOrganisation(
        tenant_id=tenant.id,
        name=name,
        kind=body.kind,
        parent_id=parent.id if parent else None,
        secretary_name=optional_text(body.secretary_name),
        secretary_user_id=body.secretary_user_id,
        has_committee=body.has_committee,
        established_on=body.established_on,
    )
    session.add(org)
    await session.flush()
    for index, unit in enumerate(body.units):
        await add_unit(session, tenant, org, unit, f"units[{index}].organisation")
    return org


async def update(
    session: AsyncSession, tenant: Tenant, org_id: uuid.UUID, body: schemas.OrganisationUpdate
) -> PartyOrganisation:
    org = await get(session, tenant, org_id)
    if body.name is not None:
        name = text(body.name)
        if name != org.name and await session.scalar(
            select(PartyOrganisation.id).where(
                PartyOrganisation.tenant_id == org.tenant_id, PartyOrganisation.name == name
            )
        ):
            raise Conflict("党组织名称已存在", title_en="Name already in use", code="name-taken")
        org.name = name
    if body.secretary_name is not None:
        org.secretary_name = optional_text(body.secretary_name)
    if body.secretary_user_id is not None:
        org.secretary_user_id = body.secretary_user_id
    if body.has_committee is not None:
        org.has_committee = body.has_committee
    await session.flush()
    return org


def query(tenant: Tenant, *, kind: str | None = None) -> Select[PartyOrganisation]:
    stmt = select(PartyOrganisation).where(in_subtree(PartyOrganisation.tenant_id, tenant))
    if kind:
        stmt = stmt.where(PartyOrganisation.kind == kind)
    return stmt.order_by(PartyOrganisation.name, PartyOrganisation.id)


class Census:
    """Head-counts and covered units of a subtree's organisations, read in three queries, so a
    page of organisations is answered with its warnings without a query per row."""

    def __init__(
        self,
        parents: Mapping[uuid.UUID, uuid.UUID | None],
        counts: Mapping[tuple[uuid.UUID, str], int],
        units: Mapping[uuid.UUID, list[CoveredUnit]],
    ) -> None:
        self.counts = counts
        self.units = units
        self.children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for child, parent in parents.items():
            if parent is not None:
                self.children[parent].append(child)

    def own(self, org_id: uuid.UUID, status: str) -> int:
        return self.counts.get((org_id, status), 0)

    def total(self, org_id: uuid.UUID) -> int:
        """Full and probationary members of ``org_id`` and of every body below it."""
        seen: set[uuid.UUID] = set()
        stack, total = [org_id], 0
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            total += self.own(current, "full") + self.own(current, "probationary")
            stack.extend(self.children.get(current, ()))
        return total


async def census(session: AsyncSession, tenant: Tenant) -> Census:
    parents = dict(
        (
            await session.execute(
                select(PartyOrganisation.id, PartyOrganisation.parent_id).where(
                    in_subtree(PartyOrganisation.tenant_id, tenant)
                )
            )
        ).all()
    )
    counted = await session.execute(
        select(Member.party_organisation_id, Member.status, func.count())
        .where(in_subtree(Member.tenant_id, tenant), Member.status != "left")
        .group_by(Member.party_organisation_id, Member.status)
    )
    counts = {(org_id, status): int(n) for org_id, status, n in counted.all()}
    units: dict[uuid.UUID, list[CoveredUnit]] = defaultdict(list)
    for unit in await session.scalars(
        select(CoveredUnit)
        .where(in_subtree(CoveredUnit.tenant_id, tenant))
        .order_by(CoveredUnit.organisation_name)
    ):
        units[unit.party_organisation_id].append(unit)
    return Census(parents, counts, units)


def warnings_of(
    org: PartyOrganisation, counted: Census, settings: Mapping[str, Any]
) -> list[schemas.Warning]:
    size = rules.Size(
        kind=org.kind,
        has_committee=org.has_committee,
        full=counted.own(org.id, "full"),
        total=counted.total(org.id),
        units=len(counted.units.get(org.id, ())),
    )
    return [
        schemas.Warning(code=w.code, message=w.message, message_en=w.message_en)
        for w in rules.size_warnings(size, settings)
    ]


def answer(
    org: PartyOrganisation, counted: Census, settings: Mapping[str, Any]
) -> schemas.Organisation:
    return schemas.Organisation(
        id=org.id,
        tenant_id=org.tenant_id,
        name=org.name,
        kind=org.kind,
        parent_id=org.parent_id,
        secretary_name=org.secretary_name,
        secretary_user_id=org.secretary_user_id,
        has_committee=org.has_committee,
        established_on=org.established_on,
        units=[
            schemas.Unit(
                id=u.id, organisation_id=u.organisation_id, organisation_name=u.organisation_name
            )
            for u in counted.units.get(org.id, ())
        ],
        full_members=counted.own(org.id, "full"),
        probationary_members=counted.own(org.id, "probationary"),
        members_total=counted.total(org.id),
        warnings=warnings_of(org, counted, settings),
    )


async def answer_one(
    session: AsyncSession, tenant: Tenant, org: PartyOrganisation, settings: Mapping[str, Any]
) -> schemas.Organisation:
    """One organisation's answer; counted from the organisation's own tenant, so the bodies
    below it are counted whichever tenant asks."""
    home = tenant if org.tenant_id == tenant.id else await session.get(Tenant, org.tenant_id)
    return answer(org, await census(session, home or tenant), settings)


async def warnings(
    session: AsyncSession, tenant: Tenant, settings: Mapping[str, Any]
) -> list[schemas.OrganisationWarning]:
    """Every size warning of the subtree's organisations, by organisation name."""
    counted = await census(session, tenant)
    found: list[schemas.OrganisationWarning] = []
    for org in await session.scalars(query(tenant)):
        for w in warnings_of(org, counted, settings):
            found.append(
                schemas.OrganisationWarning(
                    organisation_id=org.id,
                    organisation_name=org.name,
                    tenant_id=org.tenant_id,
                    code=w.code,
                    message=w.message,
                    message_en=w.message_en,
                )
            )
    return found


async def create_instructor(
    session: AsyncSession, tenant: Tenant, body: schemas.InstructorCreate
) -> Instructor:
    organisation_id, unit = await name_unit(
        session, tenant, body.organisation_id, body.organisation_name, "organisation"
    )
    name = text(body.name)
    if await session.scalar(
        select(Instructor.id).where(
            Instructor.tenant_id == tenant.id,
            Instructor.organisation_name == unit,
            Instructor.name == name,
        )
    ):
        raise Conflict(
            "该指导员已派驻此组织", title_en="Instructor already assigned", code="instructor-taken"
        )
    row = Instructor(
        tenant_id=tenant.id,
        name=name,
        user_id=body.user_id,
        organisation_id=organisation_id,
        organisation_name=unit,
        assigned_on=body.assigned_on,
    )
    session.add(row)
    await session.flush()
    return row


def instructor_answer(row: Instructor) -> schemas.Instructor:
    return schemas.Instructor(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        user_id=row.user_id,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        assigned_on=row.assigned_on,
    )


def instructors_query(tenant: Tenant) -> Select[Instructor]:
    return (
        select(Instructor)
        .where(in_subtree(Instructor.tenant_id, tenant))
        .order_by(Instructor.organisation_name, Instructor.name, Instructor.id)
    )


def _keys(rows: Iterable[tuple[uuid.UUID | None, str]]) -> set[str]:
    """One key per social organisation: its directory id, else its name."""
    return {str(org_id) if org_id is not None else f"name:{name}" for org_id, name in rows}


async def coverage(session: AsyncSession, tenant: Tenant) -> schemas.Coverage:
    bodies = _keys(
        (
            await session.execute(
                select(CoveredUnit.organisation_id, CoveredUnit.organisation_name).where(
                    in_subtree(CoveredUnit.tenant_id, tenant)
                )
            )
        ).all()
    )
    instructed = _keys(
        (
            await session.execute(
                select(Instructor.organisation_id, Instructor.organisation_name).where(
                    in_subtree(Instructor.tenant_id, tenant)
                )
            )
        ).all()
    )
    covered = len(bodies | instructed)
    total = await directory_total(session, tenant)
    share = None
    if total:
        share = min(100, round(100 * len({k for k in bodies | instructed if ":" not in k}) / total))
    return schemas.Coverage(
        with_party_body=len(bodies),
        with_instructor=len(instructed - bodies),
        covered=covered,
        directory_total=total,
        share_percent=share,
    )
