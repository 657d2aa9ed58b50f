"""Discovering, validating and loading plugins; calling their hooks safely.

Loading is isolated: a plugin that fails to import, registers an unknown or removed hook,
declares a bad or duplicate manifest (reserved name, unsupported kernel version, a route guarded
by another module's permission...), needs a module that is not loaded, or hangs in a start-up hook
is skipped and reported (log line and ``gongzhi plugins list``) while the rest load. In strict
mode (the test suite) any such failure raises :class:`PluginLoadError` instead.

The kernel's own areas are registered on the same manager as kernel plugins
(:meth:`PluginHost.add_kernel_plugins`): they answer hooks such as ``gongzhi_commands`` and
``gongzhi_tenant_file_sections`` but have no manifest, so they are never modules.
"""

from __future__ import annotations

import concurrent.futures
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import pluggy
import structlog

from core.identity.permissions import Permission
from core.modules import hookspecs
from core.modules.directory import declare_directories
from core.modules.events import DeclaredEvent, EventContract, declare_events
from core.modules.hookspecs import (
    PROJECT,
    REMOVED_HOOKS,
    SUBSCRIBER_SCOPES,
    EventHandler,
    SubscriberScope,
    Subscription,
)
from core.modules.isolation import IsolationFixtures
from core.modules.manifest import Manifest, ManifestError
from core.modules.metrics import MetricQuery
from core.settings import Settings
from core.tenancy.provisioning import TenantFileSection, check_sections

ENTRY_POINT_GROUP = "gongzhi.plugins"
STARTUP_HOOK_TIMEOUT = 10.0

log = structlog.get_logger("gongzhi.plugins")


class PluginLoadError(RuntimeError):
    """Raised in strict mode when any plugin fails to load."""


@dataclass(slots=True)
class LoadedPlugin:
    """A plugin that loaded, with everything its start-up hooks returned."""

    name: str
    obj: Any
    manifest: Manifest
    distribution: str | None
    sections: Sequence[TenantFileSection] = ()

    @property
    def routes(self) -> Sequence[Any]:
        return self.manifest.routes

    @property
    def migrations(self) -> Path | None:
        return self.manifest.migrations

    @property
    def metrics(self) -> Sequence[MetricQuery]:
        return self.manifest.metrics

    @property
    def events(self) -> Sequence[EventContract]:
        return self.manifest.events

    @property
    def isolation(self) -> IsolationFixtures | None:
        return self.manifest.isolation


@dataclass(frozen=True, slots=True)
class PluginFailure:
    """A plugin that was skipped, and why."""

    name: str
    reason: str
    distribution: str | None = None


@dataclass(slots=True)
class _Candidate:
    name: str
    obj: Any
    distribution: str | None


