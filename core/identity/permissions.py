"""The permission registry: every ``area:action`` string the platform knows.

Core areas and plugins register permissions here, each with the built-in roles that hold it by
default. The guard asks :meth:`PermissionRegistry.roles_granting` which roles satisfy a
permission; nothing else decides what a role may do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

ROLES = ("platform_admin", "admin", "staff", "member")
"""Built-in roles from most to least powerful. ``platform_admin`` holds every permission."""

_PERMISSION_RE = re.compile(r"^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class Permission:
    """A permission such as ``tenants:write`` and the roles that hold it by default."""

    name: str
    title: str
    title_en: str
    default_roles: frozenset[str] = field(default_factory=frozenset)
    owner: str = "core"

    def __post_init__(self) -> None:
        if not _PERMISSION_RE.match(self.name):
            raise ValueError(f"permission {self.name!r} is not of the form area:action")
        unknown = set(self.default_roles) - set(ROLES)
        if unknown:
            raise ValueError(f"permission {self.name!r} names unknown roles {sorted(unknown)}")


class PermissionRegistry:
    """All permissions of this process; registering the same name twice is an error."""

    def __init__(self) -> None:
        self._permissions: dict[str, Permission] = {}

    def register(self, permission: Permission) -> Permission:
        existing = self._permissions.get(permission.name)
        if existing is not None and existing != permission:
            raise ValueError(
                f"permission {permission.name!r} already registered by {existing.owner!r}"
            )
        self._permissions[permission.name] = permission
        return permission

    def register_all(self, permissions: Iterable[Permission]) -> None:
        for permission in permissions:
            self.register(permission)

    def unregister_owner(self, owner: str) -> None:
        self._permissions = {k: v for k, v in self._permissions.items() if v.owner != owner}

    def get(self, name: str) -> Permission | None:
        return self._permissions.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._permissions

    def all(self) -> list[Permission]:
        """Every registered permission, sorted by name."""
        return sorted(self._permissions.values(), key=lambda p: p.name)

    def roles_granting(self, name: str) -> frozenset[str]:
        """Roles that hold ``name``; ``platform_admin`` always does. Unknown names: only it."""
        permission = self._permissions.get(name)
        granted = permission.default_roles if permission else frozenset()
        return granted | {"platform_admin"}


def core_permissions() -> list[Permission]:
    """The permissions of the core areas (tenant tree, identity, modules, audit)."""
    admin = frozenset({"admin"})
    staff = frozenset({"admin", "staff"})
    everyone = frozenset({"admin", "staff", "member"})
    return [
        Permission("tenants:read", "查看组织架构", "Read the tenant tree", everyone),
        Permission("tenants:write", "管理下级组织", "Manage the tenant tree", admin),
        Permission("users:read", "查看用户", "Read users", staff),
        Permission("users:manage", "管理用户与角色", "Manage users and roles", admin),
        Permission("modules:read", "查看模块状态", "Read module states", everyone),
        Permission("modules:manage", "管理模块", "Enable and disable modules", admin),
        Permission("audit:read", "查看审计日志", "Read the audit log", admin),
        Permission("metrics:read", "查看统计数据", "Read roll-up figures", staff),
    ]
