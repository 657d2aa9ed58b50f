"""The pure rules: tranche amounts in integer fen, weighted totals, ranking with ties."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from plugins.funding import rules
from plugins.funding.money import yuan

CRITERIA = [{"key": "need", "weight": 30}, {"key": "design", "weight": 70}]


def test_tranches_put_the_rounding_remainder_on_the_last() -> None:
    assert rules.tranche_amounts(100_001, [40, 40, 20]) == [40_000, 40_000, 20_001]
    assert rules.tranche_amounts(1, [40, 40, 20]) == [0, 0, 1]
    assert rules.tranche_amounts(99_999, [33, 33, 34]) == [32_999, 32_999, 34_001]
    assert sum(rules.tranche_amounts(12_345_67, [30, 30, 40])) == 12_345_67
    with pytest.raises(rules.RuleError):
        rules.tranche_amounts(100, [50, 40])


def test_a_plan_starts_on_agreement_and_follows_the_lifecycle() -> None:
    rules.check_tranche_plan([{"percent": 60, "trigger": "agreement"},
                              {"percent": 40, "trigger": "closing"}])  # fmt: skip
    for bad in (
        [{"percent": 100, "trigger": "midterm"}],
        [{"percent": 50, "trigger": "agreement"}, {"percent": 40, "trigger": "closing"}],
        [{"percent": 50, "trigger": "agreement"}, {"percent": 20, "trigger": "closing"},
         {"percent": 30, "trigger": "midterm"}],
    ):  # fmt: skip
        with pytest.raises(rules.RuleError):
            rules.check_tranche_plan(bad)


def test_weighted_totals_are_integers_of_hundredths() -> None:
    assert rules.weighted_total(CRITERIA, {"need": 81, "design": 77}) == 81 * 30 + 77 * 70
    with pytest.raises(rules.RuleError):
        rules.weighted_total(CRITERIA, {"need": 81})
    with pytest.raises(rules.RuleError):
        rules.weighted_total(CRITERIA, {"need": 81, "design": 1, "extra": 3})
    assert rules.points(Fraction(7835, 1)) == Decimal("78.35")
    assert rules.points(Fraction(15671, 2)) == Decimal("78.36")  # 78.355 rounds half up


def test_ranking_shares_ranks_between_exact_ties_and_lists_unscored_last() -> None:
    ranked = rules.rank({"a": [8000, 7000], "b": [7500], "c": [9000], "d": [], "e": [7499, 7501]})
    assert [(r.key, r.rank, r.tied) for r in ranked] == [
        ("c", 1, False),
        ("a", 2, True),
        ("b", 2, True),
        ("e", 2, True),
        ("d", None, False),
    ]
    close = rules.rank({"x": [7501, 7500], "y": [7500, 7500]})
    assert [(r.key, r.rank, r.tied) for r in close] == [("x", 1, False), ("y", 2, False)]


def test_fen_are_shown_as_yuan_text_without_floats() -> None:
    assert [yuan(f) for f in (0, 5, 123456, -5, 20_650_000_00)] == [
        "0.00", "0.05", "1234.56", "-0.05", "20650000.00"
    ]  # fmt: skip


def test_no_float_appears_anywhere_in_the_module() -> None:
    """Amounts and scores never pass through a float: no float literal, no ``float`` name, no
    true division (a path's ``/`` aside) in the module's source (integers, ``Fraction`` and ``Decimal`` only)."""
    import ast
    from pathlib import Path

    import plugins.funding

    found = []
    for path in Path(plugins.funding.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                (isinstance(node, ast.Constant) and isinstance(node.value, float))
                or (isinstance(node, ast.Name) and node.id == "float")
                or (
                    isinstance(node, ast.BinOp)
                    and isinstance(node.op, ast.Div)
                    and not any(
                        isinstance(side, ast.Constant) and isinstance(side.value, str)
                        for side in (node.left, node.right)
                    )
                )
            ):
                found.append(f"{path.name}:{getattr(node, 'lineno', '?')}")
    assert found == []
