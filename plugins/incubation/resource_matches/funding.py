"""The subscriber to ``funding.application-approved``: an approval becomes a resource match.

funding emits the event at the tenant running the call. The subscription has ``scope="tree"``,
because the incubatee may be kept above that tenant (a town's call funding an organisation the
district base incubates) or below it; the handler itself keeps to the incubatees on the call
tenant's line: its ancestors, itself and its subtree. An incubatee (not exited) matches an
applicant by directory id, else (named plainly) by exact name. Each match is recorded once per
event id (a unique key on incubatee and event), so a redelivered event adds nothing; projects
linked to the application get the approved amount and funder.

The approved amount is shared among the applicants so that the parts add up to it exactly
(applicant ``i`` of ``n`` gets ``amount*(i+1)//n - amount*i//n`` fen); a joint application's
money is therefore never counted twice in ``incubation.resources_matched_fen``.
"""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import Event, Tenant, in_subtree, module_settings
from plugins.incubation.manifest import MANIFEST
from plugins.incubation.models import Incubatee, Project, ResourceMatch

APPLICATION_APPROVED = "funding.application-approved"


class ApplicationApproved(msgspec.Struct, frozen=True, kw_only=True):
    """The fields of funding's ``ApplicationApproved`` this module reads."""

    application_id: uuid.UUID
    call_title: str
    funder_name: str
    approved_fen: int
    application_tenant_id: uuid.UUID
    organisation_ids: list[uuid.UUID] = msgspec.field(default_factory=list)
    applicant_names: list[str] = msgspec.field(default_factory=list)


def share(amount: int, index: int, applicants: int) -> int:
    """Applicant ``index``'s part of ``amount`` fen split among ``applicants`` (exact sum)."""
    return amount * (index + 1) // applicants - amount * index // applicants


async def on_application_approved(session: AsyncSession, event: Event) -> None:
    payload = event.payload_as(ApplicationApproved)
    call_tenant = await session.get(Tenant, event.tenant_id)
    if call_tenant is None:
        return
    config = await module_settings(session, call_tenant, MANIFEST)
    if not config["match_funding_events"]:
        return
    line = or_(
        in_subtree(Incubatee.tenant_id, call_tenant),
        Incubatee.tenant_id.in_(call_tenant.ancestor_ids),
    )
    ids = list(payload.organisation_ids)
    names = [n.strip() for n in payload.applicant_names]
    applicants = max(len(ids), len(names), 1)
    conditions: list[ColumnElement[bool]] = []
    if ids:
        conditions.append(Incubatee.organisation_id.in_(ids))
    if names:
        conditions.append(
            Incubatee.organisation_id.is_(None) & Incubatee.organisation_name.in_(names)
        )
    if conditions:
        matched = await session.scalars(
            select(Incubatee)
            .where(line, Incubatee.stage != "exited", or_(*conditions))
            .order_by(Incubatee.admitted_on, Incubatee.id)
        )
        for inc in matched:
            index = (
                ids.index(inc.organisation_id)
                if inc.organisation_id in ids
                else names.index(inc.organisation_name)
            )
            await _record(
                session, inc, event, payload, share(payload.approved_fen, index, applicants)
            )
    await session.execute(
        update(Project)
        .where(
            Project.funding_application_id == payload.application_id,
            Project.approved_event_id.is_(None),
            or_(
                in_subtree(Project.tenant_id, call_tenant),
                Project.tenant_id.in_(call_tenant.ancestor_ids),
            ),
        )
        .values(
            approved_fen=payload.approved_fen,
            funder_name=payload.funder_name,
            approved_event_id=event.id,
        )
        .execution_options(synchronize_session=False)
    )


async def _record(
    session: AsyncSession,
    inc: Incubatee,
    event: Event,
    payload: ApplicationApproved,
    amount: int,
) -> None:
    seen = await session.scalar(
        select(ResourceMatch.id).where(
            ResourceMatch.incubatee_id == inc.id, ResourceMatch.event_id == event.id
        )
    )
    if seen is not None:
        return
    session.add(
        ResourceMatch(
            tenant_id=inc.tenant_id,
            incubatee_id=inc.id,
            kind="funding_call",
            provider=payload.funder_name,
            description=f"{payload.call_title}：资助申请获批",
            amount_fen=amount,
            outcome="secured",
            matched_on=event.occurred_at.date(),
            source="funding_event",
            event_id=event.id,
            application_id=payload.application_id,
        )
    )
    await session.flush()
