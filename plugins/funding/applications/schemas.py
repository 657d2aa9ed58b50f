"""Request bodies and answers of applications and their lifecycle."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from plugins.funding.calls.schemas import Registration
from plugins.funding.fields import NOT_BLANK, Fen, Name, Note, TenantKey, Title

Status = Literal[
    "draft",
    "submitted",
    "screened",
    "under_review",
    "published",
    "approved",
    "rejected",
    "agreement_signed",
    "in_progress",
    "closed",
    "terminated",
]
Stage = Literal["midterm", "final"]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
Document = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=500,
        pattern=NOT_BLANK,
        description="文件的引用（编号、链接或档案位置）/ a document by reference",
    ),
]


class Applicant(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An applicant organisation: by its directory id where the organisation directory is on
    (its name and registration are then copied from it), or named plainly."""

    organisation_id: uuid.UUID | None = None
    name: Name | None = None
    registration: Registration | None = None


class Pair(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The two communities of an urban-rural pair applying together (城乡社区联合申报)."""

    urban: TenantKey
    rural: TenantKey


class BudgetLine(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    item: Label
    amount_fen: Fen


class ApplicationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A draft application. Give one or two ``applicants`` (two: a joint application), or a
    ``pair``; the requested amount is the sum of the budget lines."""

    title: Title
    category: Label
    budget_lines: Annotated[list[BudgetLine], msgspec.Meta(min_length=1, max_length=50)]
    applicants: Annotated[list[Applicant], msgspec.Meta(max_length=2)] = msgspec.field(
        default_factory=list
    )
    pair: Pair | None = None
    summary: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    documents: Annotated[list[Document], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )


class Transition(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Move an application on. ``approved_fen`` (default: the requested amount) goes with
    ``approved``; ``terminated`` needs a reason."""

    to: Status
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""
    approved_fen: Fen | None = None


class EvaluationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The mid-term or final evaluation of a project in progress; failing either ends the
    project (terminated: no further tranche, the rest of the approval goes back to the
    pool)."""

    stage: Stage
    passed: bool
    evaluated_on: date
    note: Note = ""


class Evaluation(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    application_id: uuid.UUID
    stage: Stage
    passed: bool
    note: str
    evaluated_on: date


class StatusChange(msgspec.Struct, kw_only=True):
    from_status: str
    to_status: str
    reason: str
    changed_at: datetime


class Application(msgspec.Struct, kw_only=True):
    """An application with its money as the ledger holds it: ``committed_fen`` (approved and
    not released) and ``disbursed_fen`` (paid, net of returns). ``allowed_next`` lists the
    states it may move to."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    call_id: uuid.UUID
    call_tenant_id: uuid.UUID
    title: str
    category: str
    summary: str
    joint: bool
    organisation_ids: list[uuid.UUID]
    applicant_names: list[str]
    applicant_registrations: list[str]
    pair_urban_tenant_id: uuid.UUID | None
    pair_rural_tenant_id: uuid.UUID | None
    budget_lines: list[BudgetLine]
    requested_fen: int
    documents: list[str]
    status: Status
    status_title: str
    allowed_next: list[Status]
    approved_fen: int | None
    committed_fen: int
    disbursed_fen: int
    submitted_at: datetime | None
    created_at: datetime


class ApplicationDetail(Application, kw_only=True):
    history: list[StatusChange]
    evaluations: list[Evaluation]