def _call_with_timeout(func: Callable[..., Any], timeout: float, **kwargs: Any) -> Any:
    """Run a start-up hook in a worker thread so a hung hook cannot block start-up forever."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="plugin-hook")
    try:
        future = pool.submit(func, **kwargs)
        return future.result(timeout=timeout)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class PluginHost:
    """The loaded plugins of one process and the pluggy manager that holds them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, LoadedPlugin] = {}
        self.failures: list[PluginFailure] = []
        self.subscriptions: dict[str, list[Subscription]] = {}
        self.events: dict[str, DeclaredEvent] = {}
        self.kernel: dict[str, Any] = {}
        self.kernel_sections: list[TenantFileSection] = []
        self._subset_cache: dict[tuple[str, frozenset[str]], Any] = {}

    def add_kernel_plugins(self, plugins: Iterable[tuple[str, Any]]) -> None:
        """Register the kernel's areas (``core/<area>/hooks.py``): always on, no manifest, never
        listed as modules. Call before :meth:`load`; a failure here is a bug, so it raises."""
        for name, obj in plugins:
            self.pm.register(obj, name=f"core:{name}")
            self.kernel[name] = obj
        self.pm.check_pending()

    def tenant_file_sections(self) -> list[TenantFileSection]:
        """Every section of tenant files: the kernel's, then each loaded plugin's."""
        return [
            *self.kernel_sections,
            *(s for p in sorted(self.plugins.values(), key=lambda p: p.name) for s in p.sections),
        ]

    @property
    def manifests(self) -> dict[str, Manifest]:
        return {name: plugin.manifest for name, plugin in self.plugins.items()}

    @property
    def permissions(self) -> list[Permission]:
        return [p for plugin in self.plugins.values() for p in plugin.manifest.permissions]

    def migration_locations(self) -> list[Path]:
        return [p.migrations for p in self.plugins.values() if p.migrations is not None]

    def _fail(self, name: str, reason: str, distribution: str | None = None) -> None:
        log.error("plugin_failed", plugin=name, reason=reason)
        self.failures.append(PluginFailure(name, reason, distribution))

    def impl_of(self, plugin: Any, hook: str) -> Callable[..., Any] | None:
        """The function ``plugin`` registered for ``hook``, if any."""
        return self._impl(plugin, hook)

    def _impl(self, plugin: Any, hook: str) -> Callable[..., Any] | None:
        caller = getattr(self.pm.hook, hook)
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin:
                return impl.function  # type: ignore[no-any-return]
        return None

    def discover(self) -> list[_Candidate]:
        """Entry points of ``gongzhi.plugins``, filtered by the allow- and block-lists."""
        candidates: list[_Candidate] = []
        allow = set(self.settings.plugins) if self.settings.plugins is not None else None
        block = set(self.settings.disabled_plugins)
        seen: set[str] = set()
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if (allow is not None and ep.name not in allow) or ep.name in block:
                log.info("plugin_not_selected", plugin=ep.name)
                continue
            dist = _dist_name(ep)
            if ep.name in seen:
                self._fail(ep.name, "duplicate entry point name", dist)
                continue
            seen.add(ep.name)
            try:
                obj = ep.load()
            except Exception as exc:
                self._fail(ep.name, f"import failed: {type(exc).__name__}: {exc}", dist)
                continue
            candidates.append(_Candidate(ep.name, obj, dist))
        return candidates

    def load(self, extra: Iterable[tuple[str, Any]] = (), *, discover: bool = True) -> None:
        """Load discovered plugins plus ``extra`` ``(name, object)`` pairs, then validate them."""
        candidates = self.discover() if discover else []
        candidates += [_Candidate(name, obj, None) for name, obj in extra]
        for candidate in candidates:
            self._register(candidate)
        self._drop_missing_requirements()
        self.kernel_sections = self._kernel_sections()
        for plugin in list(self.plugins.values()):
            self._collect(plugin)
        self.events = {
            contract.type: DeclaredEvent(plugin.name, contract)
            for plugin in self.plugins.values()
            for contract in plugin.events
        }
        declare_events(self.events)
        declare_directories(self)
        if self.failures and self.settings.strict_plugins:
            summary = "; ".join(f"{f.name}: {f.reason}" for f in self.failures)
            raise PluginLoadError(f"plugins failed to load: {summary}")
        log.info("plugins_loaded", plugins=sorted(self.plugins), failed=len(self.failures))

    def _register(self, candidate: _Candidate) -> None:
        name, dist = candidate.name, candidate.distribution
        removed = _removed_hooks(candidate.obj)
        if removed:
            self._fail(
                name,
                "removed hook(s): "
                + "; ".join(
                    f"{hook} is gone since Gongzhi 0.2, declare Manifest.{REMOVED_HOOKS[hook]} "
                    "instead"
                    for hook in removed
                ),
                dist,
            )
            return
        try:
            self.pm.register(candidate.obj, name=name)
        except Exception as exc:
            self._fail(name, f"invalid hooks: {exc}", dist)
            return
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(candidate.obj)
            self._fail(name, f"unknown hook: {exc}", dist)
            return
        manifest_impl = self._impl(candidate.obj, "gongzhi_manifest")
        if manifest_impl is None:
            self.pm.unregister(candidate.obj)
            self._fail(name, "no gongzhi_manifest hook", dist)
            return
        try:
            manifest = _call_with_timeout(manifest_impl, STARTUP_HOOK_TIMEOUT)
            if not isinstance(manifest, Manifest):
                raise ManifestError("gongzhi_manifest must return core.Manifest")
            manifest.validate(self.settings.tenant_levels)
        except concurrent.futures.TimeoutError:
            self.pm.unregister(candidate.obj)
            self._fail(
                name, f"gongzhi_manifest did not return within {STARTUP_HOOK_TIMEOUT}s", dist
            )
            return
        except Exception as exc:
            self.pm.unregister(candidate.obj)
            self._fail(name, f"bad manifest: {exc}", dist)
            return
        if manifest.name in self.plugins:
            self.pm.unregister(candidate.obj)
            self._fail(name, f"duplicate module name {manifest.name!r}", dist)
            return
        if name != manifest.name:
            self.pm.unregister(candidate.obj)
            self.pm.register(candidate.obj, name=manifest.name)
        self.plugins[manifest.name] = LoadedPlugin(manifest.name, candidate.obj, manifest, dist)

    def _drop_missing_requirements(self) -> None:
        """Skip plugins whose required modules are absent or that require each other in a cycle."""
        changed = True
        while changed:
            changed = False
            for name, plugin in list(self.plugins.items()):
                missing = [r for r in plugin.manifest.requires if r not in self.plugins]
                if missing:
                    self.pm.unregister(plugin.obj)
                    del self.plugins[name]
                    self._fail(name, f"requires missing module(s): {', '.join(missing)}")
                    changed = True
        for name in [n for n in self.plugins if self._in_cycle(n)]:
            plugin = self.plugins.pop(name)
            self.pm.unregister(plugin.obj)
            self._fail(name, "requires form a cycle")
        if any(r not in self.plugins for p in self.plugins.values() for r in p.manifest.requires):
            self._drop_missing_requirements()

    def _in_cycle(self, start: str) -> bool:
        stack = list(self.plugins[start].manifest.requires)
        seen: set[str] = set()
        while stack:
            name = stack.pop()
            if name == start:
                return True
            if name in seen or name not in self.plugins:
                continue
            seen.add(name)
            stack.extend(self.plugins[name].manifest.requires)
        return False

    def _collect(self, plugin: LoadedPlugin) -> None:
        """Call the plugin's start-up hooks; any failure skips the whole plugin."""
        try:
            if (sections := self._impl(plugin.obj, "gongzhi_tenant_file_sections")) is not None:
                found = list(_call_with_timeout(sections, STARTUP_HOOK_TIMEOUT))
                taken = [s.name for s in self.tenant_file_sections()]
                check_sections([*taken, *(s.name for s in found)])
                plugin.sections = found
            if (subscribe := self._impl(plugin.obj, "gongzhi_subscribe")) is not None:
                registered: list[tuple[str, Subscription]] = []

                def add(
                    event_type: str, handler: EventHandler, *, scope: SubscriberScope = "tenant"
                ) -> None:
                    if not inspect.iscoroutinefunction(handler):
                        raise TypeError(f"handler for {event_type!r} must be an async function")
                    if scope not in SUBSCRIBER_SCOPES:
                        raise ValueError(
                            f"scope of the handler for {event_type!r} must be one of "
                            f"{SUBSCRIBER_SCOPES}, not {scope!r}"
                        )
                    registered.append((event_type, Subscription(plugin.name, handler, scope)))

                _call_with_timeout(subscribe, STARTUP_HOOK_TIMEOUT, subscribe=add)
                for event_type, subscription in registered:
                    self.subscriptions.setdefault(event_type, []).append(subscription)
        except concurrent.futures.TimeoutError:
            self._unload(plugin, f"a start-up hook did not return within {STARTUP_HOOK_TIMEOUT}s")
        except Exception as exc:
            self._unload(plugin, f"start-up hook failed: {type(exc).__name__}: {exc}")

    def _kernel_sections(self) -> list[TenantFileSection]:
        found: list[TenantFileSection] = []
        for obj in self.kernel.values():
            impl = self._impl(obj, "gongzhi_tenant_file_sections")
            if impl is not None:
                found.extend(impl())
        check_sections([s.name for s in found])
        return found

    def _unload(self, plugin: LoadedPlugin, reason: str) -> None:
        self.pm.unregister(plugin.obj)
        self.plugins.pop(plugin.name, None)
        for handlers in self.subscriptions.values():
            handlers[:] = [h for h in handlers if h.plugin != plugin.name]
        self._fail(plugin.name, reason, plugin.distribution)

    def hook_for(self, hook: str, enabled: Iterable[str]) -> Any:
        """A caller of ``hook`` restricted to the ``enabled`` plugins, cached per set."""
        off = frozenset(self.plugins) - frozenset(enabled)
        key = (hook, off)
        caller = self._subset_cache.get(key)
        if caller is None:
            if off:
                remove = [self.plugins[name].obj for name in off]
                caller = self.pm.subset_hook_caller(hook, remove_plugins=remove)
            else:
                caller = getattr(self.pm.hook, hook)
            self._subset_cache[key] = caller
        return caller

    def plugin_of(self, name: str) -> LoadedPlugin | None:
        return self.plugins.get(name)

    def status_rows(self) -> list[Mapping[str, str]]:
        """One row per plugin, loaded or failed, for ``gongzhi plugins list``."""
        rows: list[Mapping[str, str]] = [
            {
                "name": p.name,
                "version": p.manifest.version,
                "status": "loaded",
                "title": p.manifest.title,
                "distribution": p.distribution or "-",
                "reason": "",
            }
            for p in self.plugins.values()
        ]
        rows += [
            {
                "name": f.name,
                "version": "-",
                "status": "failed",
                "title": "",
                "distribution": f.distribution or "-",
                "reason": f.reason,
            }
            for f in self.failures
        ]
        return sorted(rows, key=lambda r: r["name"])


def _removed_hooks(obj: Any) -> list[str]:
    """Hooks of Gongzhi 0.1 that ``obj`` still implements (marked with ``@hookimpl``)."""
    marker = f"{PROJECT}_impl"
    return [hook for hook in REMOVED_HOOKS if hasattr(getattr(obj, hook, None), marker)]


def _dist_name(ep: EntryPoint) -> str | None:
    dist = getattr(ep, "dist", None)
    return getattr(dist, "name", None) if dist is not None else None
