"""Counters the reliability tests add to and the run prints at its end (``pytest_terminal_summary``
in conftest.py): cases tried, writes checked, crashes survived."""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()


def count(name: str, n: int = 1) -> None:
    FIGURES[name] += n
