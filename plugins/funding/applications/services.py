"""Applications: drafting (alone or jointly), the lifecycle, evaluations and the money that
follows the decisions.

An application belongs to the tenant it was made at, which lies in its call's subtree, and is
readable there, above it, and by both communities of an urban-rural pair. The call's managers
(at the call's tenant or above) move it through its states; every move is a conditional update
of the state it was read in, recorded with its reason, and an illegal move is a 409 naming the
states allowed next. Approving commits the pool in the ledger; tranches are paid in plan order
once their trigger is met; a failed evaluation terminates the project and releases the rest of
its approval to the pool.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import Select, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    Conflict,
    Invalid,
    NotFound,
    Page,
    Tenant,
    emit,
    find_organisations,
    find_tenant_in_subtree,
    in_subtree,
    organisation_directory_on,
    row_in_subtree,
)
from plugins.funding import events, rules
from plugins.funding.applications.schemas import Application as ApplicationAnswer
from plugins.funding.applications.schemas import (
    ApplicationCreate,
    ApplicationDetail,
    BudgetLine,
    EvaluationCreate,
    StatusChange,
    Transition,
)
from plugins.funding.applications.schemas import Evaluation as EvaluationAnswer
from plugins.funding.calls import services as calls
from plugins.funding.clock import now
from plugins.funding.ledger import services as ledger
from plugins.funding.ledger.schemas import Disbursement, ReturnCreate, Tranches, TrancheState
from plugins.funding.models import Application, Call, Evaluation, LedgerEntry
from plugins.funding.models import StatusChange as StatusRow


def visible(tenant: Tenant) -> Any:
    """Applications made in ``tenant``'s subtree or naming one of its communities as a pair."""
    return or_(
        in_subtree(Application.tenant_id, tenant),
        in_subtree(Application.pair_urban_tenant_id, tenant),
        in_subtree(Application.pair_rural_tenant_id, tenant),
    )


