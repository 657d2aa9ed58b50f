"""Request bodies and answers of funding calls.

A call names its funder, its pool in fen, who may apply, when, how applications are scored
(criteria with integer weights summing to 100) and how an approved amount is paid (the tranche
plan: percentages summing to 100, each paid on agreement, after the mid-term evaluation or on
closing).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

import msgspec

from plugins.funding.fields import NOT_BLANK, Fen, Title

FunderKind = Literal["foundation", "government", "enterprise"]
"""基金会、政府、企业."""
Registration = Literal["registered", "filed", "none"]
"""登记 (legal person), 备案 (filed at the town), or neither yet."""
Level = Literal["district", "town", "community"]
Trigger = Literal["agreement", "midterm", "closing"]
"""签订协议后、中期评估通过后、结项评估通过后."""
Key = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]
Category = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=NOT_BLANK)]


class Criterion(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A review criterion; each reviewer scores it 0-100 and it counts ``weight`` percent."""

    key: Key
    title: Label
    weight: Annotated[int, msgspec.Meta(ge=1, le=100)]


class Tranche(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One tranche of the plan: its share of the approved amount and when it is paid."""

    title: Label
    percent: Annotated[int, msgspec.Meta(ge=1, le=100)]
    trigger: Trigger


class CallCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A new call. Omitted categories, criteria, tranche plan and eligibility take the tenant's
    funding settings."""

    title: Title
    funder_kind: FunderKind
    funder_name: Title
    pool_fen: Fen
    opens_on: date
    closes_on: date
    description: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    categories: Annotated[list[Category], msgspec.Meta(max_length=30)] | None = None
    eligible_registrations: Annotated[list[Registration], msgspec.Meta(min_length=1)] | None = None
    eligible_levels: Annotated[list[Level], msgspec.Meta(min_length=1)] | None = None
    criteria: Annotated[list[Criterion], msgspec.Meta(min_length=1, max_length=20)] | None = None
    tranche_plan: Annotated[list[Tranche], msgspec.Meta(min_length=1, max_length=10)] | None = None


class Balance(msgspec.Struct, kw_only=True):
    """A call's money, derived from its ledger: the pool, what is committed to projects, what
    has been paid out, and what is left to commit."""

    pool_fen: int
    committed_fen: int
    disbursed_fen: int
    available_fen: int
    entries: int


class Call(msgspec.Struct, kw_only=True):
    """A call; ``balance`` is given where the caller's tenant runs the call or lies above it,
    and is null for an applicant looking at a call run above it (its ledger is not theirs)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    title: str
    description: str
    funder_kind: FunderKind
    funder_name: str
    pool_fen: int
    categories: list[str]
    eligible_registrations: list[Registration]
    eligible_levels: list[Level]
    opens_on: date
    closes_on: date
    is_open: bool
    criteria: list[Criterion]
    tranche_plan: list[Tranche]
    balance: Balance | None


class RankedApplication(msgspec.Struct, kw_only=True):
    """An application's place in its call's ranking. ``score`` is the mean of the reviewers'
    weighted totals in points (two decimals, as text so no float carries it); equal scores
    share a rank and are ``tied``. Sheets of reviewers who declared a conflict do not count."""

    application_id: uuid.UUID
    title: str
    applicant_names: list[str]
    status: str
    sheets: int
    score: str | None
    rank: int | None
    tied: bool


class Ranking(msgspec.Struct, kw_only=True):
    call_id: uuid.UUID
    items: list[RankedApplication]
