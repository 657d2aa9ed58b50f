"""The module's one clock, so every "now" and "today" of a request agrees (and tests can
reason about them): UTC instants; dates in UTC as stored."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()
