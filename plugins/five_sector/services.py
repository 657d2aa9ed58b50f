"""What the five-sector API does, independent of HTTP: each function takes the request's
session and tenant, checks the rules, writes, and returns plain dicts for the response.

Reach: a tenant sees rows of its whole subtree; a row outside it answers 404. New rows belong
to the tenant they are created at (joint activities: to the pairing's tenant).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, emit
from plugins.five_sector import events, rules
from plugins.five_sector.models import (
    REGISTERED_KINDS,
    Activity,
    Allocation,
    CharityResource,
    Organisation,
    OrganisationStatusChange,
    Pairing,
    Participant,
    ServiceEntry,
    SocialWorker,
    Volunteer,
)
from plugins.five_sector.schemas import (
    ActivityClose,
    ActivityCreate,
    AllocationCreate,
    EntryCreate,
    OrganisationCreate,
    OrganisationUpdate,
    PairingCreate,
    RatingSet,
    ResourceCreate,
    ReversalCreate,
    SignUp,
    SocialWorkerCreate,
    Transition,
    VolunteerCreate,
)

MODULE = "five-sector"
HOURS_EVENT = events.HOURS_RECORDED
MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1

Row = dict[str, Any]
Settings = dict[str, Any]

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "incubating": ("filed", "registered", "dissolved"),
    "filed": ("filed", "suspended", "dissolved"),
    "registered": ("suspended", "dissolved"),
    "suspended": ("filed", "registered", "dissolved"),
    "dissolved": (),
}
"""Allowed lifecycle moves; ``filed`` → ``filed`` renews a filing."""


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


# --- reach -----------------------------------------------------------------------------------


def in_subtree(column: Any, tenant: Tenant) -> ColumnElement[bool]:
    """``column`` (a tenant id) lies in ``tenant``'s subtree."""
    condition: ColumnElement[bool] = column.in_(
        select(Tenant.id).where(Tenant.path.like(tenant.path + "%"))
    )
    return condition


def visible_pairings(tenant: Tenant) -> Select[Any]:
    """Ids of pairings ``tenant`` sees: made in its subtree, or with a party in its subtree."""
    return select(Pairing.id).where(
        or_(
            in_subtree(Pairing.tenant_id, tenant),
            in_subtree(Pairing.urban_tenant_id, tenant),
            in_subtree(Pairing.rural_tenant_id, tenant),
        )
    )


def activity_visible(tenant: Tenant) -> ColumnElement[bool]:
    return or_(
        in_subtree(Activity.tenant_id, tenant), Activity.pairing_id.in_(visible_pairings(tenant))
    )


