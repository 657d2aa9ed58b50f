"""Incubatees and the full chain 需求调研 → 定制培训 → 项目督导 → 资源对接 → 结业.

An incubatee enters a stage only when every earlier stage of the chain has at least one record;
otherwise the move is refused (409 naming the stages without records), unless an administrator
overrides it with a reason, which is kept with what was missing. Exiting needs a reason and is
possible from any stage. Graduated and exited are final.
"""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, Tenant, in_subtree
from plugins.incubation.bases import services as bases
from plugins.incubation.cohorts import services as cohorts
from plugins.incubation.fields import answer, get_in_subtree, not_in_future, now, optional, today
from plugins.incubation.incubatees.schemas import Incubatee as IncubateeOut
from plugins.incubation.incubatees.schemas import (
    IncubateeCreate,
    IncubateeDetail,
    RecordCount,
)
from plugins.incubation.incubatees.schemas import StageChange as StageChangeOut
from plugins.incubation.models import (
    CHAIN,
    Incubatee,
    IncubationBase,
    ResourceMatch,
    StageChange,
    SupervisionVisit,
    Survey,
    Training,
)
from plugins.incubation.orgs import name_organisation

ORDER = (*CHAIN, "graduated")
FINAL = ("graduated", "exited")
TITLES = {
    "needs_survey": ("需求调研", "needs survey"),
    "training": ("定制培训", "training"),
    "supervision": ("项目督导", "supervision"),
    "resource_matching": ("资源对接", "resource matching"),
    "graduated": ("结业", "graduated"),
    "exited": ("退出", "exited"),
}
RECORDS: dict[str, type[Survey | Training | SupervisionVisit | ResourceMatch]] = {
    "needs_survey": Survey,
    "training": Training,
    "supervision": SupervisionVisit,
    "resource_matching": ResourceMatch,
}
"""The table holding each chain stage's records."""


def _zh(stages: list[str] | tuple[str, ...]) -> str:
    return "、".join(TITLES[s][0] for s in stages)


def _en(stages: list[str] | tuple[str, ...]) -> str:
    return ", ".join(stages)


async def get(session: AsyncSession, tenant: Tenant, incubatee_id: uuid.UUID) -> Incubatee:
    return await get_in_subtree(session, Incubatee, tenant, incubatee_id, "培育对象")


def _history(inc: Incubatee, to: str, reason: str | None, actor: uuid.UUID | None) -> StageChange:
    return StageChange(
        tenant_id=inc.tenant_id,
        incubatee_id=inc.id,
        from_stage=None,
        to_stage=to,
        reason=reason,
        override=False,
        missing=[],
        changed_by=actor,
        changed_at=now(),
    )


async def incubating(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    centre: IncubationBase | None,
    org_id: uuid.UUID | None,
    name: str,
) -> bool:
    """Whether the centre or organisation has an incubatee in the chain at ``tenant_id``: the
    check admission makes before writing, which the partial unique indexes of
    :class:`~plugins.incubation.models.Incubatee` back when two admissions race."""
    same = (
        Incubatee.centre_base_id == centre.id
        if centre is not None
        else (
            Incubatee.organisation_id == org_id if org_id else Incubatee.organisation_name == name
        )
    )
    found = await session.scalar(
        select(Incubatee.id)
        .where(Incubatee.tenant_id == tenant_id, same, Incubatee.stage.not_in(FINAL))
        .limit(1)
    )
    return found is not None


def _incubating(name: str) -> Conflict:
    return Conflict(
        f"{name} 正在培育中", title_en=f"{name} is being incubated already", code="incubating"
    )


async def admit(
    session: AsyncSession, tenant: Tenant, body: IncubateeCreate, actor: uuid.UUID | None
) -> Incubatee:
    """Admit an organisation or a town centre into a cohort, at the needs-survey stage."""
    cohort = await cohorts.get(session, tenant, body.cohort_id)
    base = await bases.get(session, tenant, cohort.base_id)
    home = await session.get(Tenant, cohort.tenant_id)
    assert home is not None
    centre: IncubationBase | None = None
    org_id: uuid.UUID | None
    org_tenant: uuid.UUID | None
    if body.town_centre_id is not None:
        if body.organisation_id is not None or body.organisation_name is not None:
            raise Invalid(
                "town_centre_id",
                "街镇促进中心与组织只能二选一",
                message_en="give a town centre or an organisation, not both",
            )
        centre = await bases.get(session, home, body.town_centre_id)
        if centre.kind != "town_centre" or base.kind != "district_base":
            raise Invalid(
                "town_centre_id",
                "只有区级培育基地的批次可以培育街镇促进中心",
                message_en="a town centre is incubated in a cohort of the district base",
            )
        org_id, name, org_tenant = None, centre.name, centre.tenant_id
    else:
        named = await name_organisation(session, home, body.organisation_id, body.organisation_name)
        org_id, name, org_tenant = named.id, named.name, named.tenant_id
    if await incubating(session, cohort.tenant_id, centre, org_id, name):
        raise _incubating(name)
    if await session.scalar(
        select(Incubatee.id).where(
            Incubatee.tenant_id == cohort.tenant_id,
            Incubatee.cohort_id == cohort.id,
            Incubatee.organisation_name == name,
        )
    ):
        raise Conflict(
            f"{name} 已在本批次中",
            title_en=f"{name} was admitted in this cohort before",
            code="in-cohort",
        )
    admitted_on = not_in_future("admitted_on", body.admitted_on or today())
    inc = Incubatee(
        tenant_id=cohort.tenant_id,
        cohort_id=cohort.id,
        base_id=base.id,
        kind="town_centre" if centre is not None else "organisation",
        organisation_id=org_id,
        organisation_name=name,
        organisation_tenant_id=org_tenant,
        centre_base_id=centre.id if centre is not None else None,
        leader_name=optional(body.leader_name),
        admitted_on=admitted_on,
        stage=CHAIN[0],
        stage_changed_at=now(),
    )
    session.add(inc)
    try:
        await session.flush()
    except IntegrityError as error:
        raise _incubating(name) from error
    session.add(_history(inc, CHAIN[0], "入孵", actor))
    await session.flush()
    return inc


