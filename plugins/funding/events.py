"""The events funding emits, at the tenant that runs the call and holds its pool: their
payloads are the module's contract with other modules (incubation records a resource match
when an incubatee is funded). Fields are only ever added, so older subscribers keep working.
"""

from __future__ import annotations

import uuid
from datetime import date

import msgspec

from core import EventContract

APPLICATION_APPROVED = "funding.application-approved"
TRANCHE_DISBURSED = "funding.tranche-disbursed"
PROJECT_CLOSED = "funding.project-closed"


class ApplicationApproved(msgspec.Struct, frozen=True, kw_only=True):
    """An application was approved and the pool committed to it.

    ``organisation_ids`` are the applicant organisations' ids in the organisation directory
    (empty when they were named plainly or the applicants are an urban-rural pair's
    communities); ``applicant_names`` always names every applicant."""

    application_id: uuid.UUID
    call_id: uuid.UUID
    call_title: str
    funder_kind: str
    funder_name: str
    approved_fen: int
    joint: bool
    application_tenant_id: uuid.UUID
    organisation_ids: list[uuid.UUID]
    applicant_names: list[str]


class TrancheDisbursed(msgspec.Struct, frozen=True, kw_only=True):
    """A tranche (1-based, in the call's plan) was paid to a project."""

    application_id: uuid.UUID
    call_id: uuid.UUID
    tranche: int
    amount_fen: int
    disbursed_on: date


class ProjectClosed(msgspec.Struct, frozen=True, kw_only=True):
    """A funded project ended: ``closed`` after its final evaluation, or ``terminated`` (a
    failed evaluation; no further tranche). ``disbursed_fen`` is what it was paid, net."""

    application_id: uuid.UUID
    call_id: uuid.UUID
    outcome: str
    approved_fen: int
    disbursed_fen: int


EVENTS = (
    EventContract(
        type=APPLICATION_APPROVED,
        payload=ApplicationApproved,
        description="项目申报获批立项",
        description_en="An application was approved and the pool committed to it",
    ),
    EventContract(
        type=TRANCHE_DISBURSED,
        payload=TrancheDisbursed,
        description="项目资金分期拨付",
        description_en="A tranche was disbursed to a project",
    ),
    EventContract(
        type=PROJECT_CLOSED,
        payload=ProjectClosed,
        description="项目结项或终止",
        description_en="A funded project was closed or terminated",
    ),
)
