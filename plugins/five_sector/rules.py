"""Pure rules of the five-sector module: USCC check characters, hours, stars, validity dates.

Nothing here touches the database, so every rule is unit-testable on its own; services call
these and turn a broken rule into a 422.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_TYPE_BY_KIND = {"social_group": "1", "social_service_agency": "2", "foundation": "3"}
"""GB 32100 char 2 for each registered kind, under authority ``5`` (civil affairs)."""

MAX_MINUTES_PER_ENTRY = 24 * 60


class RuleError(ValueError):
    """A value that breaks a rule; ``message`` is Chinese, ``message_en`` English."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def _org_code_value(char: str) -> int:
    """GB 11714 value of an organisation-code character: digits as-is, A=10 … Z=35."""
    if char.isdigit():
        return int(char)
    return ord(char) - ord("A") + 10


def org_code_check(body: str) -> str:
    """The check character (char 17 of a USCC) of the 8-character organisation code body."""
    total = sum(_org_code_value(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check(first17: str) -> str:
    """The check character (char 18) of a USCC's first 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """Return ``code`` upper-cased if it is a valid GB 32100 code, else raise :class:`RuleError`.

    Both check characters are verified: char 17 over the organisation code (chars 9-16) and
    char 18 over chars 1-17.
    """
    code = code.strip().upper()
    if len(code) != 18:
        raise RuleError("统一社会信用代码应为18位", "a USCC has 18 characters")
    bad = [c for c in code if c not in USCC_CHARSET]
    if bad:
        raise RuleError(
            f"统一社会信用代码含有无效字符 {bad[0]}", f"a USCC cannot contain {bad[0]!r}"
        )
    if code[16] != org_code_check(code[8:16]):
        raise RuleError(
            "统一社会信用代码第17位（组织机构代码校验码）错误",
            "char 17 (organisation code check) of the USCC is wrong",
        )
    if code[17] != uscc_check(code[:17]):
        raise RuleError("统一社会信用代码第18位校验码错误", "char 18 (check) of the USCC is wrong")
    return code


def make_uscc(authority: str, kind: str, area: str, org_body: str) -> str:
    """A valid USCC from its parts (used to build examples and fixtures)."""
    first17 = authority + kind + area + org_body + org_code_check(org_body)
    return first17 + uscc_check(first17)


def hours_to_minutes(hours: Decimal | int | str) -> int:
    """Minutes of one ledger entry from hours given with at most two decimals.

    The hours must be more than 0 and at most 24 and come to a whole number of minutes
    (0.25 h = 15 min is fine, 0.01 h = 0.6 min is not).
    """
    try:
        value = Decimal(str(hours))
    except InvalidOperation:
        raise RuleError("服务时长不是数字", "hours is not a number") from None
    if not value.is_finite():
        raise RuleError("服务时长不是数字", "hours is not a number")
    if value <= 0 or value > 24:
        raise RuleError("单次服务时长须大于0且不超过24小时", "hours must be > 0 and ≤ 24")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise RuleError("服务时长最多两位小数", "hours take at most 2 decimals")
    minutes = value * 60
    if minutes != minutes.to_integral_value():
        raise RuleError("服务时长须为整分钟数", "hours must come to whole minutes")
    return int(minutes)


def minutes_to_hours(minutes: int) -> float:
    """Hours for display, rounded to two decimals."""
    return float((Decimal(minutes) / 60).quantize(Decimal("0.01")))


def star_level(total_minutes: int, thresholds_hours: Sequence[int | float]) -> int:
    """Star level (0-5) reached by ``total_minutes`` against the hour thresholds."""
    return sum(1 for threshold in thresholds_hours if total_minutes >= Decimal(str(threshold)) * 60)


def add_years(start: date, years: int) -> date:
    """``start`` plus ``years`` calendar years; 29 February falls back to 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def filing_expires_on(filed_on: date, validity_years: int) -> date:
    """Last day a filing made on ``filed_on`` is valid."""
    return add_years(filed_on, validity_years)


def filing_expiring(expires_on: date, today: date, warning_days: int) -> bool:
    """Whether a filing expires within ``warning_days`` of ``today`` (or already has)."""
    return (expires_on - today).days <= warning_days


def rating_valid_until(rated_on: date, validity_years: int) -> date:
    return add_years(rated_on, validity_years)


def rating_eligible(registered_on: date, rated_on: date, min_years: int = 2) -> bool:
    """Only organisations registered for ``min_years`` full years or more can be rated."""
    return rated_on >= add_years(registered_on, min_years)
