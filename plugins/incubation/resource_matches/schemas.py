"""Resource matches (资源对接): charity resources, funding calls or enterprise support offered
to an incubatee, and the outcome."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

import msgspec

from plugins.incubation.fields import Body, Fen, Name, ShortText

MatchKind = Literal["charity_resource", "funding_call", "enterprise_support"]
Outcome = Literal["offered", "secured", "declined"]


class MatchCreate(Body):
    kind: MatchKind
    provider: Name
    description: ShortText
    matched_on: date
    outcome: Outcome = "offered"
    amount_fen: Fen | None = None


class ResourceMatch(msgspec.Struct, kw_only=True):
    """``source`` is ``funding_event`` for a match recorded from a funding approval, with the
    application's id."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    incubatee_id: uuid.UUID
    kind: str
    provider: str
    description: str
    amount_fen: int | None
    outcome: str
    matched_on: date
    source: str
    application_id: uuid.UUID | None
