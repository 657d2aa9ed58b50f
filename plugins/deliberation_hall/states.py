"""The topic state machine (议题流程): the one table of legal transitions.

collected → under_review → accepted or rejected → published → in_deliberation → voting →
result_published → in_implementation → evaluated → closed. A failed vote may go back to
deliberation; a result with nothing to implement, and a rejected topic, may be closed. The
server refuses anything else with a 409 naming the allowed next states; clients draw their
buttons from :data:`TRANSITIONS` (published at ``GET /topics/transition-table``).
"""

from __future__ import annotations

from typing import Final

TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    "collected": ("under_review",),
    "under_review": ("accepted", "rejected"),
    "accepted": ("published",),
    "rejected": ("closed",),
    "published": ("in_deliberation",),
    "in_deliberation": ("voting",),
    "voting": ("result_published", "in_deliberation"),
    "result_published": ("in_implementation", "closed"),
    "in_implementation": ("evaluated",),
    "evaluated": ("closed",),
    "closed": (),
}

TITLES: Final[dict[str, tuple[str, str]]] = {
    "collected": ("已收集", "Collected"),
    "under_review": ("审核中", "Under review"),
    "accepted": ("已采纳", "Accepted"),
    "rejected": ("不予采纳", "Rejected"),
    "published": ("已公示", "Published for notice"),
    "in_deliberation": ("协商中", "In deliberation"),
    "voting": ("表决中", "Voting"),
    "result_published": ("结果已公布", "Result published"),
    "in_implementation": ("落实中", "In implementation"),
    "evaluated": ("已评议", "Evaluated"),
    "closed": ("已办结", "Closed"),
}

REASON_REQUIRED: Final[frozenset[str]] = frozenset({"rejected", "result_published", "closed"})
"""Targets whose transition needs a stated reason (for a result: its summary)."""

PUBLIC_STATES: Final[frozenset[str]] = frozenset(
    {
        "published",
        "in_deliberation",
        "voting",
        "result_published",
        "in_implementation",
        "evaluated",
        "closed",
    }
)
"""States a topic can only reach after being published; the public view also requires the
topic's ``published_at`` (a topic closed after rejection was never published)."""


def allowed_next(state: str) -> tuple[str, ...]:
    return TRANSITIONS.get(state, ())


def is_allowed(from_state: str, to_state: str) -> bool:
    return to_state in allowed_next(from_state)
