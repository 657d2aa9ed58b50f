"""The party's rules as pure functions over settings: size warnings, meeting periods and
cadence, assembly quorum, probation.

Every threshold comes from the module's settings (defaults in the manifest, from the rules in
the domain notes), never from a constant here, so a locality that counts differently sets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

Period = Literal["month", "quarter", "year"]
PERIOD_MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True, slots=True)
class SizeWarning:
    code: str
    message: str
    message_en: str


@dataclass(frozen=True, slots=True)
class Size:
    """An organisation's head-count: its own full and probationary members, everyone in it
    and below it, and the social organisations it covers."""

    kind: str
    has_committee: bool
    full: int
    total: int
    units: int


def size_warnings(size: Size, settings: Mapping[str, Any]) -> list[SizeWarning]:
    """The size rules ``size`` breaks (3+ full members for a branch, a committee only from 7,
    a general branch of 50–100, a party committee over 100, a joint branch of at most 5 units,
    a branch that has grown into a general branch). Warnings only: nothing is refused."""
    found: list[SizeWarning] = []
    minimum = int(settings["branch_min_full_members"])
    committee_from = int(settings["committee_min_members"])
    general_min = int(settings["general_branch_min_members"])
    general_max = int(settings["general_branch_max_members"])
    party_committee_min = int(settings["party_committee_min_members"])
    max_units = int(settings["joint_branch_max_units"])
    if size.kind in ("branch", "joint_branch") and size.full < minimum:
        found.append(
            SizeWarning(
                "too-few-full-members",
                f"正式党员不足{minimum}名，不宜单独成立党支部",
                f"fewer than {minimum} full members: too few to form a branch",
            )
        )
    if size.has_committee and size.full < committee_from:
        found.append(
            SizeWarning(
                "committee-too-small",
                f"正式党员不足{committee_from}名，不设支部委员会，只设书记",
                f"fewer than {committee_from} full members: a secretary, no committee",
            )
        )
    if size.kind in ("branch", "joint_branch") and size.total >= general_min:
        found.append(
            SizeWarning(
                "branch-too-large",
                f"党员达{general_min}名以上，应成立党总支",
                f"{general_min} members or more: should become a general branch",
            )
        )
    if size.kind == "general_branch" and not general_min <= size.total <= general_max:
        found.append(
            SizeWarning(
                "general-branch-size",
                f"党总支党员人数应在{general_min}至{general_max}名之间",
                f"a general branch should have {general_min} to {general_max} members",
            )
        )
    if size.kind == "committee" and size.total < party_committee_min:
        found.append(
            SizeWarning(
                "party-committee-size",
                f"党员不足{party_committee_min}名，不宜设立党委",
                f"fewer than {party_committee_min} members: too few for a party committee",
            )
        )
    if size.kind == "joint_branch" and size.units > max_units:
        found.append(
            SizeWarning(
                "joint-branch-too-many-units",
                f"联合党支部覆盖单位超过{max_units}个",
                f"a joint branch covers more than {max_units} units",
            )
        )
    return found


def period_start(day: date, period: str) -> date:
    """The first day of the calendar month, quarter or year holding ``day``."""
    months = PERIOD_MONTHS[period]
    month = (day.month - 1) // months * months + 1
    return date(day.year, month, 1)


def next_period_start(start: date, period: str) -> date:
    month = start.month - 1 + PERIOD_MONTHS[period]
    return date(start.year + month // 12, month % 12 + 1, 1)


def periods_between(first: date, last: date, period: str) -> list[tuple[date, date]]:
    """Every whole period (start, end inclusive) that starts on or after ``first``'s period
    start, up to the one holding ``last``."""
    found: list[tuple[date, date]] = []
    start = period_start(first, period)
    while start <= last:
        following = next_period_start(start, period)
        found.append((start, following - timedelta(days=1)))
        start = following
    return found


def months_before(day: date, months: int) -> date:
    """The first day of the month ``months`` calendar months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def quorum_met(attendees: int, full_members: int, percent: int) -> bool:
    """More than ``percent`` % of the full (voting) members attended (default: more than half)."""
    return attendees * 100 > full_members * percent


def conversion_due_on(joined_on: date, probation_months: int) -> date:
    """The day a probationary member's probation ends (one year by default)."""
    index = joined_on.year * 12 + joined_on.month - 1 + probation_months
    year, month = index // 12, index % 12 + 1
    day = joined_on.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