async def get(session: AsyncSession, tenant: Tenant, application_id: uuid.UUID) -> Application:
    found = (
        await session.execute(
            select(Application).where(Application.id == application_id, visible(tenant))
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("项目申报")
    return found


async def managed(
    session: AsyncSession, tenant: Tenant, application_id: uuid.UUID
) -> tuple[Application, Call]:
    """An application of a call run at ``tenant`` or below it, with its call; else 404 (an
    applicant's own tenant does not run the call, so it cannot decide on it)."""
    row = (
        await session.execute(
            select(Application, Call)
            .join(Call, Call.id == Application.call_id)
            .where(Application.id == application_id, row_in_subtree(Call.tenant_id, tenant))
        )
    ).first()
    if row is None:
        raise NotFound("项目申报")
    return row[0], row[1]


def query(
    tenant: Tenant,
    *,
    call_id: uuid.UUID | None = None,
    status: str | None = None,
    joint: bool | None = None,
) -> Select[Application]:
    stmt = select(Application).where(visible(tenant))
    if call_id is not None:
        stmt = stmt.where(Application.call_id == call_id)
    if status is not None:
        stmt = stmt.where(Application.status == status)
    if joint is not None:
        stmt = stmt.where(Application.joint.is_(joint))
    return stmt.order_by(Application.created_at.desc(), Application.id)


def answer(a: Application, money: ledger.ProjectTotals) -> ApplicationAnswer:
    return ApplicationAnswer(
        id=a.id,
        tenant_id=a.tenant_id,
        call_id=a.call_id,
        call_tenant_id=a.call_tenant_id,
        title=a.title,
        category=a.category,
        summary=a.summary,
        joint=a.joint,
        organisation_ids=[uuid.UUID(i) for i in a.organisation_ids],
        applicant_names=list(a.applicant_names),
        applicant_registrations=list(a.applicant_registrations),
        pair_urban_tenant_id=a.pair_urban_tenant_id,
        pair_rural_tenant_id=a.pair_rural_tenant_id,
        budget_lines=[msgspec.convert(line, BudgetLine) for line in a.budget_lines],
        requested_fen=a.requested_fen,
        documents=list(a.documents),
        status=a.status,  # type: ignore[arg-type]
        status_title=rules.STATUS_TITLES[a.status][0],
        allowed_next=list(rules.NEXT[a.status]),  # type: ignore[arg-type]
        approved_fen=a.approved_fen,
        committed_fen=money.committed,
        disbursed_fen=money.disbursed,
        submitted_at=a.submitted_at,
        created_at=a.created_at,
    )


async def answered(session: AsyncSession, a: Application) -> ApplicationAnswer:
    return answer(a, await ledger.project_totals(session, a.id))


async def page_answers(session: AsyncSession, page: Page[Application]) -> Page[ApplicationAnswer]:
    money = await ledger.projects_totals(session, [a.id for a in page.items])
    zero = ledger.ProjectTotals(0, 0)
    return Page(
        items=[answer(a, money.get(a.id, zero)) for a in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


async def detail(session: AsyncSession, a: Application) -> ApplicationDetail:
    history = await session.execute(
        select(StatusRow)
        .where(StatusRow.application_id == a.id)
        .order_by(StatusRow.changed_at, StatusRow.id)
    )
    evaluations = await _evaluations(session, a.id)
    return ApplicationDetail(
        **msgspec.structs.asdict(await answered(session, a)),
        history=[
            StatusChange(
                from_status=h.from_status,
                to_status=h.to_status,
                reason=h.reason,
                changed_at=h.changed_at,
            )
            for h in history.scalars()
        ],
        evaluations=[evaluation_answer(e) for e in evaluations.values()],
    )


def evaluation_answer(e: Evaluation) -> EvaluationAnswer:
    return EvaluationAnswer(
        id=e.id,
        application_id=e.application_id,
        stage=e.stage,  # type: ignore[arg-type]
        passed=e.passed,
        note=e.note,
        evaluated_on=e.evaluated_on,
    )


async def _evaluations(session: AsyncSession, application_id: uuid.UUID) -> dict[str, Evaluation]:
    rows = await session.execute(
        select(Evaluation).where(Evaluation.application_id == application_id)
    )
    return {e.stage: e for e in rows.scalars()}


# --- drafting -------------------------------------------------------------------------------


async def _organisations(
    session: AsyncSession, tenant: Tenant, body: ApplicationCreate
) -> tuple[list[str], list[str], list[str]]:
    """(directory ids, names, registrations) of the applicant organisations."""
    on = await organisation_directory_on(session, tenant)
    wanted = [a.organisation_id for a in body.applicants if a.organisation_id is not None]
    found = await find_organisations(session, tenant, wanted) if on and wanted else {}
    ids: list[str] = []
    names: list[str] = []
    registrations: list[str] = []
    for index, applicant in enumerate(body.applicants):
        field = f"applicants[{index}]"
        if applicant.organisation_id is not None:
            if not on:
                raise Invalid(
                    f"{field}.organisation_id",
                    "本级未启用社会组织目录，请直接填写组织名称",
                    message_en="no organisation directory is on here: name the organisation",
                )
            ref = found.get(applicant.organisation_id)
            if ref is None:
                raise Invalid(
                    f"{field}.organisation_id",
                    "本辖区内没有该社会组织",
                    message_en="no such organisation in this subtree",
                )
            ids.append(str(ref.id))
            names.append(ref.name)
            registrations.append(ref.registration or "none")
            continue
        if applicant.name is None or not applicant.name.strip():
            raise Invalid(
                f"{field}.name", "须填写组织名称或目录编号", message_en="name or id required"
            )
        names.append(applicant.name.strip())
        registrations.append(applicant.registration or "none")
    if len(set(names)) != len(names) or len(set(ids)) != len(ids):
        raise Invalid(
            "applicants", "联合申报须为两个不同的组织", message_en="two different organisations"
        )
    return ids, names, registrations


async def create(
    session: AsyncSession,
    tenant: Tenant,
    call_id: uuid.UUID,
    body: ApplicationCreate,
    actor: uuid.UUID | None,
    today: date,
) -> Application:
    """A draft application at ``tenant`` to a call run at ``tenant`` or above it, while the
    call is open, by applicants the call admits."""
    call = await calls.get(session, tenant, call_id)
    if call.tenant_id not in tenant.ancestor_ids:
        raise Conflict(
            "只能向本级或上级发布的资助项目申报",
            title_en="Apply to a call run at this tenant or above it",
            code="call-not-above",
        )
    _check_open(call, today)
    if body.category.strip() not in call.categories:
        raise Invalid(
            "category",
            f"类别须为 {'、'.join(call.categories)} 之一",
            message_en=f"category must be one of {call.categories}",
        )
    if bool(body.applicants) == (body.pair is not None):
        raise Invalid(
            "applicants",
            "须填写一至两个申报组织，或一对结对社区（二者选一）",
            message_en="give one or two applicant organisations, or an urban-rural pair",
        )
    ids: list[str] = []
    urban: Tenant | None = None
    rural: Tenant | None = None
    if body.pair is not None:
        if "community" not in call.eligible_levels:
            raise _level_refused(call, "community")
        urban = await find_tenant_in_subtree(session, tenant, body.pair.urban, "pair.urban")
        rural = await find_tenant_in_subtree(session, tenant, body.pair.rural, "pair.rural")
        for field, community in (("pair.urban", urban), ("pair.rural", rural)):
            if community.level != "community":
                raise Invalid(field, "须为社区或村", message_en="must be a community or village")
        if urban.id == rural.id:
            raise Invalid(
                "pair.rural", "结对双方须为两个社区", message_en="two different communities"
            )
        names = [urban.name, rural.name]
        registrations: list[str] = []
    else:
        if tenant.level not in call.eligible_levels:
            raise _level_refused(call, tenant.level)
        ids, names, registrations = await _organisations(session, tenant, body)
        for index, registration in enumerate(registrations):
            if registration not in call.eligible_registrations:
                raise Invalid(
                    f"applicants[{index}].registration",
                    f"本项目只接受 {'、'.join(call.eligible_registrations)} 的组织申报",
                    message_en=f"this call admits {call.eligible_registrations} organisations",
                )
    application = Application(
        tenant_id=tenant.id,
        call_id=call.id,
        call_tenant_id=call.tenant_id,
        title=body.title.strip(),
        category=body.category.strip(),
        summary=body.summary.strip(),
        joint=len(names) == 2,
        organisation_ids=ids,
        applicant_names=names,
        applicant_registrations=registrations,
        pair_urban_tenant_id=urban.id if urban else None,
        pair_rural_tenant_id=rural.id if rural else None,
        budget_lines=[
            {"item": line.item.strip(), "amount_fen": line.amount_fen} for line in body.budget_lines
        ],
        requested_fen=sum(line.amount_fen for line in body.budget_lines),
        documents=[d.strip() for d in body.documents],
        status="draft",
        created_by=actor,
    )
    session.add(application)
    await session.flush()
    return application


def _level_refused(call: Call, level: str) -> Conflict:
    return Conflict(
        f"本项目只接受 {'、'.join(call.eligible_levels)} 级申报",
        title_en=f"This call admits applications from {call.eligible_levels}, not {level}",
        code="level-not-eligible",
    )


def _check_open(call: Call, today: date) -> None:
    if not calls.is_open(call, today):
        raise Conflict(
            f"申报时间为 {call.opens_on} 至 {call.closes_on}",
            title_en=f"The call is open from {call.opens_on} to {call.closes_on}",
            code="call-closed",
        )


# --- lifecycle ------------------------------------------------------------------------------


def _illegal(a: Application, to: str) -> Conflict:
    allowed = list(rules.NEXT[a.status])
    titles = "、".join(rules.STATUS_TITLES[s][0] for s in allowed) or "无（已结束）"
    return Conflict(
        f"申报不能从「{rules.STATUS_TITLES[a.status][0]}」变为「{rules.STATUS_TITLES[to][0]}」，"
        f"可变为：{titles}",
        title_en=f"Cannot move from {a.status} to {to}; allowed next: {allowed or 'none'}",
        code="invalid-transition",
        allowed=allowed,
    )


async def move(
    session: AsyncSession,
    a: Application,
    to: str,
    reason: str,
    actor: uuid.UUID | None,
    **values: Any,
) -> None:
    """Move ``a`` from the state it was read in to ``to``, or 409 if someone moved it first."""
    if to not in rules.NEXT[a.status]:
        raise _illegal(a, to)
    result = await session.execute(
        update(Application)
        .where(Application.id == a.id, Application.status == a.status)
        .values(status=to, updated_at=now(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("申报状态已被他人修改", title_en="Status changed meanwhile", code="stale")
    session.add(
        StatusRow(
            tenant_id=a.tenant_id,
            application_id=a.id,
            from_status=a.status,
            to_status=to,
            reason=reason,
            changed_by=actor,
            changed_at=now(),
        )
    )
    await session.flush()
    await session.refresh(a)


async def submit(
    session: AsyncSession, a: Application, actor: uuid.UUID | None, today: date
) -> Application:
    call = await session.get(Call, a.call_id)
    if call is None:
        raise NotFound("资助项目")
    if a.status == "draft":
        _check_open(call, today)
    await move(session, a, "submitted", "", actor, submitted_at=now())
    return a


async def transition(
    session: AsyncSession,
    a: Application,
    call: Call,
    body: Transition,
    actor: uuid.UUID | None,
    today: date,
) -> Application:
    """Apply a manager's decision; approving commits the pool, ending a project settles it."""
    to, reason = body.to, body.reason.strip()
    if to not in rules.NEXT[a.status]:
        raise _illegal(a, to)
    if to == "submitted":
        return await submit(session, a, actor, today)
    if to == "approved":
        await approve(session, a, call, body.approved_fen or a.requested_fen, actor, today, reason)
    elif to == "terminated":
        if not reason:
            raise Invalid("reason", "终止项目须说明理由", message_en="say why the project ends")
        await terminate(session, a, call, reason, actor, today)
    elif to == "closed":
        await close(session, a, call, reason, actor)
    else:
        await move(session, a, to, reason, actor)
    return a


async def approve(
    session: AsyncSession,
    a: Application,
    call: Call,
    approved_fen: int,
    actor: uuid.UUID | None,
    today: date,
    reason: str = "",
) -> None:
    """Approve ``approved_fen`` (at most the request) and commit it from the pool in the same
    transaction: of two approvals that together overdraw the pool, one gets 409."""
    if approved_fen > a.requested_fen:
        raise Invalid(
            "approved_fen",
            f"立项金额不能超过申请金额 {a.requested_fen} 分",
            message_en=f"cannot exceed the requested {a.requested_fen} fen",
        )
    await move(session, a, "approved", reason, actor, approved_fen=approved_fen)
    await ledger.append(
        session,
        call,
        a,
        kind="commitment",
        amount_fen=approved_fen,
        committed_delta=approved_fen,
        disbursed_delta=0,
        occurred_on=today,
        actor=actor,
        reason=reason or a.title,
    )
    await emit(
        session,
        events.APPLICATION_APPROVED,
        tenant_id=call.tenant_id,
        payload=events.ApplicationApproved(
            application_id=a.id,
            call_id=call.id,
            call_title=call.title,
            funder_kind=call.funder_kind,
            funder_name=call.funder_name,
            approved_fen=approved_fen,
            joint=a.joint,
            application_tenant_id=a.tenant_id,
            organisation_ids=[uuid.UUID(i) for i in a.organisation_ids],
            applicant_names=list(a.applicant_names),
        ),
    )


async def _ended(session: AsyncSession, a: Application, call: Call, outcome: str) -> None:
    money = await ledger.project_totals(session, a.id)
    await emit(
        session,
        events.PROJECT_CLOSED,
        tenant_id=call.tenant_id,
        payload=events.ProjectClosed(
            application_id=a.id,
            call_id=call.id,
            outcome=outcome,
            approved_fen=a.approved_fen or 0,
            disbursed_fen=money.disbursed,
        ),
    )


async def terminate(
    session: AsyncSession,
    a: Application,
    call: Call,
    reason: str,
    actor: uuid.UUID | None,
    today: date,
) -> None:
    """End a project early: no further tranche; what was committed and not paid goes back to
    the pool as a release entry."""
    await move(session, a, "terminated", reason, actor)
    money = await ledger.project_totals(session, a.id)
    remainder = money.committed - money.disbursed
    if remainder > 0:
        await ledger.append(
            session,
            call,
            a,
            kind="release",
            amount_fen=remainder,
            committed_delta=-remainder,
            disbursed_delta=0,
            occurred_on=today,
            actor=actor,
            reason=reason,
        )
    await _ended(session, a, call, "terminated")


async def close(
    session: AsyncSession, a: Application, call: Call, reason: str, actor: uuid.UUID | None
) -> None:
    """Close a project whose final evaluation passed and whose every tranche was paid."""
    evaluations = await _evaluations(session, a.id)
    final = evaluations.get("final")
    if final is None or not final.passed:
        raise Conflict(
            "结项前须通过结项评估",
            title_en="A project closes after passing its final evaluation",
            code="final-evaluation-required",
        )
    paid = await ledger.disbursed_tranches(session, a.id)
    outstanding = [n for n in range(1, len(call.tranche_plan) + 1) if n not in paid]
    if outstanding:
        raise Conflict(
            f"尚有未拨付的分期：第 {'、'.join(map(str, outstanding))} 期",
            title_en=f"Tranches not yet disbursed: {outstanding}",
            code="tranches-outstanding",
            outstanding=outstanding,
        )
    await move(session, a, "closed", reason, actor)
    await _ended(session, a, call, "closed")


async def evaluate(
    session: AsyncSession,
    a: Application,
    call: Call,
    body: EvaluationCreate,
    actor: uuid.UUID | None,
) -> Evaluation:
    """Record the mid-term (first) or final evaluation of a project in progress; a failed one
    terminates the project."""
    if a.status != "in_progress":
        raise Conflict(
            "只有执行中的项目可以评估",
            title_en="Only a project in progress is evaluated",
            code="not-in-progress",
        )
    done = await _evaluations(session, a.id)
    if body.stage in done:
        raise Conflict("该阶段已评估", title_en="Already evaluated", code="already-evaluated")
    if body.stage == "final" and "midterm" not in done:
        raise Conflict(
            "须先完成中期评估", title_en="The mid-term evaluation comes first", code="midterm-first"
        )
    evaluation = Evaluation(
        tenant_id=a.tenant_id,
        application_id=a.id,
        stage=body.stage,
        passed=body.passed,
        note=body.note.strip(),
        evaluated_on=body.evaluated_on,
        evaluated_by=actor,
        recorded_at=now(),
    )
    try:
        async with session.begin_nested():
            session.add(evaluation)
    except IntegrityError:
        raise Conflict(
            "该阶段已评估", title_en="Already evaluated", code="already-evaluated"
        ) from None
    if not body.passed:
        stage = "中期评估" if body.stage == "midterm" else "结项评估"
        await terminate(
            session, a, call, f"{stage}未通过：{body.note.strip()}", actor, body.evaluated_on
        )
    return evaluation


# --- money ----------------------------------------------------------------------------------


def plan_amounts(call: Call, approved_fen: int) -> list[int]:
    return rules.tranche_amounts(approved_fen, [int(t["percent"]) for t in call.tranche_plan])


async def tranches(session: AsyncSession, a: Application, call: Call) -> Tranches:
    paid = await ledger.disbursed_tranches(session, a.id)
    money = await ledger.project_totals(session, a.id)
    amounts = plan_amounts(call, a.approved_fen) if a.approved_fen else [0] * len(call.tranche_plan)
    return Tranches(
        application_id=a.id,
        approved_fen=a.approved_fen,
        committed_fen=money.committed,
        disbursed_fen=money.disbursed,
        items=[
            TrancheState(
                tranche=n,
                title=str(t["title"]),
                percent=int(t["percent"]),
                trigger=str(t["trigger"]),
                amount_fen=amount,
                disbursed_fen=paid.get(n, 0),
                disbursed=n in paid,
            )
            for n, (t, amount) in enumerate(zip(call.tranche_plan, amounts, strict=True), start=1)
        ],
    )


TRIGGER_NEEDS = {"midterm": ("midterm", "中期评估"), "closing": ("final", "结项评估")}


async def disburse(
    session: AsyncSession,
    a: Application,
    call: Call,
    body: Disbursement,
    actor: uuid.UUID | None,
) -> LedgerEntry:
    """Pay the body's tranche of the plan: in order, once, and only after its trigger (the
    agreement, a passed mid-term or final evaluation). The first payment starts the project."""
    tranche = body.tranche
    if a.status not in ("agreement_signed", "in_progress"):
        raise Conflict(
            f"「{rules.STATUS_TITLES[a.status][0]}」的项目不能拨付",
            title_en=f"No tranche is paid to a project that is {a.status}",
            code="not-fundable",
        )
    plan = call.tranche_plan
    if not 1 <= tranche <= len(plan):
        raise Invalid(
            "tranche", f"本项目共 {len(plan)} 期", message_en=f"the plan has {len(plan)} tranches"
        )
    trigger = str(plan[tranche - 1]["trigger"])
    if trigger in TRIGGER_NEEDS:
        stage, title = TRIGGER_NEEDS[trigger]
        passed = (await _evaluations(session, a.id)).get(stage)
        if passed is None or not passed.passed:
            raise Conflict(
                f"第 {tranche} 期须在{title}通过后拨付",
                title_en=f"Tranche {tranche} is paid after the {stage} evaluation passes",
                code=f"{stage}-evaluation-required",
            )
    amount = plan_amounts(call, a.approved_fen or 0)[tranche - 1]

    async def in_order() -> None:
        paid = await ledger.disbursed_tranches(session, a.id)
        if tranche in paid:
            raise Conflict(
                f"第 {tranche} 期已拨付", title_en="Tranche already paid", code="already-disbursed"
            )
        earlier = [n for n in range(1, tranche) if n not in paid]
        if earlier:
            raise Conflict(
                f"须先拨付第 {'、'.join(map(str, earlier))} 期",
                title_en=f"Pay tranches {earlier} first",
                code="earlier-tranche-first",
            )

    if a.status == "agreement_signed":
        await move(session, a, "in_progress", "首期资金拨付 / first tranche paid", actor)
    entry = await ledger.append(
        session,
        call,
        a,
        kind="disbursement",
        amount_fen=amount,
        committed_delta=0,
        disbursed_delta=amount,
        occurred_on=body.disbursed_on,
        actor=actor,
        tranche=tranche,
        reason=body.note.strip() or str(plan[tranche - 1]["title"]),
        check=in_order,
    )
    await ledger.emit_tranche(session, entry, tranche, body.disbursed_on)
    return entry


async def give_back(
    session: AsyncSession,
    a: Application,
    call: Call,
    body: ReturnCreate,
    actor: uuid.UUID | None,
) -> LedgerEntry:
    """Money a project returns: it leaves both what was disbursed and what is committed, so
    the pool may commit it again."""
    if a.status not in ("in_progress", "closed", "terminated"):
        raise Conflict(
            "只有已拨付的项目可以退回资金",
            title_en="Only a project that was paid can return money",
            code="nothing-paid",
        )
    return await ledger.append(
        session,
        call,
        a,
        kind="return",
        amount_fen=body.amount_fen,
        committed_delta=-body.amount_fen,
        disbursed_delta=-body.amount_fen,
        occurred_on=body.returned_on,
        actor=actor,
        reason=body.reason.strip(),
    )
