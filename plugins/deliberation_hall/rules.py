"""The rules of sessions and votes as pure functions, with every default a setting.

:func:`session_breaches` lists what keeps a session from opening a vote (notice period,
representative list, size, stakeholder share, quorum); :func:`tally` computes a vote's outcome
from its choices; :func:`summary_due_at` says by when a hearing's summary is due (within
``hearing_summary_working_days`` working days). Fractions are settings of the form
``[numerator, denominator]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

MAJORITY_CHOICES = ("yes", "no", "abstain")
CONSENT_CHOICES = ("agree", "abstain", "disagree", "block")
METHOD_CHOICES = {
    "majority": MAJORITY_CHOICES,
    "two_thirds": MAJORITY_CHOICES,
    "consent": CONSENT_CHOICES,
}


OUTCOME_TITLES = {
    "passed": ("通过", "passed"),
    "failed": ("未通过", "failed"),
    "tie": ("票数相同", "tie"),
    "blocked": ("有人阻止，未通过", "blocked"),
    "no_quorum": ("到会人数不足，表决无效", "no quorum"),
}


@dataclass(frozen=True, slots=True)
class Breach:
    """A session rule that is not met: a stable code and the reason in both languages."""

    code: str
    message: str
    message_en: str


@dataclass(frozen=True, slots=True)
class SessionFacts:
    kind: str
    starts_at: datetime
    notice_published_at: datetime | None
    representatives_published_at: datetime | None
    representatives: int
    stakeholders: int
    present: int


def fraction(value: Any) -> tuple[int, int]:
    """A ``[numerator, denominator]`` setting as a pair (a malformed one counts as 0/1)."""
    if isinstance(value, Sequence) and len(value) == 2:
        num, den = int(value[0]), int(value[1])
        if den > 0 and num >= 0:
            return num, den
    return 0, 1


def at_least(part: int, whole: int, share: tuple[int, int]) -> bool:
    """``part / whole >= num / den`` in integers."""
    num, den = share
    return part * den >= whole * num


def session_rules(config: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The effective rules of a session kind (``meeting`` or ``hearing``) from the settings."""
    return {
        "notice_days": int(config[f"{kind}_notice_days"]),
        "list_days": int(config[f"{kind}_list_days"]),
        "min_representatives": int(config[f"{kind}_min_representatives"]),
        "stakeholder_share": fraction(config[f"{kind}_stakeholder_share"]),
        "quorum": fraction(config[f"{kind}_quorum"]),
    }


def quorum_met(facts: SessionFacts, rules: Mapping[str, Any]) -> bool:
    return facts.representatives > 0 and at_least(
        facts.present, facts.representatives, rules["quorum"]
    )


