"""Checks of request values that the request schema cannot express, shared by the aggregates."""

from __future__ import annotations

from datetime import date

from core import Invalid
from plugins.party_building.clock import today


def text(value: str) -> str:
    """A required text as stored: surrounding blanks removed (the schema refuses blank text)."""
    return value.strip()


def optional_text(value: str | None) -> str | None:
    """An optional text as stored: stripped, and blank counted as not given."""
    stripped = value.strip() if value is not None else None
    return stripped or None


def not_in_future(field: str, day: date) -> date:
    if day > today():
        raise Invalid(field, "日期不能晚于今天", message_en="cannot be in the future")
    return day
