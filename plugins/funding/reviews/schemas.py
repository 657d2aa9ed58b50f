"""Request bodies and answers of the panel review: conflicts of interest and score sheets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from plugins.funding.fields import Note, Reason

Score = Annotated[int, msgspec.Meta(ge=0, le=100, description="0-100 分 / 0 to 100 points")]


class ConflictCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A reviewer's declaration that they must not score an application (回避), and why."""

    reason: Reason


class ConflictDeclared(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    application_id: uuid.UUID
    reviewer_id: uuid.UUID
    reviewer_name: str
    reason: str
    declared_at: datetime


class ScoreCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A score for every criterion of the call, by its key."""

    scores: dict[str, Score]
    comment: Note = ""


class ScoreSheet(msgspec.Struct, kw_only=True):
    """One reviewer's scores; ``weighted`` is their weighted score in points (two decimals as
    text), ``counted`` false when the reviewer has since declared a conflict."""

    id: uuid.UUID
    application_id: uuid.UUID
    reviewer_id: uuid.UUID
    reviewer_name: str
    scores: dict[str, int]
    weighted: str
    comment: str
    counted: bool
    scored_at: datetime


class Reviews(msgspec.Struct, kw_only=True):
    application_id: uuid.UUID
    score: str | None
    sheets: list[ScoreSheet]
    conflicts: list[ConflictDeclared]
