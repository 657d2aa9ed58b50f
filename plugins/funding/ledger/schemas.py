"""Request bodies and answers of the ledger: entries, tranches, returns and reversals."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from plugins.funding.fields import Fen, Note, Reason


class Entry(msgspec.Struct, kw_only=True):
    """One ledger movement in fen. ``committed_delta``/``disbursed_delta`` are its signed
    effect; ``committed_total``/``disbursed_total`` the call's totals after it."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    call_id: uuid.UUID
    application_id: uuid.UUID
    seq: int
    kind: str
    kind_title: str
    reverses_id: uuid.UUID | None
    tranche: int | None
    amount_fen: int
    committed_delta: int
    disbursed_delta: int
    committed_total: int
    disbursed_total: int
    occurred_on: date
    reason: str
    recorded_at: datetime


class Disbursement(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Pay tranche ``tranche`` (1-based) of the call's plan; the amount is the plan's, never
    typed in."""

    tranche: Annotated[int, msgspec.Meta(ge=1, le=10)]
    disbursed_on: date
    note: Note = ""


class ReturnCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Money a project gives back (unspent): it leaves what was disbursed and committed, so the
    pool can commit it again."""

    amount_fen: Fen
    returned_on: date
    reason: Reason


class ReversalCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason
    occurred_on: date | None = None


class TrancheState(msgspec.Struct, kw_only=True):
    """A tranche of a funded project: its share and amount under the call's plan and whether
    (and how much) the ledger shows it paid."""

    tranche: int
    title: str
    percent: int
    trigger: str
    amount_fen: int
    disbursed_fen: int
    disbursed: bool


class Tranches(msgspec.Struct, kw_only=True):
    application_id: uuid.UUID
    approved_fen: int | None
    committed_fen: int
    disbursed_fen: int
    items: list[TrancheState]
