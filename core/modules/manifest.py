"""The module manifest: what a plugin declares about itself before anything else is used.

The host validates a manifest when the plugin loads; a plugin whose manifest is invalid is
skipped and reported, never half-loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import msgspec
from litestar import Controller, Router
from litestar.handlers import BaseRouteHandler
from litestar.types import ControllerRouterHandler
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from core import version
from core.identity.permissions import Permission
from core.modules.directory import OrganisationDirectory
from core.modules.events import EventContract
from core.modules.isolation import IsolationFixtures
from core.modules.metrics import MetricQuery

Policy = Literal["required", "allowed", "forbidden"]
POLICIES: tuple[Policy, ...] = ("required", "allowed", "forbidden")
MODULE_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?([.+-][0-9A-Za-z.+-]+)?$")

RESERVED_NAMES: frozenset[str] = frozenset(
    {
        "api-tokens",
        "archive",
        "audit",
        "children",
        "members",
        "metrics",
        "modules",
        "move",
        "subtree",
    }
)
"""Segments the core itself answers under ``/api/v1/tenants/{tenant_key}/``; a module of that
name would be shadowed by (or shadow) a core route. A test derives them from the app's routes."""

DEFAULT_CORE = ">=0.2,<0.3"


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
    - ``routes``: Litestar handlers or controllers, paths relative to the module; each declares
      ``opt={"permission": "<name>:<action>"}`` with one of ``permissions``; a read route may
      add ``opt["public"] = "<setting>"``, a boolean setting that opens it to anyone, anonymous
      callers included, at the tenants where it is true (see :mod:`core.tenancy.resolve`).
    - ``migrations``: the folder of the module's Alembic revisions (its own branch).
    - ``metrics``: roll-up figures, each named ``<name>.<figure>``.
    - ``events``: the events the module emits (:class:`~core.modules.events.EventContract`).
    - ``isolation``: how the tenant-isolation matrix makes the module's data.
    - ``organisations``: for a module that keeps social organisations, how other modules find
      them (:mod:`core.modules.directory`).
    - ``core``: the kernel versions the module works with, a PEP 440 specifier.
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
    routes: Sequence[ControllerRouterHandler] = ()
    migrations: Path | None = None
    metrics: Sequence[MetricQuery] = ()
    events: Sequence[EventContract] = ()
    isolation: IsolationFixtures | None = None
    organisations: OrganisationDirectory | None = None
    core: str = DEFAULT_CORE

    def validate(self, known_levels: Sequence[str]) -> None:
        """Raise :class:`ManifestError` naming the first field that breaks a rule."""
        if not MODULE_NAME_RE.match(self.name) or len(self.name) > 40:
            raise ManifestError(f"name: {self.name!r} is not kebab-case (a-z, 0-9, '-')")
        if self.name in RESERVED_NAMES:
            raise ManifestError(
                f"name: {self.name!r} is a segment of the core's own tenant routes "
                f"(/api/v1/tenants/{{tenant}}/{self.name}); reserved: {sorted(RESERVED_NAMES)}"
            )
        self._validate_core()
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
        self._validate_parts()

    def _validate_core(self) -> None:
        try:
            supported = SpecifierSet(self.core)
        except InvalidSpecifier:
            raise ManifestError(
                f"core: {self.core!r} is not a PEP 440 version specifier (e.g. '>=0.2,<0.3')"
            ) from None
        if not supported.contains(Version(version.__version__), prereleases=True):
            raise ManifestError(
                f"core: the module supports kernel versions {self.core!r}, "
                f"this kernel is {version.__version__}"
            )

    def _validate_parts(self) -> None:
        if self.migrations is not None and not Path(self.migrations).is_dir():
            raise ManifestError(f"migrations: folder {self.migrations} does not exist")
        for query in self.metrics:
            if not isinstance(query, MetricQuery):
                raise ManifestError("metrics: each entry must be a core.MetricQuery")
            if not query.name.startswith(self.name + "."):
                raise ManifestError(f"metrics: {query.name!r} must be named {self.name}.<figure>")
        types: set[str] = set()
        for contract in self.events:
            if not isinstance(contract, EventContract):
                raise ManifestError("events: each entry must be a core.EventContract")
            if not contract.type.startswith(self.name + ".") or len(contract.type) > 80:
                raise ManifestError(
                    f"events: {contract.type!r} must be named {self.name}.<what-happened>"
                )
            if not (
                isinstance(contract.payload, type) and issubclass(contract.payload, msgspec.Struct)
            ):
                raise ManifestError(
                    f"events: payload of {contract.type!r} must be a msgspec.Struct"
                )
            if contract.type in types:
                raise ManifestError(f"events: {contract.type!r} is declared twice")
            types.add(contract.type)
        if self.isolation is not None and not isinstance(self.isolation, IsolationFixtures):
            raise ManifestError("isolation: must be a core.IsolationFixtures")
        if self.organisations is not None and not isinstance(
            self.organisations, OrganisationDirectory
        ):
            raise ManifestError("organisations: must be a core.OrganisationDirectory")
        own = {p.name for p in self.permissions}
        for handler, permission in route_permissions(self.routes):
            if permission is None:
                raise ManifestError(
                    f"routes: {handler} declares no opt['permission'] (one of {sorted(own)})"
                )
            if permission not in own:
                raise ManifestError(
                    f"routes: {handler} requires {permission!r}, which is not one of the "
                    f"module's own permissions {sorted(own)}"
                )
        for handler, opt, methods in route_options(self.routes):
            self._validate_public(handler, opt.get("public"), methods)

    def _validate_public(self, handler: str, public: Any, methods: frozenset[str]) -> None:
        if public is None:
            return
        if not isinstance(public, str) or not isinstance(self.settings.get(public), bool):
            raise ManifestError(
                f"routes: {handler} opt['public'] must name a boolean setting of the module "
                f"(one of {sorted(k for k, v in self.settings.items() if isinstance(v, bool))})"
            )
        if not methods or not methods <= {"GET", "HEAD"}:
            raise ManifestError(f"routes: {handler} is public, so it may only read (GET)")


