"""Who is calling: the :class:`Principal` the authentication middleware puts in the scope, and
the :class:`Caller` that handlers receive as the ``caller`` dependency."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import NamedTuple


class Grant(NamedTuple):
    """A role held at a tenant: ``(tenant_id, tenant_path, role)``; path None means global."""

    tenant_id: uuid.UUID | None
    tenant_path: str | None
    role: str


@dataclass(frozen=True, slots=True)
class ApiScope:
    """What an API token is limited to: one tenant's subtree and a set of permissions."""

    token_id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_path: str
    permissions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller, loaded fresh from the database (cached at most briefly).

    ``grants`` are the caller's memberships; ``api_scope`` is set when the caller used an API
    token, ``session_id`` when they used an access token from a login.
    ``password_change_required``: the user logged in with a password an administrator gave them
    and has not set their own yet (the access check then refuses every tenant route).
    """

    user_id: uuid.UUID
    username: str
    display_name: str
    grants: tuple[Grant, ...]
    api_scope: ApiScope | None = None
    session_id: uuid.UUID | None = None
    password_change_required: bool = False


@dataclass(frozen=True, slots=True)
class Caller:
    """The person behind a request, as a module needs them: to record who did something.

    A handler takes ``caller: Caller`` and always gets a signed-in user (a token's user
    included): an anonymous request is answered 401 before the handler runs, and on a tenant
    route it never got past the access check anyway. ``id`` is the user's id (stable across
    renames), ``name`` their display name, ``username`` their login name.
    """

    id: uuid.UUID
    name: str
    username: str

    @classmethod
    def of(cls, principal: Principal) -> Caller:
        return cls(id=principal.user_id, name=principal.display_name, username=principal.username)
