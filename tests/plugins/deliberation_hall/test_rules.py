"""The session rules and vote counting as pure functions: every rule, every method, ties,
blocks and failed quorum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugins.deliberation_hall import rules, states
from plugins.deliberation_hall.manifest import MANIFEST

STARTS = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
HEARING = rules.session_rules(MANIFEST.settings, "hearing")
MEETING = rules.session_rules(MANIFEST.settings, "meeting")


def hearing(**changes: object) -> rules.SessionFacts:
    facts: dict[str, object] = {
        "kind": "hearing",
        "starts_at": STARTS,
        "notice_published_at": STARTS - timedelta(days=30),
        "representatives_published_at": STARTS - timedelta(days=15),
        "representatives": 15,
        "stakeholders": 5,
        "present": 10,
        **changes,
    }
    return rules.SessionFacts(**facts)  # type: ignore[arg-type]


def codes(facts: rules.SessionFacts, effective: dict[str, object] = HEARING) -> list[str]:
    return [b.code for b in rules.session_breaches(facts, effective)]


def test_the_defaults_are_the_public_hearing_rules() -> None:
    assert HEARING == {
        "notice_days": 30,
        "list_days": 15,
        "min_representatives": 15,
        "stakeholder_share": (1, 3),
        "quorum": (2, 3),
    }
    assert MEETING["quorum"] == (2, 3)
    assert MEETING["list_days"] == 0


def test_a_hearing_exactly_at_every_limit_breaks_no_rule() -> None:
    assert codes(hearing()) == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"notice_published_at": None}, "notice-missing"),
        ({"notice_published_at": STARTS - timedelta(days=29, hours=23)}, "notice-late"),
        ({"representatives_published_at": None}, "list-missing"),
        ({"representatives_published_at": STARTS - timedelta(days=14)}, "list-late"),
        ({"representatives": 14, "stakeholders": 5, "present": 10}, "too-few-representatives"),
        ({"stakeholders": 4}, "too-few-stakeholders"),
        ({"present": 9}, "no-quorum"),
    ],
)
def test_each_hearing_rule_is_reported_on_its_own(changes: dict[str, object], code: str) -> None:
    assert codes(hearing(**changes)) == [code]


def test_every_breach_is_listed_with_both_languages() -> None:
    breaches = rules.session_breaches(
        hearing(notice_published_at=None, representatives=3, stakeholders=0, present=1), HEARING
    )
    assert [b.code for b in breaches] == [
        "notice-missing",
        "too-few-representatives",
        "too-few-stakeholders",
        "no-quorum",
    ]
    assert all(b.message and b.message_en and b.message != b.message_en for b in breaches)


def test_a_meeting_needs_no_list_and_no_stakeholders_by_default() -> None:
    facts = hearing(
        kind="meeting",
        notice_published_at=STARTS - timedelta(days=7),
        representatives_published_at=None,
        representatives=5,
        stakeholders=0,
        present=4,
    )
    assert codes(facts, MEETING) == []
    assert codes(hearing(kind="meeting", representatives=5, present=3), MEETING) == ["no-quorum"]


def test_settings_change_the_rules() -> None:
    strict = rules.session_rules(
        {**MANIFEST.settings, "meeting_quorum": [3, 4], "meeting_min_representatives": 8}, "meeting"
    )
    facts = hearing(kind="meeting", representatives=6, present=4)
    assert codes(facts, strict) == ["too-few-representatives", "no-quorum"]


Q = (2, 3)


@pytest.mark.parametrize(
    ("method", "choices", "present", "outcome"),
    [
        ("majority", {"yes": 5, "no": 4}, 9, "passed"),
        ("majority", {"yes": 5, "no": 3, "abstain": 2}, 10, "failed"),
        ("majority", {"yes": 4, "no": 4, "abstain": 1}, 9, "tie"),
        ("majority", {"yes": 4, "no": 4}, 8, "tie"),
        ("majority", {"yes": 3, "no": 1}, 9, "failed"),
        ("two_thirds", {"yes": 6, "no": 3}, 9, "passed"),
        ("two_thirds", {"yes": 5, "no": 4}, 9, "failed"),
        ("two_thirds", {"yes": 3, "no": 3, "abstain": 3}, 9, "tie"),
        ("consent", {"agree": 8, "block": 1}, 9, "blocked"),
        ("consent", {"agree": 5, "disagree": 2, "abstain": 2}, 9, "passed"),
        ("consent", {"agree": 3, "disagree": 3, "abstain": 3}, 9, "tie"),
        ("consent", {"agree": 2, "disagree": 4, "abstain": 3}, 9, "failed"),
    ],
)
def test_each_method_counts_against_those_present(
    method: str, choices: dict[str, int], present: int, outcome: str
) -> None:
    flat = [c for c, n in choices.items() for _ in range(n)]
    result = rules.tally(method, flat, present, 12, Q)
    assert result.outcome == outcome
    assert sum(result.counts.values()) == len(flat)
    assert set(result.counts) == set(rules.METHOD_CHOICES[method])


def test_failed_quorum_is_reported_whatever_the_ballots_say() -> None:
    assert rules.tally("majority", ["yes"] * 7, 7, 12, Q).outcome == "no_quorum"
    assert rules.tally("consent", [], 0, 0, Q).outcome == "no_quorum"
    assert rules.tally("majority", ["yes"] * 8, 8, 12, Q).outcome == "passed"


def test_the_transition_table_reaches_every_state_from_collected() -> None:
    seen, todo = set(), ["collected"]
    while todo:
        state = todo.pop()
        if state not in seen:
            seen.add(state)
            todo.extend(states.allowed_next(state))
    assert seen == set(states.TRANSITIONS) == set(states.TITLES)
    assert states.allowed_next("closed") == ()


def test_a_hearing_summary_is_due_seven_working_days_after_it() -> None:
    """Working days are Monday to Friday, less the tenant's holidays, plus the weekend days
    worked in their place; the hearing's own day (China's time) is not counted."""
    thursday = datetime(2026, 9, 24, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    plain = rules.summary_due_at(thursday, MANIFEST.settings)
    assert rules.summary_due_on(plain).isoformat() == "2026-10-05"
    assert plain == datetime(2026, 10, 5, 16, 0, tzinfo=UTC), "midnight ending the day, Shanghai"
    national_day = {
        **MANIFEST.settings,
        "holidays": [f"2026-10-0{d}" for d in range(1, 9)],
        "make_up_working_days": ["2026-09-27", "2026-10-10", "not a date"],
    }
    due = rules.summary_due_at(thursday, national_day)
    assert rules.summary_due_on(due).isoformat() == "2026-10-10"
    late_evening = datetime(2026, 9, 24, 17, 0, tzinfo=UTC)  # already Friday in Shanghai
    assert rules.summary_due_on(
        rules.summary_due_at(late_evening, MANIFEST.settings)
    ).isoformat() == ("2026-10-06")
    shorter = {**MANIFEST.settings, "hearing_summary_working_days": 1}
    assert rules.summary_due_on(rules.summary_due_at(thursday, shorter)).isoformat() == "2026-09-25"
