"""Benchmark organisations (标杆示范) and their showcase profile."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.incubation.fields import Body, LongText, Name, ShortText


class BenchmarkCreate(Body):
    """Name the organisation by directory id (five-sector on), by name, or through the
    incubatee it grew from (``incubatee_id``: its name and id are taken from there)."""

    base_id: uuid.UUID
    designated_on: date
    headline: Name
    story: LongText
    highlights: Annotated[list[ShortText], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    organisation_id: uuid.UUID | None = None
    organisation_name: Name | None = None
    incubatee_id: uuid.UUID | None = None


class Benchmark(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    base_id: uuid.UUID
    organisation_id: uuid.UUID | None
    organisation_name: str
    incubatee_id: uuid.UUID | None
    designated_on: date
    headline: str
    story: str
    highlights: list[str]


class Showcase(Benchmark, kw_only=True):
    """The showcase profile: the benchmark, where it stands in incubation (when it grew from an
    incubatee), its capacity growth and the brand projects it is behind."""

    stage: str | None
    capacity_growth: int | None
    brand_projects: list[str]
