"""Access tokens (signed JWTs), refresh tokens and API tokens.

Access tokens are HS256 JWTs with issuer, audience, subject (user id), ``sid`` (login session)
and expiry, all checked on decode. Refresh and API tokens are random strings; only their
SHA-256 is stored, so a database leak does not leak usable tokens.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import jwt

from core.settings import Settings

API_TOKEN_PREFIX = "gz_"


class InvalidToken(Exception):
    """The token is expired, altered, for another audience or issuer, or malformed."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def issue_access_token(
    settings: Settings, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime | None = None
) -> str:
    issued = now or datetime.now(UTC)
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(seconds=settings.access_token_ttl)).timestamp()),
    }
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


def decode_access_token(settings: Settings, token: str) -> tuple[uuid.UUID, uuid.UUID]:
    """The (user id, session id) of a valid access token; :class:`InvalidToken` otherwise."""
    user_id, session_id, _expires = decode_access_token_expiry(settings, token)
    return user_id, session_id


def decode_access_token_expiry(
    settings: Settings, token: str
) -> tuple[uuid.UUID, uuid.UUID, float]:
    """Like :func:`decode_access_token`, with the token's expiry (seconds since the epoch)."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=["HS256"],
            audience=settings.audience,
            issuer=settings.issuer,
            options={"require": ["exp", "iss", "aud", "sub", "sid"]},
        )
        return (
            uuid.UUID(str(claims["sub"])),
            uuid.UUID(str(claims["sid"])),
            float(claims["exp"]),
        )
    except (jwt.PyJWTError, ValueError) as exc:
        raise InvalidToken(str(exc)) from exc
