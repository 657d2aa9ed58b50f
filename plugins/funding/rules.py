"""The funding module's rules as pure functions: the lifecycle, tranche amounts, weighted
scores and ranking. Money is integer fen and scores are integers; averages are exact fractions,
shown as :class:`~decimal.Decimal` to two places. No float is ever involved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

NEXT: dict[str, tuple[str, ...]] = {
    "draft": ("submitted",),
    "submitted": ("screened", "rejected"),
    "screened": ("under_review", "rejected"),
    "under_review": ("published",),
    "published": ("approved", "rejected"),
    "approved": ("agreement_signed",),
    "agreement_signed": ("in_progress",),
    "in_progress": ("closed", "terminated"),
    "rejected": (),
    "closed": (),
    "terminated": (),
}
"""draft → submitted → screened (first screening) → under panel review → published → approved
or rejected → agreement signed → in progress → closed, or terminated (a failed evaluation)."""

FUNDED = ("approved", "agreement_signed", "in_progress", "closed", "terminated")
"""States of an application that was approved: the pool is committed to it."""
REVIEWED = ("under_review", "published", "approved", "agreement_signed", "in_progress",
            "closed", "terminated", "rejected")  # fmt: skip
"""States whose applications appear in a call's ranking (rejected ones only if scored)."""

STATUS_TITLES: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"),
    "submitted": ("已提交", "submitted"),
    "screened": ("初审通过", "screened"),
    "under_review": ("评审中", "under panel review"),
    "published": ("已公示", "published"),
    "approved": ("已立项", "approved"),
    "rejected": ("未通过", "rejected"),
    "agreement_signed": ("已签协议", "agreement signed"),
    "in_progress": ("执行中", "in progress"),
    "closed": ("已结项", "closed"),
    "terminated": ("已终止", "terminated"),
}


class RuleError(ValueError):
    """A broken rule, in Chinese and English, for the 422 or 409 that reports it."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def tranche_amounts(approved_fen: int, percents: Sequence[int]) -> list[int]:
    """Each tranche's amount in fen: ``approved * percent // 100``, the remainder of the
    rounding on the last tranche, so the amounts always add up to ``approved_fen``."""
    if sum(percents) != 100 or any(p <= 0 for p in percents):
        raise RuleError(
            "分期比例须为正数且合计100", "tranche percentages must be positive and sum to 100"
        )
    amounts = [approved_fen * p // 100 for p in percents[:-1]]
    return [*amounts, approved_fen - sum(amounts)]


def check_tranche_plan(plan: Sequence[Mapping[str, Any]]) -> None:
    """A plan is 1-10 tranches whose percentages sum to 100, the first paid on agreement, the
    triggers in lifecycle order (agreement, mid-term, closing)."""
    order = {"agreement": 0, "midterm": 1, "closing": 2}
    if not plan:
        raise RuleError("至少一期拨付", "at least one tranche")
    triggers = [str(t["trigger"]) for t in plan]
    if triggers[0] != "agreement":
        raise RuleError("第一期须在签订协议后拨付", "the first tranche is paid on agreement")
    if [order[t] for t in triggers] != sorted(order[t] for t in triggers):
        raise RuleError(
            "拨付节点须按协议、中期、结项的顺序",
            "triggers must follow agreement, mid-term, closing",
        )
    tranche_amounts(0, [int(t["percent"]) for t in plan])


def check_criteria(criteria: Sequence[Mapping[str, Any]]) -> None:
    """Criteria have distinct keys and integer weights that sum to 100."""
    keys = [str(c["key"]) for c in criteria]
    if len(set(keys)) != len(keys):
        raise RuleError("评审指标代码重复", "criterion keys must be distinct")
    if sum(int(c["weight"]) for c in criteria) != 100:
        raise RuleError("评审指标权重合计须为100", "criterion weights must sum to 100")


def weighted_total(criteria: Sequence[Mapping[str, Any]], scores: Mapping[str, int]) -> int:
    """One reviewer's weighted total in hundredths of a point: sum of score x weight (scores
    0-100, weights summing to 100, so 0-10000). Every criterion must be scored, and only those."""
    keys = {str(c["key"]) for c in criteria}
    if set(scores) != keys:
        missing, unknown = sorted(keys - set(scores)), sorted(set(scores) - keys)
        raise RuleError(
            f"须为每项指标评分（缺少：{'、'.join(missing) or '无'}；多余：{'、'.join(unknown) or '无'}）",
            f"score every criterion (missing: {', '.join(missing) or 'none'}; "
            f"unknown: {', '.join(unknown) or 'none'})",
        )
    return sum(int(scores[str(c["key"])]) * int(c["weight"]) for c in criteria)


def points(total_hundredths: Fraction) -> Decimal:
    """A score in hundredths of a point as points with two decimals, rounded half up, by
    integer arithmetic (no division is ever rounded twice)."""
    whole, rest = divmod(total_hundredths.numerator, total_hundredths.denominator)
    if 2 * rest >= total_hundredths.denominator:
        whole += 1
    return Decimal(whole).scaleb(-2)


@dataclass(frozen=True)
class Ranked:
    """One application's place: ``rank`` 1-based, equal scores share a rank (1, 2, 2, 4) and
    are ``tied``; unscored applications have no rank and come last."""

    key: Any
    average: Fraction | None
    sheets: int
    rank: int | None
    tied: bool


def rank(totals: Mapping[Any, Sequence[int]]) -> list[Ranked]:
    """Rank by the exact mean of each key's weighted totals (highest first); keys in the
    mapping's order break nothing: ties stay ties and are reported as such."""
    scored = {k: Fraction(sum(v), len(v)) for k, v in totals.items() if v}
    order = sorted(scored, key=lambda k: scored[k], reverse=True)
    counts: dict[Fraction, int] = {}
    for value in scored.values():
        counts[value] = counts.get(value, 0) + 1
    first_place: dict[Fraction, int] = {}
    for place, key in enumerate(order, start=1):
        first_place.setdefault(scored[key], place)
    ranked = [
        Ranked(k, scored[k], len(totals[k]), first_place[scored[k]], counts[scored[k]] > 1)
        for k in order
    ]
    ranked += [Ranked(k, None, 0, None, False) for k, v in totals.items() if not v]
    return ranked