def _required(field: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise Invalid(field, "不能为空", message_en="must not be empty")
    return value.strip()


def _non_negative(field: str, value: int) -> int:
    if value < 0:
        raise Invalid(field, "不能为负数", message_en="must not be negative")
    return value


def _rule(field: str, error: rules.RuleError) -> Invalid:
    return Invalid(field, error.message, message_en=error.message_en)


def _check_page(limit: int | None, offset: int) -> None:
    """Refuse a page the database could not cut (negative, or past any real table's size)."""
    if offset < 0:
        raise Invalid("offset", "不能为负数", message_en="must not be negative")
    if offset > MAX_OFFSET:
        raise Invalid("offset", f"不能大于{MAX_OFFSET}", message_en=f"at most {MAX_OFFSET}")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise Invalid("limit", f"须在1到{MAX_LIMIT}之间", message_en=f"must be 1..{MAX_LIMIT}")


async def _page(
    session: AsyncSession, query: Select[Any], limit: int | None, offset: int
) -> tuple[list[Any], int]:
    _check_page(limit, offset)
    total = (
        await session.execute(select(func.count()).select_from(query.order_by(None).subquery()))
    ).scalar_one()
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = (await session.execute(query)).scalars().all()
    return list(rows), int(total)


def page(items: list[Row], total: int, limit: int | None, offset: int) -> Row:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


async def find_tenant_in_subtree(
    session: AsyncSession, tenant: Tenant, key: str, field: str
) -> Tenant:
    """The tenant with slug or division code ``key`` inside ``tenant``'s subtree, else 422."""
    column = Tenant.division_code if key.isascii() and key.isdigit() else Tenant.slug
    found = (
        await session.execute(
            select(Tenant).where(column == key, Tenant.path.like(tenant.path + "%"))
        )
    ).scalar_one_or_none()
    if found is None:
        raise Invalid(field, f"本辖区内没有 {key}", message_en=f"no tenant {key!r} in this subtree")
    return found


async def _served_ids(
    session: AsyncSession, tenant: Tenant, keys: Sequence[str], field: str
) -> list[str]:
    return [str((await find_tenant_in_subtree(session, tenant, k, field)).id) for k in keys]


# --- organisations ---------------------------------------------------------------------------


def organisation_out(org: Organisation, cfg: Settings, on: date | None = None) -> Row:
    on = on or today()
    rating_until = (
        rules.rating_valid_until(org.rated_on, int(cfg["rating_validity_years"]))
        if org.rated_on
        else None
    )
    return {
        "id": str(org.id),
        "tenant_id": str(org.tenant_id),
        "name": org.name,
        "kind": org.kind,
        "category": org.category,
        "status": org.status,
        "uscc": org.uscc,
        "registered_on": org.registered_on,
        "filing_number": org.filing_number,
        "filed_on": org.filed_on,
        "filing_expires_on": org.filing_expires_on,
        "filing_expiring": bool(
            org.status == "filed"
            and org.filing_expires_on
            and rules.filing_expiring(org.filing_expires_on, on, int(cfg["expiry_warning_days"]))
        ),
        "founders_count": org.founders_count,
        "members_count": org.members_count,
        "charter_document": org.charter_document,
        "address": org.address,
        "rating": org.rating,
        "rating_label": f"{org.rating}A" if org.rating else None,
        "rated_on": org.rated_on,
        "rating_valid_until": rating_until,
        "rating_valid": bool(rating_until and on <= rating_until and org.status == "registered"),
        "brand_project": org.brand_project,
    }


def _check_category(cfg: Settings, category: str) -> str:
    category = _required("category", category)
    if category not in cfg["categories"]:
        raise Invalid(
            "category",
            f"类别须为 {'、'.join(cfg['categories'])} 之一",
            message_en=f"category must be one of {cfg['categories']}",
        )
    return category


def _check_uscc(kind: str, code: str) -> str:
    if kind not in REGISTERED_KINDS:
        raise Invalid(
            "uscc",
            "备案的社区社会组织没有统一社会信用代码",
            message_en="filed community organisations have no USCC",
        )
    try:
        code = rules.validate_uscc(code)
    except rules.RuleError as error:
        raise _rule("uscc", error) from None
    if code[0] != "5" or code[1] != rules.USCC_TYPE_BY_KIND[kind]:
        raise Invalid(
            "uscc",
            "统一社会信用代码的登记机关或类型与组织类型不符",
            message_en=f"a {kind} USCC starts with 5{rules.USCC_TYPE_BY_KIND[kind]}",
        )
    return code


async def _uscc_free(session: AsyncSession, tenant_id: uuid.UUID, code: str) -> None:
    taken = await session.execute(
        select(Organisation.id).where(
            Organisation.tenant_id == tenant_id, Organisation.uscc == code
        )
    )
    if taken.first():
        raise Conflict(
            "统一社会信用代码已被使用", title_en="USCC already in use", code="uscc-taken"
        )


async def create_organisation(
    session: AsyncSession, tenant: Tenant, cfg: Settings, body: OrganisationCreate
) -> Organisation:
    org = Organisation(
        tenant_id=tenant.id,
        name=_required("name", body.name),
        kind=body.kind,
        category=_check_category(cfg, body.category),
        status="incubating",
        founders_count=_non_negative("founders_count", body.founders_count),
        members_count=_non_negative("members_count", body.members_count),
        charter_document=body.charter_document,
        address=body.address,
        brand_project=body.brand_project,
    )
    if body.uscc is not None:
        org.uscc = _check_uscc(body.kind, body.uscc)
        await _uscc_free(session, tenant.id, org.uscc)
    session.add(org)
    await session.flush()
    return org


async def get_organisation(
    session: AsyncSession, tenant: Tenant, org_id: uuid.UUID
) -> Organisation:
    org = (
        await session.execute(
            select(Organisation).where(
                Organisation.id == org_id, in_subtree(Organisation.tenant_id, tenant)
            )
        )
    ).scalar_one_or_none()
    if org is None:
        raise NotFound("社会组织")
    return org


def organisations_query(
    tenant: Tenant,
    *,
    kind: str | None = None,
    category: str | None = None,
    status: str | None = None,
    q: str | None = None,
    brand_project: bool | None = None,
) -> Select[Any]:
    query = select(Organisation).where(in_subtree(Organisation.tenant_id, tenant))
    if kind:
        query = query.where(Organisation.kind == kind)
    if category:
        query = query.where(Organisation.category == category)
    if status:
        query = query.where(Organisation.status == status)
    if q:
        query = query.where(Organisation.name.contains(q, autoescape=True))
    if brand_project is not None:
        query = query.where(Organisation.brand_project == brand_project)
    return query.order_by(Organisation.name, Organisation.id)


async def list_organisations(
    session: AsyncSession,
    tenant: Tenant,
    cfg: Settings,
    limit: int | None,
    offset: int,
    **filters: Any,
) -> Row:
    rows, total = await _page(session, organisations_query(tenant, **filters), limit, offset)
    return page([organisation_out(o, cfg) for o in rows], total, limit, offset)


async def update_organisation(
    session: AsyncSession,
    tenant: Tenant,
    cfg: Settings,
    org_id: uuid.UUID,
    body: OrganisationUpdate,
) -> Organisation:
    org = await get_organisation(session, tenant, org_id)
    if org.status == "dissolved":
        raise Conflict("组织已注销", title_en="Organisation is dissolved", code="dissolved")
    if body.name is not None:
        org.name = _required("name", body.name)
    if body.category is not None:
        org.category = _check_category(cfg, body.category)
    if body.founders_count is not None:
        org.founders_count = _non_negative("founders_count", body.founders_count)
    if body.members_count is not None:
        org.members_count = _non_negative("members_count", body.members_count)
    if body.charter_document is not None:
        org.charter_document = body.charter_document
    if body.address is not None:
        org.address = body.address
    if body.brand_project is not None:
        org.brand_project = body.brand_project
    await session.flush()
    return org


def _filing_requirements(org: Organisation) -> None:
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


async def transition_organisation(
    session: AsyncSession,
    tenant: Tenant,
    cfg: Settings,
    org_id: uuid.UUID,
    body: Transition,
    actor: uuid.UUID | None,
) -> Organisation:
    """Move an organisation along its lifecycle, recording who, when and why."""
    org = await get_organisation(session, tenant, org_id)
    reason = _required("reason", body.reason)
    if body.to not in TRANSITIONS[org.status]:
        raise Conflict(
            f"组织状态不能从 {org.status} 变为 {body.to}",
            title_en=f"Cannot move from {org.status} to {body.to}",
            code="invalid-transition",
        )
    values: dict[str, Any] = {"status": body.to}
    if body.to == "filed":
        _filing_requirements(org)
        number = _required("filing_number", body.filing_number)
        if body.filed_on is None:
            raise Invalid("filed_on", "需要备案日期", message_en="filing date required")
        if body.filed_on > today():
            raise Invalid("filed_on", "备案日期不能晚于今天", message_en="cannot be in the future")
        clash = await session.execute(
            select(Organisation.id).where(
                Organisation.tenant_id == org.tenant_id,
                Organisation.filing_number == number,
                Organisation.id != org.id,
            )
        )
        if clash.first():
            raise Conflict("备案编号已被使用", title_en="Filing number in use", code="filing-taken")
        values |= {
            "filing_number": number,
            "filed_on": body.filed_on,
            "filing_expires_on": rules.filing_expires_on(
                body.filed_on, int(cfg["filing_validity_years"])
            ),
        }
    elif body.to == "registered":
        if org.kind not in REGISTERED_KINDS:
            raise Invalid("to", "社区社会组织应备案而非登记", message_en="community orgs are filed")
        code = body.uscc or org.uscc
        if code is None:
            raise Invalid(
                "uscc", "登记需要统一社会信用代码", message_en="registration needs a USCC"
            )
        code = _check_uscc(org.kind, code)
        if code != org.uscc:
            await _uscc_free(session, org.tenant_id, code)
        registered_on = body.registered_on or org.registered_on
        if registered_on is None:
            raise Invalid("registered_on", "需要登记日期", message_en="registration date required")
        values |= {"uscc": code, "registered_on": registered_on}
    result = await session.execute(
        update(Organisation)
        .where(Organisation.id == org.id, Organisation.status == org.status)
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


async def organisation_history(
    session: AsyncSession, tenant: Tenant, org_id: uuid.UUID
) -> list[Row]:
    org = await get_organisation(session, tenant, org_id)
    rows = await session.execute(
        select(OrganisationStatusChange)
        .where(
            OrganisationStatusChange.tenant_id == org.tenant_id,
            OrganisationStatusChange.organisation_id == org.id,
        )
        .order_by(OrganisationStatusChange.changed_at)
    )
    return [
        {
            "from": c.from_status,
            "to": c.to_status,
            "reason": c.reason,
            "changed_by": str(c.changed_by) if c.changed_by else None,
            "changed_at": c.changed_at,
        }
        for c in rows.scalars()
    ]


async def rate_organisation(
    session: AsyncSession, tenant: Tenant, org_id: uuid.UUID, body: RatingSet
) -> Organisation:
    """评估等级 1A-5A: registered organisations only, registered two full years or more."""
    org = await get_organisation(session, tenant, org_id)
    if not 1 <= body.rating <= 5:
        raise Invalid("rating", "等级须为1到5（1A-5A）", message_en="rating is 1..5 (1A-5A)")
    if body.rated_on > today():
        raise Invalid("rated_on", "评估日期不能晚于今天", message_en="cannot be in the future")
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


async def warnings(session: AsyncSession, tenant: Tenant, cfg: Settings) -> Row:
    """What staff should act on: filings about to expire, communities under their target."""
    on = today()
    horizon = on.toordinal() + int(cfg["expiry_warning_days"])
    filed = await session.execute(
        select(Organisation)
        .where(
            in_subtree(Organisation.tenant_id, tenant),
            Organisation.status == "filed",
            Organisation.filing_expires_on.is_not(None),
        )
        .order_by(Organisation.filing_expires_on)
    )
    expiring = [
        {
            "organisation_id": str(o.id),
            "name": o.name,
            "tenant_id": str(o.tenant_id),
            "filing_expires_on": o.filing_expires_on,
            "expired": o.filing_expires_on < on,
        }
        for o in filed.scalars()
        if o.filing_expires_on and o.filing_expires_on.toordinal() <= horizon
    ]
    targets: dict[str, int] = {str(k): int(v) for k, v in cfg["targets"].items()}
    counts = (
        select(Organisation.tenant_id, func.count().label("n"))
        .where(Organisation.status.in_(("filed", "registered")))
        .group_by(Organisation.tenant_id)
        .subquery()
    )
    communities = await session.execute(
        select(Tenant, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.tenant_id == Tenant.id)
        .where(Tenant.path.like(tenant.path + "%"), Tenant.kind.in_(list(targets)))
        .order_by(Tenant.path)
    )
    under = [
        {
            "tenant_id": str(t.id),
            "name": t.name,
            "kind": t.kind,
            "organisations": int(n),
            "target": targets[str(t.kind)],
        }
        for t, n in communities.all()
        if int(n) < targets[str(t.kind)]
    ]
    return {"filings_expiring": expiring, "communities_under_target": under}


# --- social workers --------------------------------------------------------------------------


def social_worker_out(w: SocialWorker) -> Row:
    return {
        "id": str(w.id),
        "tenant_id": str(w.tenant_id),
        "name": w.name,
        "user_id": str(w.user_id) if w.user_id else None,
        "certificate_level": w.certificate_level,
        "certificate_number": w.certificate_number,
        "served_tenant_ids": list(w.served_tenant_ids),
    }


async def create_social_worker(
    session: AsyncSession, tenant: Tenant, body: SocialWorkerCreate
) -> SocialWorker:
    worker = SocialWorker(
        tenant_id=tenant.id,
        name=_required("name", body.name),
        user_id=body.user_id,
        certificate_level=body.certificate_level,
        certificate_number=body.certificate_number,
        served_tenant_ids=await _served_ids(session, tenant, body.served_tenants, "served_tenants"),
    )
    session.add(worker)
    await session.flush()
    return worker


def social_workers_query(
    tenant: Tenant, *, certificate_level: str | None = None, q: str | None = None
) -> Select[Any]:
    query = select(SocialWorker).where(in_subtree(SocialWorker.tenant_id, tenant))
    if certificate_level:
        query = query.where(SocialWorker.certificate_level == certificate_level)
    if q:
        query = query.where(SocialWorker.name.contains(q, autoescape=True))
    return query.order_by(SocialWorker.name, SocialWorker.id)


async def list_social_workers(
    session: AsyncSession, tenant: Tenant, limit: int | None, offset: int, **filters: Any
) -> Row:
    rows, total = await _page(session, social_workers_query(tenant, **filters), limit, offset)
    return page([social_worker_out(w) for w in rows], total, limit, offset)


# --- volunteers and the ledger ---------------------------------------------------------------


def _total_minutes() -> Any:
    return (
        select(func.coalesce(func.sum(ServiceEntry.minutes), 0))
        .where(ServiceEntry.volunteer_id == Volunteer.id)
        .correlate(Volunteer)
        .scalar_subquery()
    )


def volunteer_out(v: Volunteer, total_minutes: int, cfg: Settings) -> Row:
    return {
        "id": str(v.id),
        "tenant_id": str(v.tenant_id),
        "name": v.name,
        "user_id": str(v.user_id) if v.user_id else None,
        "volunteer_number": v.volunteer_number,
        "id_type": v.id_type,
        "id_number": v.id_number,
        "skills": list(v.skills),
        "served_tenant_ids": list(v.served_tenant_ids),
        "total_hours": rules.minutes_to_hours(total_minutes),
        "star_level": rules.star_level(total_minutes, cfg["star_thresholds"]),
    }


async def create_volunteer(
    session: AsyncSession, tenant: Tenant, body: VolunteerCreate
) -> Volunteer:
    number = _required("volunteer_number", body.volunteer_number)
    taken = await session.execute(
        select(Volunteer.id).where(
            Volunteer.tenant_id == tenant.id, Volunteer.volunteer_number == number
        )
    )
    if taken.first():
        raise Conflict(
            "志愿者编号已存在", title_en="Volunteer number already in use", code="number-taken"
        )
    volunteer = Volunteer(
        tenant_id=tenant.id,
        name=_required("name", body.name),
        volunteer_number=number,
        user_id=body.user_id,
        id_type=body.id_type,
        id_number=body.id_number,
        skills=[s.strip() for s in body.skills if s.strip()],
        served_tenant_ids=await _served_ids(session, tenant, body.served_tenants, "served_tenants"),
    )
    session.add(volunteer)
    await session.flush()
    return volunteer


async def get_volunteer(
    session: AsyncSession, tenant: Tenant, volunteer_id: uuid.UUID
) -> tuple[Volunteer, int]:
    row = (
        await session.execute(
            select(Volunteer, _total_minutes()).where(
                Volunteer.id == volunteer_id, in_subtree(Volunteer.tenant_id, tenant)
            )
        )
    ).first()
    if row is None:
        raise NotFound("志愿者")
    return row[0], int(row[1])


async def volunteer_for_user(
    session: AsyncSession, tenant: Tenant, user_id: uuid.UUID
) -> tuple[Volunteer, int]:
    row = (
        await session.execute(
            select(Volunteer, _total_minutes())
            .where(Volunteer.user_id == user_id, in_subtree(Volunteer.tenant_id, tenant))
            .order_by(Volunteer.created_at)
            .limit(1)
        )
    ).first()
    if row is None:
        raise NotFound("志愿者")
    return row[0], int(row[1])


def volunteers_query(
    tenant: Tenant, *, skill: str | None = None, q: str | None = None, number: str | None = None
) -> Select[Any]:
    query = select(Volunteer, _total_minutes()).where(in_subtree(Volunteer.tenant_id, tenant))
    if q:
        query = query.where(Volunteer.name.contains(q, autoescape=True))
    if number:
        query = query.where(Volunteer.volunteer_number == number)
    query = query.order_by(Volunteer.volunteer_number, Volunteer.id)
    return query


async def list_volunteers(
    session: AsyncSession,
    tenant: Tenant,
    cfg: Settings,
    limit: int | None,
    offset: int,
    skill: str | None = None,
    **filters: Any,
) -> Row:
    """One page of the subtree's volunteers with their totals.

    Without ``skill`` the page is cut in SQL (a count and a LIMIT query), so a district with
    thousands of volunteers builds only the page's rows; a skill filter (a JSON array member)
    is applied in Python over the whole subtree.
    """
    _check_page(limit, offset)
    query = volunteers_query(tenant, **filters)
    if not skill:
        total = (
            await session.execute(select(func.count()).select_from(query.order_by(None).subquery()))
        ).scalar_one()
        if limit is not None:
            query = query.limit(limit).offset(offset)
        elif offset:
            query = query.offset(offset)
        chosen = list((await session.execute(query)).all())
        return page([volunteer_out(v, int(m), cfg) for v, m in chosen], int(total), limit, offset)
    rows = [r for r in (await session.execute(query)).all() if skill in r[0].skills]
    chosen = rows[offset : offset + limit] if limit is not None else rows[offset:]
    return page([volunteer_out(v, int(m), cfg) for v, m in chosen], len(rows), limit, offset)


def entry_out(e: ServiceEntry) -> Row:
    return {
        "id": str(e.id),
        "volunteer_id": str(e.volunteer_id),
        "activity_id": str(e.activity_id) if e.activity_id else None,
        "kind": e.kind,
        "hours": rules.minutes_to_hours(e.minutes),
        "minutes": e.minutes,
        "served_on": e.served_on,
        "content": e.content,
        "verified_by": e.verified_by,
        "reverses_id": str(e.reverses_id) if e.reverses_id else None,
        "reason": e.reason,
        "recorded_at": e.recorded_at,
    }


async def _record(session: AsyncSession, entry: ServiceEntry) -> ServiceEntry:
    """Append ``entry`` and publish it as an event in the same transaction."""
    session.add(entry)
    await session.flush()
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
    return entry


async def add_entry(
    session: AsyncSession, tenant: Tenant, volunteer_id: uuid.UUID, body: EntryCreate
) -> ServiceEntry:
    volunteer, _ = await get_volunteer(session, tenant, volunteer_id)
    try:
        minutes = rules.hours_to_minutes(body.hours)
    except rules.RuleError as error:
        raise _rule("hours", error) from None
    if body.served_on > today():
        raise Invalid("served_on", "服务日期不能晚于今天", message_en="cannot be in the future")
    tenant_id = volunteer.tenant_id
    if body.activity_id is not None:
        activity = await get_activity(session, tenant, body.activity_id)
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
    return await _record(
        session,
        ServiceEntry(
            tenant_id=tenant_id,
            volunteer_id=volunteer.id,
            activity_id=body.activity_id,
            kind="credit",
            minutes=minutes,
            served_on=body.served_on,
            content=_required("content", body.content),
            verified_by=_required("verified_by", body.verified_by),
            recorded_at=now(),
        ),
    )


async def reverse_entry(
    session: AsyncSession,
    tenant: Tenant,
    volunteer_id: uuid.UUID,
    entry_id: uuid.UUID,
    body: ReversalCreate,
) -> ServiceEntry:
    """Correct a credit by appending its negation; a credit can be reversed once."""
    volunteer, _ = await get_volunteer(session, tenant, volunteer_id)
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
    return await _record(
        session,
        ServiceEntry(
            tenant_id=entry.tenant_id,
            volunteer_id=volunteer.id,
            activity_id=entry.activity_id,
            kind="reversal",
            minutes=-entry.minutes,
            served_on=entry.served_on,
            content=entry.content,
            verified_by=_required("verified_by", body.verified_by),
            reverses_id=entry.id,
            reason=_required("reason", body.reason),
            recorded_at=now(),
        ),
    )


async def ledger(session: AsyncSession, volunteer: Volunteer) -> list[ServiceEntry]:
    rows = await session.execute(
        select(ServiceEntry)
        .where(ServiceEntry.volunteer_id == volunteer.id)
        .order_by(ServiceEntry.recorded_at, ServiceEntry.id)
    )
    return list(rows.scalars())


# --- activities ------------------------------------------------------------------------------


def activity_out(a: Activity) -> Row:
    return {
        "id": str(a.id),
        "tenant_id": str(a.tenant_id),
        "pairing_id": str(a.pairing_id) if a.pairing_id else None,
        "organiser_organisation_id": (
            str(a.organiser_organisation_id) if a.organiser_organisation_id else None
        ),
        "title": a.title,
        "category": a.category,
        "place": a.place,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "capacity": a.capacity,
        "status": a.status,
        "closed_at": a.closed_at,
        "person_times": a.person_times,
    }


def participant_out(p: Participant) -> Row:
    return {
        "id": str(p.id),
        "activity_id": str(p.activity_id),
        "role": p.role,
        "volunteer_id": str(p.volunteer_id) if p.volunteer_id else None,
        "name": p.name,
        "signed_up_at": p.signed_up_at,
        "checked_in_at": p.checked_in_at,
    }


async def create_activity(
    session: AsyncSession,
    tenant: Tenant,
    body: ActivityCreate,
    pairing: Pairing | None = None,
) -> Activity:
    if body.starts_at.tzinfo is None or body.ends_at.tzinfo is None:
        raise Invalid("starts_at", "时间须带时区", message_en="times need a UTC offset")
    if (body.ends_at - body.starts_at).total_seconds() < 60:
        raise Invalid("ends_at", "结束时间须晚于开始时间", message_en="must be after starts_at")
    if body.capacity is not None and body.capacity < 1:
        raise Invalid("capacity", "名额须为正数", message_en="must be positive")
    if body.organiser_organisation_id is not None:
        organiser = await get_organisation(session, tenant, body.organiser_organisation_id)
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
        title=_required("title", body.title),
        category=_required("category", body.category),
        place=_required("place", body.place),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        status="open",
        person_times=0,
    )
    session.add(activity)
    await session.flush()
    return activity


async def get_activity(
    session: AsyncSession, tenant: Tenant, activity_id: uuid.UUID, *, lock: bool = False
) -> Activity:
    """The activity if ``tenant`` sees it. ``lock`` holds its row until commit (PostgreSQL; a
    SQLite write transaction holds the whole database already), so sign-ups, check-ins and the
    close of one activity take turns: none is lost to a close that ran in between."""
    query = select(Activity).where(Activity.id == activity_id, activity_visible(tenant))
    if lock:
        query = query.with_for_update(of=Activity)
    activity = (await session.execute(query)).scalar_one_or_none()
    if activity is None:
        raise NotFound("活动")
    return activity


def activities_query(
    tenant: Tenant,
    *,
    status: str | None = None,
    category: str | None = None,
    pairing_id: uuid.UUID | None = None,
    q: str | None = None,
) -> Select[Any]:
    query = select(Activity).where(activity_visible(tenant))
    if status:
        query = query.where(Activity.status == status)
    if category:
        query = query.where(Activity.category == category)
    if pairing_id:
        query = query.where(Activity.pairing_id == pairing_id)
    if q:
        query = query.where(Activity.title.contains(q, autoescape=True))
    return query.order_by(Activity.starts_at.desc(), Activity.id)


async def list_activities(
    session: AsyncSession, tenant: Tenant, limit: int | None, offset: int, **filters: Any
) -> Row:
    rows, total = await _page(session, activities_query(tenant, **filters), limit, offset)
    return page([activity_out(a) for a in rows], total, limit, offset)


def _closed() -> Conflict:
    return Conflict("活动已结束", title_en="Activity is closed", code="activity-closed")


async def sign_up(
    session: AsyncSession, tenant: Tenant, activity_id: uuid.UUID, body: SignUp
) -> Participant:
    activity = await get_activity(session, tenant, activity_id, lock=True)
    if activity.status != "open":
        raise _closed()
    volunteer_id = None
    if body.role == "volunteer":
        if body.volunteer_id is None:
            raise Invalid(
                "volunteer_id", "志愿者报名需要志愿者编号", message_en="required for volunteers"
            )
        volunteer, _ = await get_volunteer(session, tenant, body.volunteer_id)
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
    else:
        name = _required("name", body.name)
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
    activity = await get_activity(session, tenant, activity_id, lock=True)
    participant = (
        await session.execute(
            select(Participant).where(
                Participant.id == participant_id, Participant.activity_id == activity.id
            )
        )
    ).scalar_one_or_none()
    if participant is None:
        raise NotFound("报名记录")
    stamp = now()
    result = await session.execute(
        update(Participant)
        .where(
            Participant.id == participant.id,
            Participant.checked_in_at.is_(None),
            Participant.activity_id.in_(select(Activity.id).where(Activity.status == "open")),
        )
        .values(checked_in_at=stamp)
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


async def close_activity(
    session: AsyncSession, tenant: Tenant, activity_id: uuid.UUID, body: ActivityClose
) -> tuple[Activity, list[ServiceEntry]]:
    """Close an activity once: count person-times and credit each checked-in volunteer.

    The status flips with a conditional UPDATE, so of two concurrent closes exactly one wins
    and the other gets 409; the unique key on (tenant, activity, volunteer, kind) backs it up.
    """
    activity = await get_activity(session, tenant, activity_id, lock=True)
    verified_by = _required("verified_by", body.verified_by)
    if body.beneficiary_person_times is not None and body.beneficiary_person_times < 0:
        raise Invalid("beneficiary_person_times", "不能为负数", message_en="must not be negative")
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
    served_on = activity.starts_at.date()
    credited = []
    for p in attended:
        if p.role != "volunteer" or p.volunteer_id is None:
            continue
        credited.append(
            await _record(
                session,
                ServiceEntry(
                    tenant_id=activity.tenant_id,
                    volunteer_id=p.volunteer_id,
                    activity_id=activity.id,
                    kind="credit",
                    minutes=minutes,
                    served_on=served_on,
                    content=activity.title,
                    verified_by=verified_by,
                    recorded_at=stamp,
                ),
            )
        )
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


# --- charity resources -----------------------------------------------------------------------


def resource_out(r: CharityResource) -> Row:
    return {
        "id": str(r.id),
        "tenant_id": str(r.tenant_id),
        "organisation_id": str(r.organisation_id) if r.organisation_id else None,
        "kind": r.kind,
        "donor_kind": r.donor_kind,
        "donor_name": r.donor_name,
        "description": r.description,
        "unit": r.unit,
        "quantity": r.quantity,
        "balance": r.balance,
        "allocated": r.quantity - r.balance,
        "received_on": r.received_on,
    }


def allocation_out(a: Allocation) -> Row:
    return {
        "id": str(a.id),
        "resource_id": str(a.resource_id),
        "amount": a.amount,
        "activity_id": str(a.activity_id) if a.activity_id else None,
        "project": a.project,
        "note": a.note,
        "allocated_at": a.allocated_at,
    }


MAX_QUANTITY = 2**31 - 1


async def create_resource(
    session: AsyncSession, tenant: Tenant, body: ResourceCreate
) -> CharityResource:
    if body.quantity <= 0 or body.quantity > MAX_QUANTITY:
        raise Invalid(
            "quantity",
            "数量须为正整数（金额以分计）",
            message_en="a positive integer (money in fen)",
        )
    if body.received_on > today():
        raise Invalid("received_on", "接收日期不能晚于今天", message_en="cannot be in the future")
    if body.kind == "money":
        if body.unit not in (None, "fen"):
            raise Invalid("unit", "资金以分计", message_en="money is counted in fen")
        unit = "fen"
    else:
        unit = _required("unit", body.unit)
    if body.organisation_id is not None:
        await get_organisation(session, tenant, body.organisation_id)
    resource = CharityResource(
        tenant_id=tenant.id,
        organisation_id=body.organisation_id,
        kind=body.kind,
        donor_kind=body.donor_kind,
        donor_name=_required("donor_name", body.donor_name),
        description=_required("description", body.description),
        unit=unit,
        quantity=body.quantity,
        balance=body.quantity,
        received_on=body.received_on,
    )
    session.add(resource)
    await session.flush()
    return resource


async def get_resource(
    session: AsyncSession, tenant: Tenant, resource_id: uuid.UUID
) -> CharityResource:
    resource = (
        await session.execute(
            select(CharityResource).where(
                CharityResource.id == resource_id, in_subtree(CharityResource.tenant_id, tenant)
            )
        )
    ).scalar_one_or_none()
    if resource is None:
        raise NotFound("慈善资源")
    return resource


def resources_query(
    tenant: Tenant, *, kind: str | None = None, donor_kind: str | None = None
) -> Select[Any]:
    query = select(CharityResource).where(in_subtree(CharityResource.tenant_id, tenant))
    if kind:
        query = query.where(CharityResource.kind == kind)
    if donor_kind:
        query = query.where(CharityResource.donor_kind == donor_kind)
    return query.order_by(CharityResource.received_on.desc(), CharityResource.id)


async def list_resources(
    session: AsyncSession, tenant: Tenant, limit: int | None, offset: int, **filters: Any
) -> Row:
    rows, total = await _page(session, resources_query(tenant, **filters), limit, offset)
    return page([resource_out(r) for r in rows], total, limit, offset)


async def allocate(
    session: AsyncSession, tenant: Tenant, resource_id: uuid.UUID, body: AllocationCreate
) -> tuple[CharityResource, Allocation]:
    """Take ``amount`` from a resource's balance, atomically: the balance never goes below 0.

    The decrement is one conditional UPDATE, so of two allocations racing for the last yuan one
    succeeds and the other gets 409; the CHECK (balance >= 0) backs it up.
    """
    resource = await get_resource(session, tenant, resource_id)
    if body.amount <= 0 or body.amount > MAX_QUANTITY:
        raise Invalid(
            "amount",
            "分配数量须为正整数（金额以分计）",
            message_en="a positive integer (money in fen)",
        )
    project = body.project.strip() if body.project else None
    if body.activity_id is None and not project:
        raise Invalid(
            "activity_id", "须指定活动或项目", message_en="an activity or a project is required"
        )
    if body.activity_id is not None:
        await get_activity(session, tenant, body.activity_id)
    result = await session.execute(
        update(CharityResource)
        .where(CharityResource.id == resource.id, CharityResource.balance >= body.amount)
        .values(balance=CharityResource.balance - body.amount, updated_at=now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("余额不足", title_en="Insufficient balance", code="insufficient-balance")
    allocation = Allocation(
        tenant_id=resource.tenant_id,
        resource_id=resource.id,
        amount=body.amount,
        activity_id=body.activity_id,
        project=project,
        note=body.note,
        allocated_at=now(),
    )
    session.add(allocation)
    await session.flush()
    await session.refresh(resource)
    return resource, allocation


async def allocations(session: AsyncSession, resource: CharityResource) -> list[Allocation]:
    rows = await session.execute(
        select(Allocation)
        .where(Allocation.tenant_id == resource.tenant_id, Allocation.resource_id == resource.id)
        .order_by(Allocation.allocated_at, Allocation.id)
    )
    return list(rows.scalars())


# --- pairings --------------------------------------------------------------------------------


def pairing_out(p: Pairing) -> Row:
    return {
        "id": str(p.id),
        "tenant_id": str(p.tenant_id),
        "urban_tenant_id": str(p.urban_tenant_id),
        "rural_tenant_id": str(p.rural_tenant_id),
        "started_on": p.started_on,
        "goals": list(p.goals),
    }


async def create_pairing(
    session: AsyncSession, tenant: Tenant, cfg: Settings, body: PairingCreate
) -> Pairing:
    """Pair an urban community with a village, both inside the caller's subtree."""
    urban = await find_tenant_in_subtree(session, tenant, body.urban, "urban")
    rural = await find_tenant_in_subtree(session, tenant, body.rural, "rural")
    if urban.kind not in cfg["urban_kinds"]:
        raise Invalid("urban", "须为城市社区", message_en="must be an urban community")
    if rural.kind not in cfg["rural_kinds"]:
        raise Invalid("rural", "须为村", message_en="must be a village")
    existing = await session.execute(
        select(Pairing.id).where(
            Pairing.urban_tenant_id == urban.id, Pairing.rural_tenant_id == rural.id
        )
    )
    if existing.first():
        raise Conflict("已结对", title_en="Already paired", code="already-paired")
    pairing = Pairing(
        tenant_id=tenant.id,
        urban_tenant_id=urban.id,
        rural_tenant_id=rural.id,
        started_on=body.started_on,
        goals=[g.strip() for g in body.goals if g.strip()],
    )
    session.add(pairing)
    await session.flush()
    return pairing


async def get_pairing(session: AsyncSession, tenant: Tenant, pairing_id: uuid.UUID) -> Pairing:
    pairing = (
        await session.execute(
            select(Pairing).where(
                Pairing.id == pairing_id, Pairing.id.in_(visible_pairings(tenant))
            )
        )
    ).scalar_one_or_none()
    if pairing is None:
        raise NotFound("结对")
    return pairing


def pairings_query(tenant: Tenant) -> Select[Any]:
    return (
        select(Pairing)
        .where(Pairing.id.in_(visible_pairings(tenant)))
        .order_by(Pairing.started_on, Pairing.id)
    )


async def list_pairings(
    session: AsyncSession, tenant: Tenant, limit: int | None, offset: int
) -> Row:
    rows, total = await _page(session, pairings_query(tenant), limit, offset)
    return page([pairing_out(p) for p in rows], total, limit, offset)
