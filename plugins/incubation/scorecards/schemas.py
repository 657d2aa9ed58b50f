"""Capacity scorecards against the rubric setting, and growth per organisation and cohort."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from plugins.incubation.fields import Body, PersonName

ScorecardKind = Literal["intake", "graduation"]


class Dimension(msgspec.Struct, kw_only=True):
    key: str
    title: str
    title_en: str
    max: int


class Rubric(msgspec.Struct, kw_only=True):
    """The rubric in force at the tenant (setting ``rubric``) and its highest total."""

    dimensions: list[Dimension]
    max_total: int


class ScorecardCreate(Body):
    """``scores`` holds one whole-number score per rubric dimension, 0 to its maximum."""

    kind: ScorecardKind
    scored_on: date
    scores: dict[str, Annotated[int, msgspec.Meta(ge=0, le=1000)]]
    scored_by: PersonName | None = None


class Scorecard(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    incubatee_id: uuid.UUID
    kind: str
    scored_on: date
    scores: dict[str, int]
    total: int
    scored_by: str | None


class DimensionGrowth(msgspec.Struct, kw_only=True):
    key: str
    intake: int
    graduation: int
    growth: int


class Growth(msgspec.Struct, kw_only=True):
    """One organisation's growth: graduation total less intake total, in whole points (and per
    dimension scored both times); null until both scorecards exist."""

    incubatee_id: uuid.UUID
    organisation_name: str
    intake_total: int | None
    graduation_total: int | None
    growth: int | None
    dimensions: list[DimensionGrowth]


class DimensionAverage(msgspec.Struct, kw_only=True):
    key: str
    average_growth: Decimal


class CohortGrowth(msgspec.Struct, kw_only=True):
    """A cohort's growth: the mean of its scored organisations' growth, rounded half up to the
    setting ``growth_decimals`` places (a decimal string, never a float); null when none of its
    organisations has both scorecards."""

    cohort_id: uuid.UUID
    name: str
    incubatees: int
    scored: int
    average_growth: Decimal | None
    dimensions: list[DimensionAverage]
    organisations: list[Growth]
