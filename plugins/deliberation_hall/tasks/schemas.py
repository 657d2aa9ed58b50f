"""Request bodies and answers of the tasks API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec


class TaskCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An implementation task of a topic whose result passed."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
    owner_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
    due_on: date


class ProgressCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A progress report; 100 marks the task done (today)."""

    progress: Annotated[int, msgspec.Meta(ge=0, le=100)]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class ProgressOut(msgspec.Struct, kw_only=True):
    progress: int
    note: str
    at: datetime


class Task(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    topic_id: uuid.UUID
    title: str
    owner_name: str
    due_on: date
    status: str
    progress: int
    done_on: date | None
    overdue: bool
    on_time: bool | None


class TaskDetail(Task, kw_only=True):
    updates: list[ProgressOut]
