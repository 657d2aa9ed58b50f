"""Projects (项目带动) of incubatees, linked to funding applications."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from plugins.incubation.fields import Body, LongText, Name


class ProjectCreate(Body):
    """``funding_application_id`` is the application's id in the funding module; when that
    module approves it, the project shows the approved amount and funder. A reference of
    another funder's process can be kept as text."""

    title: Name
    summary: LongText | None = None
    funding_application_id: uuid.UUID | None = None
    funding_reference: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class Project(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    incubatee_id: uuid.UUID
    title: str
    summary: str | None
    funding_application_id: uuid.UUID | None
    funding_reference: str | None
    approved_fen: int | None
    funder_name: str | None
