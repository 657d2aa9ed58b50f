"""The rules of the tenant tree as pure functions: no database, no HTTP.

Each check raises :class:`RuleError` naming the field, with a Chinese and an English message.
It is an :class:`~core.errors.Invalid` (422 problem detail) for the API, and the CLI prints its
``field`` and ``message_en`` after the file and line. Callers may rely on a check returning the
normalised value (names stripped) when it passes.
"""

from __future__ import annotations

import re
import unicodedata

from core.errors import Invalid
from core.settings import Settings
from core.tenancy.models import TENANT_STATUSES

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG_MIN, SLUG_MAX = 2, 63
NAME_MAX = 100
NAME_EN_MAX = 200
NAME_EN_RE = re.compile(r"^[A-Za-z0-9 '\-./()]+$")
KIND_MAX = 32
DIVISION_CODE_LENGTHS = (6, 9, 12)
DIVISION_YEAR_MIN, DIVISION_YEAR_MAX = 1980, 2100
# Control, format, surrogate, private-use and unassigned code points, and symbols (emoji are
# "So"; skin-tone modifiers are "Sk"): none belongs in the name of an administrative unit.
FORBIDDEN_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cn", "Cc", "Cf"})

# Which status may follow which; archiving is done by its own operation and undone only by an
# explicit return to ``active``.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    "active": frozenset({"suspended", "archived"}),
    "suspended": frozenset({"active", "archived"}),
    "archived": frozenset({"active"}),
}


class RuleError(Invalid):
    """A tenant rule was broken by the value of ``field``."""

    def __init__(self, field: str, message: str, message_en: str) -> None:
        super().__init__(field, message, message_en=message_en)
        self.message = message
        self.message_en = message_en


def check_slug(slug: str) -> str:
    """A URL-safe slug: lowercase letters and digits in hyphen-joined runs, 2–63 characters.

    All-digit slugs are refused because ``{tenant}`` keys made only of digits are read as
    division codes.
    """
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        raise RuleError(
            "slug",
            f"长度须为 {SLUG_MIN}–{SLUG_MAX} 个字符",
            f"must be {SLUG_MIN} to {SLUG_MAX} characters long, got {len(slug)}",
        )
    if not SLUG_RE.match(slug):
        raise RuleError(
            "slug",
            "只能包含小写字母、数字和单个连字符，且不能以连字符开头或结尾",
            "only lowercase letters, digits and single hyphens between them are allowed",
        )
    if slug.isdigit():
        raise RuleError(
            "slug", "不能全为数字（会与区划代码混淆）", "must not be all digits (reads as a code)"
        )
    return slug


def _forbidden_char(text: str) -> str | None:
    for char in text:
        if unicodedata.category(char) in FORBIDDEN_CATEGORIES:
            return char
    return None


def check_name(name: str, field: str = "name") -> str:
    """A Chinese name of 1–100 characters after stripping, without control chars or emoji."""
    value = name.strip()
    if not value:
        raise RuleError(field, "不能为空", "must not be empty")
    if len(value) > NAME_MAX:
        raise RuleError(
            field,
            f"不能超过 {NAME_MAX} 个字符",
            f"must be at most {NAME_MAX} characters, got {len(value)}",
        )
    bad = _forbidden_char(value)
    if bad is not None:
        raise RuleError(
            field,
            f"含有不允许的字符 U+{ord(bad):04X}（控制字符、表情符号或未分配字符）",
            f"contains a disallowed character U+{ord(bad):04X} (control, symbol/emoji or "
            "unassigned)",
        )
    return value


def check_name_en(name_en: str | None) -> str | None:
    """An English or pinyin name: ASCII letters, digits, spaces and ``'-./()``, 1–200."""
    if name_en is None:
        return None
    value = name_en.strip()
    if not value:
        raise RuleError("name_en", "不能为空字符串", "must not be empty (omit it instead)")
    if len(value) > NAME_EN_MAX:
        raise RuleError(
            "name_en",
            f"不能超过 {NAME_EN_MAX} 个字符",
            f"must be at most {NAME_EN_MAX} characters, got {len(value)}",
        )
    if not NAME_EN_RE.match(value):
        raise RuleError(
            "name_en",
            "只能包含英文字母、数字、空格和 '-./()",
            "only ASCII letters, digits, spaces and '-./() are allowed",
        )
    return value


