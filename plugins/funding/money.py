"""Fen shown as yuan text, by integer arithmetic (no float ever carries an amount)."""

from __future__ import annotations


def yuan(fen: int) -> str:
    """``123456`` → ``"1234.56"``; ``-5`` → ``"-0.05"``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
