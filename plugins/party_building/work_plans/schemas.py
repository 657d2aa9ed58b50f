"""Request bodies and answers of work plans.

A plan's method is data: its pillars (``key``, ``group`` such as "一核" or "三抓手", ``name``)
and indicators with targets under them. Nothing of any one method is built in.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.party_building.fields import Name, Note

Key = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"\S")]
Unit = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"\S")]
Target = Annotated[int, msgspec.Meta(ge=1, le=1_000_000_000)]
Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]


class Pillar(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    key: Key
    group: Label
    name: Name


class IndicatorCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pillar: Key
    name: Name
    unit: Unit
    target: Target


class PlanCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    year: Year
    title: Name
    method: Label
    pillars: Annotated[list[Pillar], msgspec.Meta(min_length=1, max_length=50)]
    indicators: Annotated[list[IndicatorCreate], msgspec.Meta(max_length=500)] = msgspec.field(
        default_factory=list
    )
    is_template: bool = False
    """Offered to the tenants below to copy."""


class PlanCopy(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    year: Year
    title: Name | None = None


class ProgressCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    amount: Target
    recorded_on: date
    note: Note | None = None


class Indicator(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    pillar: str
    name: str
    unit: str
    target: int
    progress: int
    percent: int


class PillarProgress(msgspec.Struct, kw_only=True):
    key: str
    group: str
    name: str
    indicators: int
    indicators_met: int


class Plan(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    year: int
    title: str
    method: str
    is_template: bool
    copied_from_id: uuid.UUID | None
    pillars: list[PillarProgress]
    indicators: list[Indicator]
