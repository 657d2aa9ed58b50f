"""Request bodies and answers of incubatees and their moves along the chain."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

from plugins.incubation.fields import Body, Name, PersonName, ShortText

Stage = Literal[
    "needs_survey", "training", "supervision", "resource_matching", "graduated", "exited"
]
"""需求调研, 定制培训, 项目督导, 资源对接, 结业 (graduated), 退出 (exited)."""
IncubateeKind = Literal["organisation", "town_centre"]


class IncubateeCreate(Body):
    """Admit an organisation into a cohort: by its directory id when an organisation directory
    is on (five-sector), else by name; or a town promotion centre (``town_centre_id``, a base
    of kind ``town_centre``) into a cohort of the district base."""

    cohort_id: uuid.UUID
    organisation_id: uuid.UUID | None = None
    organisation_name: Name | None = None
    town_centre_id: uuid.UUID | None = None
    leader_name: PersonName | None = None
    admitted_on: date | None = None


class StageMove(Body):
    """Move to a later stage (every earlier stage needs a record) or to ``exited`` (a reason is
    required)."""

    to: Stage
    reason: ShortText | None = None


class StageOverride(Body):
    """An administrator's move past stages without records; the reason and what was missing
    are kept in the incubatee's history."""

    to: Stage
    reason: ShortText


class Incubatee(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    cohort_id: uuid.UUID
    base_id: uuid.UUID
    kind: str
    organisation_id: uuid.UUID | None
    organisation_name: str
    organisation_tenant_id: uuid.UUID | None
    centre_base_id: uuid.UUID | None
    leader_name: str | None
    admitted_on: date
    stage: str
    stage_changed_at: datetime
    exit_reason: str | None


class StageChange(msgspec.Struct, kw_only=True):
    from_stage: str | None
    to_stage: str
    reason: str | None
    override: bool
    missing: list[str]
    changed_by: uuid.UUID | None
    changed_at: datetime


class RecordCount(msgspec.Struct, kw_only=True):
    stage: str
    records: int


class IncubateeDetail(Incubatee, kw_only=True):
    """The incubatee with its records per chain stage and its stage history, oldest first."""

    records: list[RecordCount]
    history: list[StageChange]
