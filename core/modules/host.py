"""Discovering, validating and loading plugins; calling their hooks safely.

Loading is isolated: a plugin that fails to import, registers an unknown hook, declares a bad
or duplicate manifest, needs a module that is not loaded, or hangs in a start-up hook is skipped
and reported (log line and ``gongzhi plugins list``) while the rest load. In strict mode (the
test suite) any such failure raises :class:`PluginLoadError` instead.
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
from core.modules.hookspecs import PROJECT, EventHandler
from core.modules.manifest import Manifest, ManifestError
from core.modules.metrics import MetricQuery
from core.settings import Settings

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
    routes: Sequence[Any] = ()
    migrations: Path | None = None
    metrics: Sequence[MetricQuery] = ()


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
        self.subscriptions: dict[str, list[tuple[str, EventHandler]]] = {}
        self._subset_cache: dict[tuple[str, frozenset[str]], Any] = {}

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
        for plugin in list(self.plugins.values()):
            self._collect(plugin)
        if self.failures and self.settings.strict_plugins:
            summary = "; ".join(f"{f.name}: {f.reason}" for f in self.failures)
            raise PluginLoadError(f"plugins failed to load: {summary}")
        log.info("plugins_loaded", plugins=sorted(self.plugins), failed=len(self.failures))

    def _register(self, candidate: _Candidate) -> None:
        name, dist = candidate.name, candidate.distribution
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
            if (routes := self._impl(plugin.obj, "gongzhi_routes")) is not None:
                plugin.routes = list(_call_with_timeout(routes, STARTUP_HOOK_TIMEOUT))
            if (migrations := self._impl(plugin.obj, "gongzhi_migrations")) is not None:
                path = Path(_call_with_timeout(migrations, STARTUP_HOOK_TIMEOUT))
                if not path.is_dir():
                    raise ValueError(f"migrations folder {path} does not exist")
                plugin.migrations = path
            if (metrics := self._impl(plugin.obj, "gongzhi_metrics")) is not None:
                queries = list(_call_with_timeout(metrics, STARTUP_HOOK_TIMEOUT))
                for query in queries:
                    if not isinstance(query, MetricQuery):
                        raise TypeError("gongzhi_metrics must return MetricQuery items")
                    if not query.name.startswith(plugin.name + "."):
                        raise ValueError(
                            f"metric {query.name!r} must be named {plugin.name}.<figure>"
                        )
                plugin.metrics = queries
            if (subscribe := self._impl(plugin.obj, "gongzhi_subscribe")) is not None:
                registered: list[tuple[str, EventHandler]] = []

                def add(event_type: str, handler: EventHandler) -> None:
                    if not inspect.iscoroutinefunction(handler):
                        raise TypeError(f"handler for {event_type!r} must be an async function")
                    registered.append((event_type, handler))

                _call_with_timeout(subscribe, STARTUP_HOOK_TIMEOUT, subscribe=add)
                for event_type, handler in registered:
                    self.subscriptions.setdefault(event_type, []).append((plugin.name, handler))
        except concurrent.futures.TimeoutError:
            self._unload(plugin, f"a start-up hook did not return within {STARTUP_HOOK_TIMEOUT}s")
        except Exception as exc:
            self._unload(plugin, f"start-up hook failed: {type(exc).__name__}: {exc}")

    def _unload(self, plugin: LoadedPlugin, reason: str) -> None:
        self.pm.unregister(plugin.obj)
        self.plugins.pop(plugin.name, None)
        for handlers in self.subscriptions.values():
            handlers[:] = [h for h in handlers if h[0] != plugin.name]
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


def _dist_name(ep: EntryPoint) -> str | None:
    dist = getattr(ep, "dist", None)
    return getattr(dist, "name", None) if dist is not None else None