def check_kind(kind: str | None) -> str | None:
    """A free-text kind such as 街道, 镇, 社区 or 村: 1–32 characters, no control chars or emoji."""
    if kind is None:
        return None
    value = check_name(kind, field="kind")
    if len(value) > KIND_MAX:
        raise RuleError(
            "kind", f"不能超过 {KIND_MAX} 个字符", f"must be at most {KIND_MAX} characters"
        )
    return value


def significant_prefix(code: str) -> str:
    """The part of a division code that every code below it starts with.

    A 6-digit code drops trailing ``00`` pairs (430100 → 4301, 430000 → 43); 9- and 12-digit
    codes are significant in full.
    """
    if len(code) != 6:
        return code
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def check_division_code(code: str | None, parent_code: str | None = None) -> str | None:
    """Digits only, 6, 9 or 12 long, and inside the parent's code when the parent has one."""
    if code is None:
        return None
    if not (code.isascii() and code.isdigit()) or len(code) not in DIVISION_CODE_LENGTHS:
        raise RuleError(
            "division_code",
            "须为 6、9 或 12 位数字",
            f"must be 6, 9 or 12 digits, got {code!r}",
        )
    if parent_code is not None:
        prefix = significant_prefix(parent_code)
        if code == parent_code or not code.startswith(prefix):
            raise RuleError(
                "division_code",
                f"须以上级区划代码的前缀 {prefix} 开头",
                f"must start with the parent's code prefix {prefix}, got {code}",
            )
    return code


def check_division_year(year: int | None) -> int | None:
    """The data year a division code comes from: 1980–2100."""
    if year is None:
        return None
    if isinstance(year, bool) or not DIVISION_YEAR_MIN <= year <= DIVISION_YEAR_MAX:
        raise RuleError(
            "division_year",
            f"须在 {DIVISION_YEAR_MIN}–{DIVISION_YEAR_MAX} 之间",
            f"must be between {DIVISION_YEAR_MIN} and {DIVISION_YEAR_MAX}, got {year}",
        )
    return year


def check_level(settings: Settings, level: str, parent_level: str | None = None) -> str:
    """A configured level, strictly below the parent's level when there is a parent."""
    if level not in settings.tenant_levels:
        raise RuleError(
            "level",
            f"未知层级，可选：{'、'.join(settings.tenant_levels)}",
            f"unknown level {level!r}; expected one of {', '.join(settings.tenant_levels)}",
        )
    if parent_level is not None and settings.level_rank(level) <= settings.level_rank(parent_level):
        raise RuleError(
            "level",
            f"须低于上级的层级（{parent_level}）",
            f"{level} is not below the parent's level {parent_level}",
        )
    return level


def check_level_above(settings: Settings, level: str, child_levels: set[str]) -> None:
    """Changing a tenant's level must keep it strictly above every child's level."""
    for child_level in sorted(child_levels):
        if settings.level_rank(child_level) <= settings.level_rank(level):
            raise RuleError(
                "level",
                f"须高于下级的层级（{child_level}）",
                f"{level} is not above a child's level {child_level}",
            )


def level_below(settings: Settings, parent_level: str) -> str:
    """The level directly below ``parent_level``: the default level of a new child."""
    rank = settings.level_rank(parent_level)
    if rank + 1 >= len(settings.tenant_levels):
        raise RuleError(
            "level",
            f"{parent_level} 是最低层级，不能再有下级",
            f"{parent_level} is the lowest level and cannot have children",
        )
    return settings.tenant_levels[rank + 1]


def check_status(status: str) -> str:
    if status not in TENANT_STATUSES:
        raise RuleError(
            "status",
            f"未知状态，可选：{'、'.join(TENANT_STATUSES)}",
            f"unknown status {status!r}; expected one of {', '.join(TENANT_STATUSES)}",
        )
    return status


def check_status_transition(current: str, new: str) -> str:
    """``new`` may follow ``current`` (staying the same is always allowed)."""
    check_status(new)
    if new != current and new not in STATUS_TRANSITIONS[current]:
        raise RuleError(
            "status",
            f"不能从 {current} 变为 {new}",
            f"cannot change from {current} to {new}",
        )
    return new


def check_not_cycle(moved_path: str, new_parent_path: str) -> None:
    """A tenant cannot move under itself or one of its descendants."""
    if new_parent_path.startswith(moved_path):
        raise RuleError(
            "parent",
            "不能移动到自身或其下级之下",
            "cannot move a tenant under itself or one of its descendants",
        )
