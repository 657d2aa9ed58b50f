"""Request bodies and answers of the votes API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

Method = Literal["majority", "two_thirds", "consent"]
Choice = Literal["yes", "no", "abstain", "agree", "disagree", "block"]


class VoteCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Open a vote in a session that meets its rules, on its topic in ``voting``.

    ``majority``: more than half of those present vote yes; ``two_thirds``: at least two
    thirds of those present; ``consent``: agree / abstain / disagree / block, one block stops
    it. ``secret``: who voted is kept, not how."""

    question: Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=r"\S")]
    method: Method
    secret: bool = False


class BallotCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A ballot recorded by staff for a present representative (show of hands, paper)."""

    representative_id: uuid.UUID
    choice: Choice


class MyBallot(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The caller's own ballot, as the representative linked to their account."""

    choice: Choice


class Ballot(msgspec.Struct, kw_only=True):
    """That a representative voted; ``choice`` is null for a secret ballot."""

    id: uuid.UUID
    vote_id: uuid.UUID
    representative_id: uuid.UUID
    name: str
    choice: str | None
    cast_at: datetime


class Vote(msgspec.Struct, kw_only=True):
    """A vote; ``counts`` and ``outcome`` are set when it closes (``passed``, ``failed``,
    ``tie``, ``blocked`` or ``no_quorum``)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    session_id: uuid.UUID
    topic_id: uuid.UUID
    question: str
    method: str
    secret: bool
    choices: list[str]
    status: str
    opened_at: datetime
    closed_at: datetime | None
    representatives: int
    present: int | None
    ballots_cast: int
    counts: dict[str, int] | None
    outcome: str | None