def query(
    tenant: Tenant,
    *,
    cohort_id: uuid.UUID | None = None,
    stage: str | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> Select[Incubatee]:
    stmt = select(Incubatee).where(in_subtree(Incubatee.tenant_id, tenant))
    if cohort_id is not None:
        stmt = stmt.where(Incubatee.cohort_id == cohort_id)
    if stage:
        stmt = stmt.where(Incubatee.stage == stage)
    if kind:
        stmt = stmt.where(Incubatee.kind == kind)
    if q:
        stmt = stmt.where(Incubatee.organisation_name.contains(q, autoescape=True))
    return stmt.order_by(Incubatee.organisation_name, Incubatee.id)


async def record_counts(session: AsyncSession, inc: Incubatee) -> dict[str, int]:
    """How many records each chain stage of ``inc`` has."""
    counts: dict[str, int] = {}
    for stage, model in RECORDS.items():
        counts[stage] = int(
            await session.scalar(
                select(func.count()).where(
                    model.tenant_id == inc.tenant_id, model.incubatee_id == inc.id
                )
            )
            or 0
        )
    return counts


def may_record(inc: Incubatee, stage: str) -> None:
    """A stage's records are kept once the incubatee has reached that stage (409 otherwise:
    move it on first); nothing is recorded for an incubatee that has exited."""
    if inc.stage == "exited":
        raise Conflict(
            "培育对象已退出", title_en="The incubatee has exited", code="incubatee-exited"
        )
    if ORDER.index(inc.stage) < ORDER.index(stage):
        raise Conflict(
            f"培育对象尚未进入{TITLES[stage][0]}阶段（当前：{TITLES[inc.stage][0]}）",
            title_en=f"The incubatee has not reached {stage} (it is at {inc.stage})",
            code="stage-not-reached",
        )


def _allowed(current: str) -> list[str]:
    return [*ORDER[ORDER.index(current) + 1 :], "exited"]


async def move(
    session: AsyncSession,
    tenant: Tenant,
    incubatee_id: uuid.UUID,
    to: str,
    reason: str | None,
    actor: uuid.UUID | None,
    *,
    override: bool = False,
) -> Incubatee:
    """Move the incubatee to ``to``; see the module docstring for the rules.

    The stage changes with a conditional UPDATE, so of two concurrent moves from the same stage
    one wins and the other gets 409 ``stale``.
    """
    inc = await get(session, tenant, incubatee_id)
    reason = optional(reason)
    if inc.stage in FINAL:
        raise Conflict(
            f"培育对象已{TITLES[inc.stage][0]}，阶段不能再变更",
            title_en=f"The incubatee is {inc.stage}: no further stage (allowed: none)",
            code="stage-final",
        )
    missing: list[str] = []
    if to == "exited":
        if reason is None:
            raise Invalid("reason", "退出须说明原因", message_en="exiting needs a reason")
    elif to not in ORDER or ORDER.index(to) <= ORDER.index(inc.stage):
        allowed = _allowed(inc.stage)
        raise Conflict(
            f"不能从{TITLES[inc.stage][0]}变为{TITLES[to][0]}；可变为：{_zh(allowed)}",
            title_en=f"Cannot move from {inc.stage} to {to}; allowed: {_en(allowed)}",
            code="invalid-stage",
        )
    else:
        counts = await record_counts(session, inc)
        missing = [s for s in CHAIN[: ORDER.index(to)] if counts[s] == 0]
        if missing and not override:
            raise Conflict(
                f"进入{TITLES[to][0]}前须有以下阶段的记录：{_zh(missing)}",
                title_en=f"Before {to}, record these stages: {_en(missing)}",
                detail=f"缺少{_zh(missing)}的记录；管理员可说明原因后特批。",
                code="stage-records-missing",
            )
    values: dict[str, object] = {"stage": to, "stage_changed_at": now(), "updated_at": now()}
    if to == "exited":
        values["exit_reason"] = reason
    result = await session.execute(
        update(Incubatee)
        .where(Incubatee.id == inc.id, Incubatee.stage == inc.stage)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("阶段已被他人修改", title_en="Stage changed meanwhile", code="stale")
    change = _history(inc, to, reason, actor)
    change.from_stage = inc.stage
    change.override = override and bool(missing)
    change.missing = missing
    session.add(change)
    await session.flush()
    await session.refresh(inc)
    return inc


async def detail(session: AsyncSession, tenant: Tenant, incubatee_id: uuid.UUID) -> IncubateeDetail:
    inc = await get(session, tenant, incubatee_id)
    counts = await record_counts(session, inc)
    changes = await session.scalars(
        select(StageChange)
        .where(StageChange.tenant_id == inc.tenant_id, StageChange.incubatee_id == inc.id)
        .order_by(StageChange.changed_at, StageChange.id)
    )
    return IncubateeDetail(
        **msgspec.structs.asdict(answer(inc, IncubateeOut)),
        records=[RecordCount(stage=s, records=counts[s]) for s in CHAIN],
        history=[answer(c, StageChangeOut) for c in changes],
    )