def route_permissions(
    routes: Sequence[ControllerRouterHandler],
) -> Iterator[tuple[str, str | None]]:
    """``(handler name, declared permission)`` for every handler among ``routes``.

    Options set on a controller or router apply to its handlers unless a handler sets its own,
    as Litestar merges them when the app is built; the automatic OPTIONS handlers are skipped.
    """
    for name, opt, _methods in route_options(routes):
        permission = opt.get("permission")
        yield name, permission if isinstance(permission, str) else None


def route_options(
    routes: Sequence[ControllerRouterHandler],
) -> Iterator[tuple[str, Mapping[str, Any], frozenset[str]]]:
    """``(handler name, merged opt, HTTP methods)`` for every handler among ``routes``."""
    for item in routes:
        yield from _walk(item, {})


def _walk(
    item: Any, inherited: Mapping[str, Any]
) -> Iterator[tuple[str, Mapping[str, Any], frozenset[str]]]:
    if isinstance(item, BaseRouteHandler):
        opt = {**inherited, **(item.opt or {})}
        yield item.handler_name, opt, frozenset(getattr(item, "http_methods", ()) or ())
    elif isinstance(item, type) and issubclass(item, Controller):
        opt = {**inherited, **(getattr(item, "opt", None) or {})}
        for attr in dir(item):
            value = getattr(item, attr, None)
            if isinstance(value, BaseRouteHandler):
                yield from _walk(value, opt)
    elif isinstance(item, Router):
        opt = {**inherited, **(item.opt or {})}
        for route in item.routes:
            for handler in getattr(route, "route_handlers", ()):
                if set(getattr(handler, "http_methods", ())) == {"OPTIONS"}:
                    continue
                yield from _walk(handler, opt)
    else:
        raise ManifestError(f"routes: {item!r} is not a Litestar handler, controller or router")
