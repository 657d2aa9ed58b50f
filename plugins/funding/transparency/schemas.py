"""Answers of the public funding report (资金公开)."""

from __future__ import annotations

import uuid
from datetime import date

import msgspec


class CallSummary(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    title: str
    funder_kind: str
    funder_name: str
    opens_on: date
    closes_on: date
    pool_fen: int
    committed_fen: int
    disbursed_fen: int
    available_fen: int


class ProjectSummary(msgspec.Struct, kw_only=True):
    """An approved project: what was approved, what stays committed, what was paid."""

    application_id: uuid.UUID
    call_id: uuid.UUID
    title: str
    applicant_names: list[str]
    joint: bool
    status: str
    status_title: str
    approved_fen: int
    committed_fen: int
    disbursed_fen: int


class Totals(msgspec.Struct, kw_only=True):
    """The ledger's totals over the listed calls."""

    calls: int
    projects: int
    pool_fen: int
    approved_fen: int
    committed_fen: int
    disbursed_fen: int
    entries: int


class Report(msgspec.Struct, kw_only=True):
    tenant_id: uuid.UUID
    tenant_name: str
    calls: list[CallSummary]
    projects: list[ProjectSummary]
    totals: Totals
