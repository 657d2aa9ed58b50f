from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.five_sector import rules

# Computed by hand from GB 32100 and checked against published codes.
VALID = [
    "53100000500021676K",  # 中国红十字基金会 (published)
    "91350100M000100Y43",  # GB 32100 example
    "51430112MJ0000018X",  # a social group in 望城区, built from its parts
]


@pytest.mark.parametrize("code", VALID)
def test_valid_uscc_is_accepted(code: str) -> None:
    assert rules.validate_uscc(code.lower()) == code


def test_wrong_organisation_code_check_char_17_is_rejected() -> None:
    code = "53100000500021676K"
    bad17 = code[:16] + "5" + code[17]
    with pytest.raises(rules.RuleError, match="char 17"):
        rules.validate_uscc(bad17)


def test_wrong_check_char_18_is_rejected() -> None:
    for replacement in rules.USCC_CHARSET:
        if replacement == "K":
            continue
        with pytest.raises(rules.RuleError, match="char 18"):
            rules.validate_uscc("53100000500021676" + replacement)


@pytest.mark.parametrize(
    ("code", "message"),
    [("5310000050002167", "18 characters"), ("53100000500021676I", "cannot contain")],
)
def test_malformed_uscc_is_rejected(code: str, message: str) -> None:
    with pytest.raises(rules.RuleError, match=message):
        rules.validate_uscc(code)


def test_org_code_check_maps_10_to_x_and_11_to_0() -> None:
    assert rules.org_code_check("MJ000001") == "8"
    assert rules.org_code_check("00000000") == "0"
    assert rules.org_code_check("00000001") == "9"
    assert any(rules.org_code_check(f"0000{n:04d}") == "X" for n in range(100))


body_chars = st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXY")
valid_codes = st.builds(
    rules.make_uscc,
    st.sampled_from("159Y"),
    st.sampled_from("1239"),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(body_chars, min_size=8, max_size=8),
)


@given(valid_codes)
def test_built_codes_are_valid(code: str) -> None:
    assert rules.validate_uscc(code) == code


@given(valid_codes, st.integers(0, 17), st.sampled_from(rules.USCC_CHARSET))
def test_any_single_character_change_is_rejected(code: str, position: int, new: str) -> None:
    if code[position] == new:
        return
    changed = code[:position] + new + code[position + 1 :]
    with pytest.raises(rules.RuleError):
        rules.validate_uscc(changed)


@pytest.mark.parametrize(
    ("hours", "minutes"), [("1.5", 90), (24, 1440), ("0.25", 15), (Decimal("2.50"), 150)]
)
def test_hours_become_minutes(hours: str | int | Decimal, minutes: int) -> None:
    assert rules.hours_to_minutes(hours) == minutes


@pytest.mark.parametrize("hours", ["0", "-1", "24.01", "25", "1.255", "0.01", "abc", "NaN"])
def test_bad_hours_are_rejected(hours: str) -> None:
    with pytest.raises(rules.RuleError):
        rules.hours_to_minutes(hours)


@pytest.mark.parametrize(
    ("hours", "stars"), [(0, 0), (99.5, 0), (100, 1), (299, 1), (300, 2), (1000, 4), (1500, 5)]
)
def test_star_level_follows_thresholds(hours: float, stars: int) -> None:
    minutes = int(hours * 60)
    assert rules.star_level(minutes, [100, 300, 600, 1000, 1500]) == stars


def test_star_thresholds_are_a_setting() -> None:
    assert rules.star_level(50 * 60, [50, 80]) == 1


def test_filing_is_valid_three_years_and_leap_day_falls_back() -> None:
    assert rules.filing_expires_on(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert rules.filing_expires_on(date(2024, 3, 1), 3) == date(2027, 3, 1)


def test_filing_expiring_within_warning_days() -> None:
    today = date(2026, 11, 27)
    assert rules.filing_expiring(date(2026, 12, 27), today, 30)
    assert not rules.filing_expiring(date(2026, 12, 28), today, 30)
    assert rules.filing_expiring(date(2026, 1, 1), today, 30)


def test_rating_needs_two_full_years_and_lasts_five() -> None:
    assert rules.rating_eligible(date(2022, 5, 1), date(2024, 5, 1))
    assert not rules.rating_eligible(date(2022, 5, 2), date(2024, 5, 1))
    assert rules.rating_valid_until(date(2024, 5, 1), 5) == date(2029, 5, 1)
