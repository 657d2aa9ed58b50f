"""Social organisations: creation with a checked USCC, the lifecycle (incubating, filed,
registered, suspended, dissolved) with its history, ratings and the warnings for staff.

A tenant sees the organisations of its subtree; new ones belong to the tenant they are made at.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.five_sector import rules
from plugins.five_sector.checks import not_in_future, optional_text, rule, text
from plugins.five_sector.clock import now, today
from plugins.five_sector.models import REGISTERED_KINDS, OrganisationStatusChange
from plugins.five_sector.models import Organisation as Row
from plugins.five_sector.organisations.schemas import (
    ExpiringFiling,
    Organisation,
    OrganisationCreate,
    OrganisationDetail,
    OrganisationUpdate,
    RatingSet,
    StatusChange,
    Transition,
    UnderTarget,
    Warnings,
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "incubating": ("filed", "registered", "dissolved"),
    "filed": ("filed", "suspended", "dissolved"),
    "registered": ("suspended", "dissolved"),
    "suspended": ("filed", "registered", "dissolved"),
    "dissolved": (),
}
"""Allowed lifecycle moves; ``filed`` → ``filed`` renews a filing."""


def answer(org: Row, config: Mapping[str, Any], on: date | None = None) -> Organisation:
    on = on or today()
    rating_until = (
        rules.rating_valid_until(org.rated_on, int(config["rating_validity_years"]))
        if org.rated_on
        else None
    )
    return Organisation(
        id=org.id,
        tenant_id=org.tenant_id,
        name=org.name,
        kind=org.kind,
        category=org.category,
        status=org.status,
        uscc=org.uscc,
        registered_on=org.registered_on,
        filing_number=org.filing_number,
        filed_on=org.filed_on,
        filing_expires_on=org.filing_expires_on,
        filing_expiring=bool(
            org.status == "filed"
            and org.filing_expires_on
            and rules.filing_expiring(org.filing_expires_on, on, int(config["expiry_warning_days"]))
        ),
        founders_count=org.founders_count,
        members_count=org.members_count,
        charter_document=org.charter_document,
        address=org.address,
        rating=org.rating,
        rating_label=f"{org.rating}A" if org.rating else None,
        rated_on=org.rated_on,
        rating_valid_until=rating_until,
        rating_valid=bool(rating_until and on <= rating_until and org.status == "registered"),
        brand_project=org.brand_project,
    )


def _category(config: Mapping[str, Any], category: str) -> str:
    """The category if the tenant's setting lists it (a setting, so not in the schema)."""
    allowed = [str(c) for c in config["categories"]]
    category = text(category)
    if category not in allowed:
        raise Invalid(
            "category",
            f"类别须为 {'、'.join(allowed)} 之一",
            message_en=f"category must be one of {allowed}",
        )
    return category


def _uscc(kind: str, code: str) -> str:
    if kind not in REGISTERED_KINDS:
        raise Invalid(
            "uscc",
            "备案的社区社会组织没有统一社会信用代码",
            message_en="filed community organisations have no USCC",
        )
    try:
        code = rules.validate_uscc(code)
    except rules.RuleError as error:
        raise rule("uscc", error) from None
    if code[0] != "5" or code[1] != rules.USCC_TYPE_BY_KIND[kind]:
        raise Invalid(
            "uscc",
            "统一社会信用代码的登记机关或类型与组织类型不符",
            message_en=f"a {kind} USCC starts with 5{rules.USCC_TYPE_BY_KIND[kind]}",
        )
    return code


async def _uscc_free(session: AsyncSession, tenant_id: uuid.UUID, code: str) -> None:
    taken = await session.execute(
        select(Row.id).where(Row.tenant_id == tenant_id, Row.uscc == code)
    )
    if taken.first():
        raise Conflict(
            "统一社会信用代码已被使用", title_en="USCC already in use", code="uscc-taken"
        )


async def create(
    session: AsyncSession, tenant: Tenant, config: Mapping[str, Any], body: OrganisationCreate
) -> Row:
    org = Row(
        tenant_id=tenant.id,
        name=text(body.name),
        kind=body.kind,
        category=_category(config, body.category),
        status="incubating",
        founders_count=body.founders_count,
        members_count=body.members_count,
        charter_document=optional_text(body.charter_document),
        address=optional_text(body.address),
        brand_project=body.brand_project,
    )
    if body.uscc is not None:
        org.uscc = _uscc(body.kind, body.uscc)
        await _uscc_free(session, tenant.id, org.uscc)
    session.add(org)
    await session.flush()
    return org


