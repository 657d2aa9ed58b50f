"""Request bodies and answers of cohorts (批次)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.incubation.fields import NOT_BLANK, Body

CohortName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]


class CohortCreate(Body):
    base_id: uuid.UUID
    name: CohortName
    intake_on: date


class Cohort(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    base_id: uuid.UUID
    name: str
    intake_on: date


class StageCount(msgspec.Struct, kw_only=True):
    stage: str
    incubatees: int


class CohortDetail(Cohort, kw_only=True):
    """The cohort with how many of its incubatees stand at each stage."""

    incubatees: int
    stages: list[StageCount]