def session_breaches(facts: SessionFacts, rules: Mapping[str, Any]) -> list[Breach]:
    """Every rule ``facts`` breaks, in the order a chair would check them."""
    found: list[Breach] = []
    notice_days: int = rules["notice_days"]
    if facts.notice_published_at is None:
        found.append(Breach("notice-missing", "会议通知尚未公布", "The notice was not published"))
    elif facts.notice_published_at > facts.starts_at - timedelta(days=notice_days):
        found.append(
            Breach(
                "notice-late",
                f"会议通知须至少提前 {notice_days} 天公布",
                f"The notice must be published at least {notice_days} days ahead",
            )
        )
    list_days: int = rules["list_days"]
    if list_days > 0:
        if facts.representatives_published_at is None:
            found.append(
                Breach(
                    "list-missing",
                    "代表名单尚未公布",
                    "The representative list was not published",
                )
            )
        elif facts.representatives_published_at > facts.starts_at - timedelta(days=list_days):
            found.append(
                Breach(
                    "list-late",
                    f"代表名单须至少提前 {list_days} 天公布",
                    f"The representative list must be published at least {list_days} days ahead",
                )
            )
    minimum: int = rules["min_representatives"]
    if facts.representatives < minimum:
        found.append(
            Breach(
                "too-few-representatives",
                f"代表不少于 {minimum} 人（现有 {facts.representatives} 人）",
                f"At least {minimum} representatives are needed ({facts.representatives} named)",
            )
        )
    num, den = rules["stakeholder_share"]
    if num and not at_least(facts.stakeholders, facts.representatives, (num, den)):
        found.append(
            Breach(
                "too-few-stakeholders",
                f"利害关系人或普通居民代表须不少于 {num}/{den}",
                f"At least {num}/{den} of representatives must be stakeholders or residents",
            )
        )
    if not quorum_met(facts, rules):
        qn, qd = rules["quorum"]
        found.append(
            Breach(
                "no-quorum",
                f"到会代表不足 {qn}/{qd}（{facts.present}/{facts.representatives}）",
                f"Fewer than {qn}/{qd} of representatives present "
                f"({facts.present}/{facts.representatives})",
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class Result:
    outcome: str
    counts: dict[str, int]


def tally(
    method: str,
    choices: Sequence[str],
    present: int,
    representatives: int,
    quorum: tuple[int, int],
) -> Result:
    """The outcome of a vote.

    - ``no_quorum`` when fewer than the quorum share of representatives are present at close;
    - ``majority``: passed when *yes* is more than half of those present;
    - ``two_thirds``: passed when *yes* is at least two thirds of those present;
    - ``consent``: one *block* stops it (``blocked``); otherwise passed when *agree* outnumbers
      *disagree*;
    - a decision not passed with as many for as against is a ``tie``; otherwise ``failed``.
    """
    counts = {choice: 0 for choice in METHOD_CHOICES[method]}
    for choice in choices:
        counts[choice] = counts.get(choice, 0) + 1
    if representatives == 0 or not at_least(present, representatives, quorum):
        return Result("no_quorum", counts)
    if method == "consent":
        if counts["block"]:
            return Result("blocked", counts)
        favour, against = counts["agree"], counts["disagree"]
        if favour > against:
            return Result("passed", counts)
        return Result("tie" if favour == against else "failed", counts)
    favour, against = counts["yes"], counts["no"]
    passed = favour * 2 > present if method == "majority" else favour * 3 >= present * 2
    if passed and present > 0:
        return Result("passed", counts)
    return Result("tie" if favour == against else "failed", counts)


LOCAL = ZoneInfo("Asia/Shanghai")
"""Working days and their dates are counted in China's time."""


def _dates(values: Any) -> frozenset[date]:
    """A setting listing ISO dates as a set; an entry that is not a date is left out."""
    found: set[date] = set()
    if isinstance(values, Iterable) and not isinstance(values, str | bytes):
        for value in values:
            try:
                found.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
            except ValueError:
                continue
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Monday to Friday, less public holidays (``holidays``), plus the weekend days worked in
    their place (``make_up_working_days``, 调休补班)."""

    holidays: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> WorkingCalendar:
        return cls(_dates(config["holidays"]), _dates(config["make_up_working_days"]))

    def is_working(self, day: date) -> bool:
        if day in self.make_up_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def after(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (``day`` itself not counted)."""
        current, left = day, max(days, 0)
        for _ in range(366 * 10):
            if left == 0:
                return current
            current += timedelta(days=1)
            if self.is_working(current):
                left -= 1
        return current


def summary_due_at(starts_at: datetime, config: Mapping[str, Any]) -> datetime:
    """The instant a hearing's summary is late from: the end (midnight, China's time) of the
    ``hearing_summary_working_days``-th working day after the hearing's day, in UTC."""
    held_on = starts_at.astimezone(LOCAL).date()
    last = WorkingCalendar.of(config).after(held_on, int(config["hearing_summary_working_days"]))
    return datetime.combine(last + timedelta(days=1), time(), LOCAL).astimezone(UTC)


def summary_due_on(due_at: datetime) -> date:
    """The last day (China's time) on which a summary due at ``due_at`` is on time."""
    return (due_at.astimezone(LOCAL) - timedelta(days=1)).date()
