"""Password hashing with argon2id, its cost taken from settings.

Hashing runs in a worker thread so a login does not stall the event loop. Passwords longer than
:data:`MAX_PASSWORD_LENGTH` are refused before any hashing (a 1 MB password must not cost a
second of CPU); :func:`check_password_rules` says why a new password is refused.
:func:`one_time_password` makes the password an administrator hands to a user, who must replace
it at their next login (:class:`PasswordChangeRequired` until they do).
"""

from __future__ import annotations

import secrets

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import Invalid, Problem
from core.settings import Settings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
ONE_TIME_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits a person reads aloud or types from paper without confusing them
(no 0/O, 1/l/I)."""
ONE_TIME_LENGTH = 16


class PasswordChangeRequired(Problem):
    """A login that must first replace the password an administrator gave (403)."""

    status = 403
    code = "password-change-required"

    def __init__(self) -> None:
        super().__init__(
            "请先修改管理员设置的密码",
            title_en="Change the password an administrator set before going on",
            detail="POST /api/v1/me/password",
        )


def hasher_for(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost,
        parallelism=settings.argon2_parallelism,
    )


def check_password_length(password: str, field: str = "password") -> None:
    """Raise 422 for a password over the maximum length (checked before hashing)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(
            field,
            f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符",
            message_en=f"at most {MAX_PASSWORD_LENGTH} characters",
        )


def check_password_rules(password: str, field: str = "password") -> None:
    """Raise 422 unless ``password`` is acceptable as a new password (``field`` names it)."""
    check_password_length(password, field)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            field,
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符",
            message_en=f"at least {MIN_PASSWORD_LENGTH} characters",
        )


def one_time_password() -> str:
    """A random password of :data:`ONE_TIME_LENGTH` characters (about 93 bits), for an
    administrator to hand over once."""
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))


def hash_password_sync(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    return await anyio.to_thread.run_sync(hasher.hash, password)


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(hasher: PasswordHasher, stored: str | None, password: str) -> bool:
    """True if ``password`` matches ``stored``. With no stored hash, a dummy hash is verified
    anyway so an unknown user takes as long to refuse as a wrong password."""
    target = stored if stored is not None else _dummy_hash(hasher)
    ok = await anyio.to_thread.run_sync(_verify, hasher, target, password)
    return ok and stored is not None


_DUMMIES: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMIES:
        _DUMMIES[key] = hasher.hash("gongzhi-dummy-password")
    return _DUMMIES[key]
