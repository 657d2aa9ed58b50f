"""Needs surveys (需求调研): questions with answers, and findings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.incubation.fields import Body, LongText, PersonName, ShortText


class Answer(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    question: ShortText
    answer: Annotated[str, msgspec.Meta(max_length=2000)]


class SurveyCreate(Body):
    surveyed_on: date
    surveyor: PersonName
    answers: Annotated[list[Answer], msgspec.Meta(min_length=1, max_length=100)]
    findings: LongText


class Survey(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    incubatee_id: uuid.UUID
    surveyed_on: date
    surveyor: str
    answers: list[Answer]
    findings: str
