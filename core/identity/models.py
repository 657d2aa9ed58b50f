"""The identity tables: users, memberships, login sessions (refresh tokens) and API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from core.orm import Base, JSONType, Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow

USER_STATUSES = ("active", "disabled")


class User(UUIDPrimaryKey, Timestamps, Base):
    """One account per person across the whole platform.

    A volunteer serving two communities is one user with two memberships. ``password_hash`` is
    an argon2id hash, or None for an account that cannot log in with a password yet.
    ``password_change_required`` is set when an administrator gave the password (a one-time
    password, or one they chose): until the user sets their own, their login sessions may
    only change it, log out and read ``/me``.
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("status IN ('active', 'disabled')", name="status_valid"),)

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16), default="active")
    password_change_required: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class Membership(UUIDPrimaryKey, Timestamps, Base):
    """A role held by a user at a tenant; it applies to that tenant and its whole subtree.

    ``tenant_id`` is NULL only for a global ``platform_admin`` membership (the first
    administrator exists before any tenant does); a check constraint enforces that.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(
            "role IN ('platform_admin', 'admin', 'staff', 'member')", name="role_valid"
        ),
        CheckConstraint(
            "tenant_id IS NOT NULL OR role = 'platform_admin'", name="global_only_platform_admin"
        ),
        UniqueConstraint("tenant_id", "user_id", "role"),
    )

    tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))


class LoginSession(UUIDPrimaryKey, Base):
    """One refresh token of a login session; the rows of one session share ``session_id``.

    Each refresh uses the current row (``used_at`` set) and adds its successor. Presenting a used
    token again means it was copied: the whole session is revoked. The access tokens of a session
    carry ``session_id`` as ``sid`` and stop working when it is revoked.
    """

    __tablename__ = "login_sessions"
    __table_args__ = (Index("ix_login_sessions_session_id", "session_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_address: Mapped[str | None] = mapped_column(String(64))


class ApiToken(UUIDPrimaryKey, Base):
    """A bearer token for an integration, limited to one tenant's subtree and some permissions.

    It acts for the user who created it and never beyond what that user still holds: revoking
    the creator's membership or disabling the creator also stops the token.
    """

    __tablename__ = "api_tokens"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    permissions: Mapped[list[Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
