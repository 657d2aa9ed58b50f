"""Capacity scorecards (intake and graduation, one of each per incubatee) and growth.

Scores are whole points per rubric dimension; growth per organisation is an integer (graduation
less intake). Averages over a cohort or a subtree are exact decimals rounded half up to the
``growth_decimals`` setting, so 12.25 with one place shows as 12.3 (never a float).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, Tenant
from plugins.incubation.cohorts import services as cohorts
from plugins.incubation.fields import not_in_future, optional
from plugins.incubation.incubatees import services as incubatees
from plugins.incubation.models import Incubatee, Scorecard
from plugins.incubation.scorecards.schemas import (
    CohortGrowth,
    Dimension,
    DimensionAverage,
    DimensionGrowth,
    Growth,
    Rubric,
    ScorecardCreate,
)


def rubric(config: Mapping[str, Any]) -> Rubric:
    dimensions = [
        Dimension(
            key=str(d["key"]), title=str(d["title"]), title_en=str(d["title_en"]), max=int(d["max"])
        )
        for d in config["rubric"]
    ]
    return Rubric(dimensions=dimensions, max_total=sum(d.max for d in dimensions))


def _checked(scores: Mapping[str, int], rubric: Rubric) -> dict[str, int]:
    keys = [d.key for d in rubric.dimensions]
    missing = [k for k in keys if k not in scores]
    unknown = [k for k in scores if k not in keys]
    if missing or unknown:
        raise Invalid(
            "scores",
            f"须为每个维度评分：{'、'.join(keys)}",
            message_en=f"score every dimension of the rubric: {keys} (missing {missing}, "
            f"unknown {unknown})",
        )
    for d in rubric.dimensions:
        if scores[d.key] > d.max:
            raise Invalid(
                f"scores.{d.key}",
                f"{d.title}最高{d.max}分",
                message_en=f"{d.title_en} is scored 0 to {d.max}",
            )
    return {k: int(scores[k]) for k in keys}


async def record(
    session: AsyncSession,
    tenant: Tenant,
    config: Mapping[str, Any],
    incubatee_id: uuid.UUID,
    body: ScorecardCreate,
) -> Scorecard:
    """Score the incubatee. The graduation scorecard follows the intake one and is taken once
    the incubatee has reached resource matching (or graduated); one of each kind."""
    inc = await incubatees.get(session, tenant, incubatee_id)
    if inc.stage == "exited":
        raise Conflict(
            "培育对象已退出", title_en="The incubatee has exited", code="incubatee-exited"
        )
    held = {
        s.kind: s
        for s in await session.scalars(
            select(Scorecard).where(
                Scorecard.tenant_id == inc.tenant_id, Scorecard.incubatee_id == inc.id
            )
        )
    }
    if body.kind in held:
        raise Conflict(
            "该评估已记录", title_en=f"The {body.kind} scorecard is recorded", code="scored"
        )
    scored_on = not_in_future("scored_on", body.scored_on)
    if body.kind == "graduation":
        intake = held.get("intake")
        if intake is None:
            raise Conflict(
                "须先记录入孵评估", title_en="Record the intake scorecard first", code="no-intake"
            )
        if inc.stage not in ("resource_matching", "graduated"):
            raise Conflict(
                "结业评估须在资源对接阶段或结业后进行",
                title_en="Graduation is scored at resource matching or after graduating",
                code="stage-not-reached",
            )
        if scored_on < intake.scored_on:
            raise Invalid("scored_on", "结业评估早于入孵评估", message_en="before the intake")
    current = rubric(config)
    scores = _checked(body.scores, current)
    row = Scorecard(
        tenant_id=inc.tenant_id,
        incubatee_id=inc.id,
        kind=body.kind,
        scored_on=scored_on,
        scores=scores,
        total=sum(scores.values()),
        rubric=[{"key": d.key, "max": d.max} for d in current.dimensions],
        scored_by=optional(body.scored_by),
    )
    session.add(row)
    await session.flush()
    return row


def growth_of(inc: Incubatee, cards: Iterable[Scorecard]) -> Growth:
    by_kind = {c.kind: c for c in cards}
    intake, graduation = by_kind.get("intake"), by_kind.get("graduation")
    dimensions: list[DimensionGrowth] = []
    if intake is not None and graduation is not None:
        dimensions = [
            DimensionGrowth(
                key=k,
                intake=int(v),
                graduation=int(graduation.scores[k]),
                growth=int(graduation.scores[k]) - int(v),
            )
            for k, v in intake.scores.items()
            if k in graduation.scores
        ]
    return Growth(
        incubatee_id=inc.id,
        organisation_name=inc.organisation_name,
        intake_total=intake.total if intake else None,
        graduation_total=graduation.total if graduation else None,
        growth=graduation.total - intake.total if intake and graduation else None,
        dimensions=dimensions,
    )


async def cards_of(
    session: AsyncSession, incs: Sequence[Incubatee]
) -> dict[uuid.UUID, list[Scorecard]]:
    found: dict[uuid.UUID, list[Scorecard]] = {i.id: [] for i in incs}
    if not incs:
        return found
    rows = await session.scalars(
        select(Scorecard).where(Scorecard.incubatee_id.in_([i.id for i in incs]))
    )
    for card in rows:
        found[card.incubatee_id].append(card)
    return found


async def growth(session: AsyncSession, tenant: Tenant, incubatee_id: uuid.UUID) -> Growth:
    inc = await incubatees.get(session, tenant, incubatee_id)
    return growth_of(inc, (await cards_of(session, [inc]))[inc.id])


def mean(values: Sequence[int], places: int) -> Decimal | None:
    """The mean of whole numbers as a decimal rounded half up to ``places`` places."""
    if not values:
        return None
    exact = Decimal(sum(values)) / Decimal(len(values))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


async def cohort_growth(
    session: AsyncSession, tenant: Tenant, config: Mapping[str, Any], cohort_id: uuid.UUID
) -> CohortGrowth:
    cohort = await cohorts.get(session, tenant, cohort_id)
    incs = list(
        await session.scalars(
            select(Incubatee)
            .where(Incubatee.tenant_id == cohort.tenant_id, Incubatee.cohort_id == cohort.id)
            .order_by(Incubatee.organisation_name, Incubatee.id)
        )
    )
    cards = await cards_of(session, incs)
    growths = [growth_of(i, cards[i.id]) for i in incs]
    scored = [g for g in growths if g.growth is not None]
    places = int(config["growth_decimals"])
    per_key: dict[str, list[int]] = {}
    for g in scored:
        for d in g.dimensions:
            per_key.setdefault(d.key, []).append(d.growth)
    return CohortGrowth(
        cohort_id=cohort.id,
        name=cohort.name,
        incubatees=len(incs),
        scored=len(scored),
        average_growth=mean([g.growth for g in scored if g.growth is not None], places),
        dimensions=[
            DimensionAverage(key=k, average_growth=avg)
            for k, values in per_key.items()
            if (avg := mean(values, places)) is not None
        ],
        organisations=growths,
    )
