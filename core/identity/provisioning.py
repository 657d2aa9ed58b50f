"""The ``users:`` section of tenant YAML files: demo and initial accounts per tenant.

```yaml
- slug: gaotangling
  users:
    - {username: gtl-admin, display_name: 高塘岭街道管理员, role: admin}
```

Each entry creates the user if missing and gives them ``role`` at the node's tenant. A new user
without ``password`` gets a random one, shown once in the plan line; an existing user's password
is never changed here, nor are an existing user's fields. Applying the same file twice changes nothing the second time.
"""

from __future__ import annotations

import secrets
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.identity import service
from core.identity.models import Membership
from core.identity.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hasher_for
from core.identity.permissions import ROLES
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.provisioning import LineError, PlanLine, error_at

ENTRY_FIELDS = frozenset({"username", "display_name", "role", "password"})


def _entries(value: yaml.Node) -> list[tuple[yaml.MappingNode, dict[str, tuple[Any, yaml.Node]]]]:
    out: list[tuple[yaml.MappingNode, dict[str, tuple[Any, yaml.Node]]]] = []
    if isinstance(value, yaml.SequenceNode):
        for item in value.value:
            if isinstance(item, yaml.MappingNode):
                fields = {
                    str(k.value): (v.value if isinstance(v, yaml.ScalarNode) else None, v)
                    for k, v in item.value
                }
                out.append((item, fields))
    return out


class UsersSection:
    """Validates and applies ``users:`` lists of tenant nodes."""

    name = "users"

    def validate(self, value: yaml.Node, settings: Settings) -> list[LineError]:
        if not isinstance(value, yaml.SequenceNode) or not all(
            isinstance(item, yaml.MappingNode) for item in value.value
        ):
            return [error_at(value, "users", "expected a list of {username, display_name, role}")]
        errors: list[LineError] = []
        for item, fields in _entries(value):
            for name in sorted(set(fields) - ENTRY_FIELDS):
                errors.append(error_at(fields[name][1], f"users.{name}", "unknown field"))
            for name in ("username", "display_name", "role"):
                if name not in fields:
                    errors.append(error_at(item, f"users.{name}", "required"))
                elif not isinstance(fields[name][0], str) or not fields[name][0].strip():
                    errors.append(error_at(fields[name][1], f"users.{name}", "expected text"))
            username = fields.get("username", (None, item))
            if isinstance(username[0], str) and not service.USERNAME_RE.match(username[0]):
                errors.append(
                    error_at(username[1], "users.username", "2 to 64 letters, digits or _.@-")
                )
            role = fields.get("role", (None, item))
            if isinstance(role[0], str) and role[0] not in ROLES:
                errors.append(
                    error_at(
                        role[1], "users.role", f"unknown role; expected one of {', '.join(ROLES)}"
                    )
                )
            if "password" in fields:
                password, node = fields["password"]
                if not isinstance(password, str) or not (
                    MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH
                ):
                    errors.append(
                        error_at(
                            node,
                            "users.password",
                            f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
                        )
                    )
        return errors

    async def apply(
        self, session: AsyncSession, settings: Settings, tenant: Tenant, value: yaml.Node
    ) -> list[PlanLine]:
        lines: list[PlanLine] = []
        for _item, fields in _entries(value):
            username = str(fields["username"][0])
            role = str(fields["role"][0])
            display_name = str(fields["display_name"][0]).strip()
            subject = f"user {username} {role}@{tenant.slug}"
            user = await service.find_user(session, username)
            details: list[str] = []
            if user is None:
                given = fields.get("password", (None, None))[0]
                password = str(given) if given is not None else secrets.token_urlsafe(12)
                user = await service.create_user(
                    session,
                    hasher_for(settings),
                    username=username,
                    display_name=display_name,
                    password=password,
                    tenant_id=tenant.id,
                )
                if given is None:
                    details.append(f"password: {password}")
            held = await session.scalar(
                select(Membership.id).where(
                    Membership.user_id == user.id,
                    Membership.tenant_id == tenant.id,
                    Membership.role == role,
                )
            )
            if held is None:
                await service.add_membership(session, user, tenant, role)
                lines.append(PlanLine("create", subject, ", ".join(details)))
            elif details:
                lines.append(PlanLine("update", subject, ", ".join(details)))
            else:
                lines.append(PlanLine("unchanged", subject))
        return lines


USERS_SECTION = UsersSection()