async def get(session: AsyncSession, tenant: Tenant, org_id: uuid.UUID) -> Row:
    """The organisation if it lies in ``tenant``'s subtree, else 404."""
    org = (
        await session.execute(
            select(Row).where(Row.id == org_id, row_in_subtree(Row.tenant_id, tenant))
        )
    ).scalar_one_or_none()
    if org is None:
        raise NotFound("社会组织")
    return org


def query(
    tenant: Tenant,
    *,
    kind: str | None = None,
    category: str | None = None,
    status: str | None = None,
    q: str | None = None,
    brand_project: bool | None = None,
) -> Select[Row]:
    stmt = select(Row).where(in_subtree(Row.tenant_id, tenant))
    if kind:
        stmt = stmt.where(Row.kind == kind)
    if category:
        stmt = stmt.where(Row.category == category)
    if status:
        stmt = stmt.where(Row.status == status)
    if q:
        stmt = stmt.where(Row.name.contains(q, autoescape=True))
    if brand_project is not None:
        stmt = stmt.where(Row.brand_project == brand_project)
    return stmt.order_by(Row.name, Row.id)


async def update_fields(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    org_id: uuid.UUID,
    body: OrganisationUpdate,
) -> Row:
    org = await get(session, tenant, org_id)
    if org.status == "dissolved":
        raise Conflict("组织已注销", title_en="Organisation is dissolved", code="dissolved")
    if body.name is not None:
        org.name = text(body.name)
    if body.category is not None:
        org.category = _category(config, body.category)
    if body.founders_count is not None:
        org.founders_count = body.founders_count
    if body.members_count is not None:
        org.members_count = body.members_count
    if body.charter_document is not None:
        org.charter_document = optional_text(body.charter_document)
    if body.address is not None:
        org.address = optional_text(body.address)
    if body.brand_project is not None:
        org.brand_project = body.brand_project
    await session.flush()
    return org


def _filing_requirements(org: Row) -> None:
    """备案: at least 2 founders, 10 members, a charter and a place (which may be shared)."""
    if org.kind in REGISTERED_KINDS:
        raise Invalid("to", "登记类组织不能备案", message_en="registered kinds are not filed")
    if org.founders_count < 2:
        raise Invalid(
            "founders_count", "备案至少需要2名发起人", message_en="filing needs 2+ founders"
        )
    if org.members_count < 10:
        raise Invalid(
            "members_count", "备案至少需要10名成员", message_en="filing needs 10+ members"
        )
    if not org.charter_document:
        raise Invalid("charter_document", "备案需要章程", message_en="filing needs a charter")
    if not org.address:
        raise Invalid("address", "备案需要活动场所", message_en="filing needs a place")


async def _filing(
    session: AsyncSession, org: Row, config: Mapping[str, Any], body: Transition
) -> dict[str, Any]:
    _filing_requirements(org)
    if body.filing_number is None:
        raise Invalid("filing_number", "需要备案编号", message_en="filing number required")
    if body.filed_on is None:
        raise Invalid("filed_on", "需要备案日期", message_en="filing date required")
    number = text(body.filing_number)
    not_in_future("filed_on", body.filed_on)
    clash = await session.execute(
        select(Row.id).where(
            Row.tenant_id == org.tenant_id, Row.filing_number == number, Row.id != org.id
        )
    )
    if clash.first():
        raise Conflict("备案编号已被使用", title_en="Filing number in use", code="filing-taken")
    return {
        "filing_number": number,
        "filed_on": body.filed_on,
        "filing_expires_on": rules.filing_expires_on(
            body.filed_on, int(config["filing_validity_years"])
        ),
    }


async def _registration(session: AsyncSession, org: Row, body: Transition) -> dict[str, Any]:
    if org.kind not in REGISTERED_KINDS:
        raise Invalid("to", "社区社会组织应备案而非登记", message_en="community orgs are filed")
    code = body.uscc or org.uscc
    if code is None:
        raise Invalid("uscc", "登记需要统一社会信用代码", message_en="registration needs a USCC")
    code = _uscc(org.kind, code)
    if code != org.uscc:
        await _uscc_free(session, org.tenant_id, code)
    registered_on = body.registered_on or org.registered_on
    if registered_on is None:
        raise Invalid("registered_on", "需要登记日期", message_en="registration date required")
    return {"uscc": code, "registered_on": registered_on}


