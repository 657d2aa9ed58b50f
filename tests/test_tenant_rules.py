"""The tenant rules as pure functions: every rule and bad input, without a database."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.settings import Settings
from core.tenancy import rules
from core.tenancy.rules import RuleError

SETTINGS = Settings(secret_key="x" * 40)
DEEP = Settings(secret_key="x" * 40, tenant_levels=("province", "city", "district", "town"))


@pytest.mark.parametrize("slug", ["wangcheng", "gaotangling", "jinshanqiao-shequ", "a1", "x-2-y"])
def test_good_slugs_pass(slug: str) -> None:
    assert rules.check_slug(slug) == slug


@pytest.mark.parametrize(
    "slug",
    ["a", "x" * 64, "Wangcheng", "wang_cheng", "-wang", "wang-", "wang--cheng", "望城", "430112"],
)
def test_bad_slugs_name_the_slug_field(slug: str) -> None:
    with pytest.raises(RuleError) as exc:
        rules.check_slug(slug)
    assert exc.value.field == "slug"
    assert exc.value.status == 422


@given(st.from_regex(rules.SLUG_RE, fullmatch=True).filter(lambda s: 2 <= len(s) <= 63))
def test_every_slug_of_the_pattern_passes_unless_all_digits(slug: str) -> None:
    if slug.isdigit():
        with pytest.raises(RuleError):
            rules.check_slug(slug)
    else:
        assert rules.check_slug(slug) == slug


def test_names_are_stripped_and_kept() -> None:
    assert rules.check_name("  高塘岭街道 ") == "高塘岭街道"
    assert rules.check_name("中" * 100) == "中" * 100


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("中" * 101, "at most 100"),
        ("x" * 10_000, "at most 100"),
        ("望城区😀", "U+1F600"),
        ("望城\u0007区", "U+0007"),
        ("望城\u200b区", "U+200B"),
        ("望城\ue000区", "U+E000"),
        ("望城👍🏽区", "U+1F44D"),
    ],
)
def test_bad_names_are_refused_with_the_reason(name: str, fragment: str) -> None:
    with pytest.raises(RuleError) as exc:
        rules.check_name(name)
    assert exc.value.field == "name"
    assert fragment in exc.value.message_en


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=100
    )
)
def test_any_chinese_name_up_to_100_characters_passes(name: str) -> None:
    assert rules.check_name(name) == name


@given(st.text(min_size=1, max_size=120))
def test_an_accepted_name_never_holds_a_forbidden_character(name: str) -> None:
    try:
        value = rules.check_name(name)
    except RuleError:
        return
    assert 1 <= len(value) <= 100
    assert all(unicodedata.category(c) not in rules.FORBIDDEN_CATEGORIES for c in value)


def test_name_en_allows_pinyin_and_refuses_other_scripts() -> None:
    assert rules.check_name_en("Tian'etang Shequ") == "Tian'etang Shequ"
    assert rules.check_name_en(None) is None
    for bad in ("望城", "", "a" * 201, "Wang\ncheng"):
        with pytest.raises(RuleError) as exc:
            rules.check_name_en(bad)
        assert exc.value.field == "name_en"


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("430112", "430112"), ("430100", "4301"), ("430000", "43"), ("430112001", "430112001")],
)
def test_significant_prefix_drops_trailing_zero_pairs_of_six_digit_codes(
    code: str, prefix: str
) -> None:
    assert rules.significant_prefix(code) == prefix


@given(st.from_regex(r"[1-9][0-9]{5}", fullmatch=True))
def test_a_six_digit_code_starts_with_its_significant_prefix(code: str) -> None:
    prefix = rules.significant_prefix(code)
    assert code.startswith(prefix)
    assert len(prefix) % 2 == 0
    assert len(prefix) >= 2


@pytest.mark.parametrize("code", ["430112", "430112001", "430112001001"])
def test_codes_of_6_9_or_12_digits_pass(code: str) -> None:
    assert rules.check_division_code(code) == code


@pytest.mark.parametrize(
    "code", ["43011", "4301120", "43011200a", "４３０１１２", "", "4301120011"]
)
def test_malformed_codes_are_refused(code: str) -> None:
    with pytest.raises(RuleError) as exc:
        rules.check_division_code(code)
    assert exc.value.field == "division_code"


def test_a_child_code_must_lie_inside_the_parents_code() -> None:
    assert rules.check_division_code("430112001", "430112") == "430112001"
    assert rules.check_division_code("430112", "430100") == "430112"
    with pytest.raises(RuleError, match="prefix 430112"):
        rules.check_division_code("430105001", "430112")
    with pytest.raises(RuleError):
        rules.check_division_code("430112", "430112")


def test_division_year_range() -> None:
    assert rules.check_division_year(2023) == 2023
    for bad in (1979, 2101):
        with pytest.raises(RuleError):
            rules.check_division_year(bad)


def test_a_childs_level_must_be_strictly_below_its_parents() -> None:
    assert rules.check_level(SETTINGS, "town", "district") == "town"
    assert rules.check_level(SETTINGS, "community", "district") == "community"
    for level, parent in (("town", "town"), ("district", "town"), ("province", None)):
        with pytest.raises(RuleError) as exc:
            rules.check_level(SETTINGS, level, parent)
        assert exc.value.field == "level"


def test_deeper_configured_trees_fit_without_code_changes() -> None:
    assert rules.check_level(DEEP, "city", "province") == "city"
    assert rules.level_below(DEEP, "city") == "district"
    with pytest.raises(RuleError):
        rules.level_below(DEEP, "town")


def test_level_change_must_stay_above_children() -> None:
    rules.check_level_above(SETTINGS, "district", {"town"})
    with pytest.raises(RuleError):
        rules.check_level_above(SETTINGS, "town", {"town"})


def test_status_transitions() -> None:
    assert rules.check_status_transition("active", "suspended") == "suspended"
    assert rules.check_status_transition("suspended", "active") == "active"
    assert rules.check_status_transition("archived", "active") == "active"
    with pytest.raises(RuleError):
        rules.check_status_transition("archived", "suspended")
    with pytest.raises(RuleError):
        rules.check_status_transition("active", "deleted")


def test_moving_under_itself_or_a_descendant_is_a_cycle() -> None:
    rules.check_not_cycle("/a/b/", "/a/c/")
    for target in ("/a/b/", "/a/b/c/"):
        with pytest.raises(RuleError) as exc:
            rules.check_not_cycle("/a/b/", target)
        assert exc.value.field == "parent"
