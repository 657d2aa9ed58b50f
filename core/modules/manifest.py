"""The module manifest: what a plugin declares about itself before anything else is used.

The host validates a manifest when the plugin loads; a plugin whose manifest is invalid is
skipped and reported, never half-loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from core.identity.permissions import Permission

Policy = Literal["required", "allowed", "forbidden"]
POLICIES: tuple[Policy, ...] = ("required", "allowed", "forbidden")
MODULE_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?([.+-][0-9A-Za-z.+-]+)?$")


class ManifestError(ValueError):
    """A manifest that breaks a rule; the message names the field."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a module is, where it may be used and what it needs.

    - ``name``: kebab-case, unique among installed plugins; also the URL segment
      (``/api/v1/tenants/{tenant}/{name}/...``), the Alembic branch label and the permission area.
    - ``requires``: names of modules that must be on wherever this one is on.
    - ``levels``: tenant levels where the module may be switched on (empty: every level).
    - ``permissions``: the module's permissions, named ``<name>:<action>``.
    - ``settings``: defaults of the module's per-tenant settings; a tenant's override applies to
      its subtree (see :func:`core.modules.settings.module_settings`).
    - ``default_enabled``: the choice a tenant has made when it has made none.
    - ``default_policy``: the policy assumed at the root when no tenant has set one.
    """

    name: str
    title: str
    title_en: str
    version: str
    description: str = ""
    requires: Sequence[str] = ()
    levels: Sequence[str] = ()
    permissions: Sequence[Permission] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    default_enabled: bool = False
    default_policy: Policy = "allowed"

    def validate(self, known_levels: Sequence[str]) -> None:
        """Raise :class:`ManifestError` naming the first field that breaks a rule."""
        if not MODULE_NAME_RE.match(self.name) or len(self.name) > 40:
            raise ManifestError(f"name: {self.name!r} is not kebab-case (a-z, 0-9, '-')")
        if not self.title.strip() or not self.title_en.strip():
            raise ManifestError("title/title_en: both titles are required")
        if not _VERSION_RE.match(self.version):
            raise ManifestError(f"version: {self.version!r} is not a version number")
        for required in self.requires:
            if not MODULE_NAME_RE.match(required) or required == self.name:
                raise ManifestError(f"requires: {required!r} is not another module's name")
        unknown = [lv for lv in self.levels if lv not in known_levels]
        if unknown:
            raise ManifestError(f"levels: unknown tenant levels {unknown}")
        for permission in self.permissions:
            if not isinstance(permission, Permission):
                raise ManifestError("permissions: each entry must be a core.Permission")
            area = permission.name.split(":", 1)[0]
            if area != self.name:
                raise ManifestError(
                    f"permissions: {permission.name!r} must be named {self.name}:<action>"
                )
        if self.default_policy not in POLICIES:
            raise ManifestError(f"default_policy: {self.default_policy!r} is not one of {POLICIES}")
        if not isinstance(self.settings, Mapping):
            raise ManifestError("settings: must be a mapping of defaults")