async def transition(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    org_id: uuid.UUID,
    body: Transition,
    actor: uuid.UUID | None,
) -> Row:
    """Move an organisation along its lifecycle, recording who, when and why.

    The status changes with a conditional UPDATE, so of two concurrent moves from the same
    status one wins and the other gets 409 ``stale``.
    """
    org = await get(session, tenant, org_id)
    reason = text(body.reason)
    if body.to not in TRANSITIONS[org.status]:
        raise Conflict(
            f"组织状态不能从 {org.status} 变为 {body.to}",
            title_en=f"Cannot move from {org.status} to {body.to}",
            code="invalid-transition",
        )
    values: dict[str, Any] = {"status": body.to}
    if body.to == "filed":
        values |= await _filing(session, org, config, body)
    elif body.to == "registered":
        values |= await _registration(session, org, body)
    result = await session.execute(
        update(Row)
        .where(Row.id == org.id, Row.status == org.status)
        .values(**values, updated_at=now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("组织状态已被他人修改", title_en="Status changed meanwhile", code="stale")
    session.add(
        OrganisationStatusChange(
            tenant_id=org.tenant_id,
            organisation_id=org.id,
            from_status=org.status,
            to_status=body.to,
            reason=reason,
            changed_by=actor,
            changed_at=now(),
        )
    )
    await session.flush()
    await session.refresh(org)
    return org


async def detail(
    session: AsyncSession, tenant: Tenant, config: Mapping[str, Any], org_id: uuid.UUID
) -> OrganisationDetail:
    """The organisation with its lifecycle history, oldest move first."""
    org = await get(session, tenant, org_id)
    rows = await session.execute(
        select(OrganisationStatusChange)
        .where(
            OrganisationStatusChange.tenant_id == org.tenant_id,
            OrganisationStatusChange.organisation_id == org.id,
        )
        .order_by(OrganisationStatusChange.changed_at)
    )
    history = [
        StatusChange(
            from_=c.from_status,
            to=c.to_status,
            reason=c.reason,
            changed_by=c.changed_by,
            changed_at=c.changed_at,
        )
        for c in rows.scalars()
    ]
    return OrganisationDetail(**msgspec.structs.asdict(answer(org, config)), history=history)


async def rate(session: AsyncSession, tenant: Tenant, org_id: uuid.UUID, body: RatingSet) -> Row:
    """评估等级 1A-5A: registered organisations only, registered two full years or more."""
    org = await get(session, tenant, org_id)
    not_in_future("rated_on", body.rated_on)
    if org.status != "registered" or org.registered_on is None:
        raise Conflict(
            "只有登记的社会组织可以评估",
            title_en="Only registered organisations are rated",
            code="not-registered",
        )
    if not rules.rating_eligible(org.registered_on, body.rated_on):
        raise Invalid(
            "rated_on",
            "登记满两年方可评估",
            message_en="rating needs two full years of registration",
        )
    org.rating = body.rating
    org.rated_on = body.rated_on
    await session.flush()
    return org


async def warnings(session: AsyncSession, tenant: Tenant, config: Mapping[str, Any]) -> Warnings:
    """What staff should act on: filings about to expire, communities under their target."""
    on = today()
    horizon = on.toordinal() + int(config["expiry_warning_days"])
    filed = await session.execute(
        select(Row)
        .where(
            in_subtree(Row.tenant_id, tenant),
            Row.status == "filed",
            Row.filing_expires_on.is_not(None),
        )
        .order_by(Row.filing_expires_on)
    )
    expiring = [
        ExpiringFiling(
            organisation_id=o.id,
            name=o.name,
            tenant_id=o.tenant_id,
            filing_expires_on=o.filing_expires_on,
            expired=o.filing_expires_on < on,
        )
        for o in filed.scalars()
        if o.filing_expires_on and o.filing_expires_on.toordinal() <= horizon
    ]
    targets: dict[str, int] = {str(k): int(v) for k, v in config["targets"].items()}
    counts = (
        select(Row.tenant_id, func.count().label("n"))
        .where(Row.status.in_(("filed", "registered")))
        .group_by(Row.tenant_id)
        .subquery()
    )
    communities = await session.execute(
        select(Tenant, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.tenant_id == Tenant.id)
        .where(in_subtree(Tenant.id, tenant), Tenant.kind.in_(list(targets)))
        .order_by(Tenant.path)
    )
    under = [
        UnderTarget(
            tenant_id=t.id,
            name=t.name,
            kind=str(t.kind),
            organisations=int(n),
            target=targets[str(t.kind)],
        )
        for t, n in communities.all()
        if int(n) < targets[str(t.kind)]
    ]
    return Warnings(filings_expiring=expiring, communities_under_target=under)
