"""The ``party-building:`` key of tenant nodes in ``gongzhi tenants apply`` files.

    - slug: wangcheng
      party-building:
        organisations:
          - {name: 望城区社会组织综合党委, kind: committee, established_on: 2019-06-28}
          - name: 银龄帮帮团联合党支部
            kind: joint_branch
            parent: 望城区社会组织综合党委     # a body of this tenant or one above it
            established_on: 2021-03-01
            secretary: 李红
            units: [望城区银龄帮帮团, 望城区新向阳志愿服务队]
        pioneer_teams:
          - {name: 红色领航先锋队, theme: 助老服务, leader: 李红, organisation: 银龄帮帮团联合党支部}

An organisation or team that exists at the tenant (by name) is left as it is, so a second apply
changes nothing. Units are named as in the organisation directory when a module keeping
organisations is on (an exact name match takes its id), plainly otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Invalid, LineError, PlanLine, Tenant, error_at, list_organisations
from plugins.party_building.models import PartyOrganisation, PioneerTeam
from plugins.party_building.organisations import services as organisations
from plugins.party_building.organisations.schemas import OrganisationCreate, UnitIn
from plugins.party_building.pioneer_teams import services as teams
from plugins.party_building.pioneer_teams.schemas import TeamCreate

SECTION = "party-building"
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]


class OrganisationSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Text
    kind: Literal["committee", "general_branch", "branch", "joint_branch", "group"]
    established_on: date
    parent: Text | None = None
    secretary: Text | None = None
    has_committee: bool = False
    units: list[Text] = msgspec.field(default_factory=list)


class TeamSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Text
    theme: Text
    leader: Text
    organisation: Text | None = None


class SectionSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    organisations: list[OrganisationSpec] = msgspec.field(default_factory=list)
    pioneer_teams: list[TeamSpec] = msgspec.field(default_factory=list)


def _parse(value: yaml.Node) -> SectionSpec:
    data: Any = yaml.constructor.SafeConstructor().construct_object(value, deep=True)
    return msgspec.convert(data, SectionSpec)


class PartyBuildingSection:
    """Declares party organisations and pioneer teams on a tenant node."""

    name = SECTION

    def validate(self, value: yaml.Node, settings: Any) -> list[LineError]:
        if not isinstance(value, yaml.MappingNode):
            return [
                error_at(value, SECTION, "expected organisations: [...] and pioneer_teams: [...]")
            ]
        try:
            spec = _parse(value)
        except (msgspec.ValidationError, yaml.YAMLError) as exc:
            return [error_at(value, SECTION, str(exc))]
        names = [o.name for o in spec.organisations]
        if len(set(names)) != len(names):
            return [error_at(value, f"{SECTION}.organisations", "an organisation is named twice")]
        return []

    async def apply(
        self, session: AsyncSession, settings: Any, tenant: Tenant, value: yaml.Node
    ) -> list[PlanLine]:
        spec = _parse(value)
        lines: list[PlanLine] = []
        for org in spec.organisations:
            subject = f"party organisation {org.name} at {tenant.slug}"
            if await _organisation(session, tenant, org.name, own=True) is not None:
                lines.append(PlanLine("unchanged", subject))
                continue
            parent = None
            if org.parent is not None:
                parent = await _organisation(session, tenant, org.parent, own=False)
                if parent is None:
                    raise Invalid(
                        f"{SECTION}.organisations.parent",
                        f"找不到上级党组织：{org.parent}",
                        message_en=f"no party organisation {org.parent} here or above",
                    )
            body = OrganisationCreate(
                name=org.name,
                kind=org.kind,
                parent_id=parent.id if parent else None,
                secretary_name=org.secretary,
                has_committee=org.has_committee,
                established_on=org.established_on,
                units=[await _unit(session, tenant, u) for u in org.units],
            )
            await organisations.create(session, tenant, body)
            lines.append(PlanLine("create", subject, org.kind))
        for team in spec.pioneer_teams:
            subject = f"pioneer team {team.name} at {tenant.slug}"
            found = await session.scalar(
                select(PioneerTeam.id).where(
                    PioneerTeam.tenant_id == tenant.id, PioneerTeam.name == team.name
                )
            )
            if found is not None:
                lines.append(PlanLine("unchanged", subject))
                continue
            org_id = None
            if team.organisation is not None:
                owner = await _organisation(session, tenant, team.organisation, own=True)
                if owner is None:
                    raise Invalid(
                        f"{SECTION}.pioneer_teams.organisation",
                        f"找不到党组织：{team.organisation}",
                        message_en=f"no party organisation {team.organisation} at this tenant",
                    )
                org_id = owner.id
            await teams.create(
                session,
                tenant,
                TeamCreate(
                    name=team.name,
                    theme=team.theme,
                    leader_name=team.leader,
                    party_organisation_id=org_id,
                ),
            )
            lines.append(PlanLine("create", subject, team.theme))
        return lines


async def _organisation(
    session: AsyncSession, tenant: Tenant, name: str, *, own: bool
) -> PartyOrganisation | None:
    """The organisation of that name at ``tenant`` (``own``), or the nearest of that name at
    ``tenant`` or above it."""
    stmt = select(PartyOrganisation).where(PartyOrganisation.name == name)
    if own:
        stmt = stmt.where(PartyOrganisation.tenant_id == tenant.id)
    else:
        stmt = stmt.where(PartyOrganisation.tenant_id.in_(tenant.ancestor_ids))
    rows = list(await session.scalars(stmt))
    if not rows:
        return None
    depth = {t: i for i, t in enumerate(reversed(tenant.ancestor_ids))}
    return min(rows, key=lambda o: depth[o.tenant_id])


async def _unit(session: AsyncSession, tenant: Tenant, name: str) -> UnitIn:
    """A unit named in the file: the directory's organisation of exactly that name if any."""
    for found in await list_organisations(session, tenant, search=name, limit=20):
        if found.name == name:
            return UnitIn(organisation_id=found.id)
    return UnitIn(organisation_name=name)
