"""Request and response bodies of the identity API.

Input structs forbid unknown fields. Their types state the rules the service enforces (the
username pattern, password lengths, the roles, an API token's name and lifetime), so the OpenAPI
document publishes them; the service keeps its own checks and messages.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from core.identity.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from core.identity.service import USERNAME_RE

Role = Literal["platform_admin", "admin", "staff", "member"]
"""The built-in roles (:data:`core.identity.permissions.ROLES`), most powerful first."""
UserStatus = Literal["active", "disabled"]
Username = Annotated[
    str,
    Meta(
        pattern=USERNAME_RE.pattern,
        description="2 至 64 个字母、数字或 _.@- 字符 / 2 to 64 letters, digits or _.@- characters",
    ),
]
NewPassword = Annotated[str, Meta(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]
TOKEN_NAME_MAX = 100
MIN_TOKEN_LIFETIME = 60


class LoginData(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: Annotated[str, Meta(max_length=MAX_PASSWORD_LENGTH)]


class RefreshData(msgspec.Struct, forbid_unknown_fields=True):
    refresh_token: str


class MemberData(msgspec.Struct, forbid_unknown_fields=True):
    """A membership to add; the user is created when ``username`` is new (then ``password``, if
    given, is theirs)."""

    username: Username
    role: Role
    display_name: str | None = None
    password: NewPassword | None = None


class MemberRoleData(msgspec.Struct, forbid_unknown_fields=True):
    """The role a membership is to hold instead of its current one."""

    role: Role


class PasswordChangeData(msgspec.Struct, forbid_unknown_fields=True):
    """The caller's current password and the one to replace it."""

    current_password: Annotated[str, Meta(max_length=MAX_PASSWORD_LENGTH)]
    new_password: NewPassword


class PasswordResetData(msgspec.Struct, forbid_unknown_fields=True):
    """An administrator's reset of a member's password: ``password`` as given, or (absent) a
    generated one-time password shown once. ``require_change`` (default true; always true for a
    one-time password) makes the user replace it at their next login."""

    password: NewPassword | None = None
    require_change: bool = True


class ApiTokenData(msgspec.Struct, forbid_unknown_fields=True):
    """An API token delegating some of the caller's permissions here, for ``expires_in``
    seconds (no expiry when absent)."""

    name: Annotated[str, Meta(min_length=1, max_length=TOKEN_NAME_MAX)]
    permissions: Annotated[list[str], Meta(min_length=1)]
    expires_in: Annotated[int, Meta(ge=MIN_TOKEN_LIFETIME)] | None = None


class TokenPairOut(msgspec.Struct, kw_only=True):
    """A short-lived access token and the refresh token that renews it (``expires_in`` is the
    access token's lifetime in seconds)."""

    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    password_change_required: bool = False


class TenantRef(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    slug: str
    name: str
    level: str


class MyMembership(msgspec.Struct, kw_only=True):
    """One of the caller's memberships; ``tenant`` is None for a platform-wide role."""

    id: uuid.UUID
    role: Role
    tenant: TenantRef | None


class MeOut(msgspec.Struct, kw_only=True):
    """The caller and every membership they hold."""

    id: uuid.UUID
    username: str
    display_name: str
    phone: str | None
    email: str | None
    status: UserStatus
    password_change_required: bool
    memberships: list[MyMembership]


class UserRef(msgspec.Struct, kw_only=True):
    """A user as a membership shows them: ``status`` (a disabled user cannot log in) and
    whether they must still replace a password an administrator gave."""

    id: uuid.UUID
    username: str
    display_name: str
    status: UserStatus
    password_change_required: bool


class MemberOut(msgspec.Struct, kw_only=True):
    """A membership held at a tenant, with its user."""

    id: uuid.UUID
    role: Role
    tenant_id: uuid.UUID
    user: UserRef
    created_at: datetime


class MemberCreated(MemberOut, kw_only=True):
    """A new membership; ``one_time_password`` is set, this once, when the user was created
    without a password: hand it to them, they replace it at their first login."""

    one_time_password: str | None


class PasswordResetOut(msgspec.Struct, kw_only=True):
    """A reset password: ``one_time_password`` is the generated password, shown this once (None
    when the administrator gave one)."""

    membership_id: uuid.UUID
    user: UserRef
    one_time_password: str | None
    password_change_required: bool


class ApiTokenOut(msgspec.Struct, kw_only=True):
    """An API token as listed (its secret is never shown again)."""

    id: uuid.UUID
    name: str
    permissions: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked: bool


class ApiTokenCreated(msgspec.Struct, kw_only=True):
    """A new API token with its secret ``token``, shown this once."""

    id: uuid.UUID
    name: str
    token: str
    permissions: list[str]
    tenant_id: uuid.UUID
    expires_at: datetime | None
