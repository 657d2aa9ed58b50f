"""Effective module states per tenant: loading, caching, changing, and cross-process freshness.

States are computed from two small queries (the ancestors' policies, the tenant's own choices)
and cached per tenant. Every policy or choice change bumps ``module_state_version`` in the same
transaction; each process re-reads that counter at most every ``module_state_ttl`` seconds and
drops its cache when it moved, so a change made through any worker or replica takes effect
everywhere within that bound. On PostgreSQL a LISTEN/NOTIFY channel makes it immediate, and so
does Redis (channel ``module-state``, published after commit) where ``GONGZHI_REDIS_URL`` is set.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import structlog
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.broadcast import RedisLink, after_commit
from core.errors import Conflict, NotFound, Problem
from core.modules.enablement import (
    ChainLink,
    ModuleState,
    dependents_on,
    effective_states,
    may_set_policy,
)
from core.modules.host import PluginHost
from core.modules.manifest import POLICIES, Policy
from core.modules.models import ModuleChoice, ModulePolicy, ModuleStateVersion
from core.modules.settings import module_settings
from core.tenancy.models import Tenant

NOTIFY_CHANNEL = "gongzhi_module_state"
REDIS_CHANNEL = "module-state"
log = structlog.get_logger("gongzhi.modules")


class ModuleStates:
    """The process-wide view of module states; one instance per app."""

    def __init__(self, host: PluginHost, ttl: float) -> None:
        self.host = host
        self.ttl = ttl
        self._cache: dict[tuple[uuid.UUID, str], dict[str, ModuleState]] = {}
        self._version: int | None = None
        self._checked_at = 0.0
        self._stale = False
        self._listener: Any = None
        self._redis: RedisLink | None = None

    def invalidate(self) -> None:
        """Forget every cached state; the next lookup re-reads the database."""
        self._stale = True

    async def _refresh_version(self, session: AsyncSession) -> None:
        """Re-read the version counter when ``ttl`` has passed since the last read began.

        The read is marked as made when it starts, so the requests that arrive while it is
        under way use the states cached so far rather than each reading the counter too (under
        load, a burst of identical queries at every expiry); a read that fails is not counted.
        """
        now = time.monotonic()
        if not self._stale and now - self._checked_at < self.ttl:
            return
        checked_at, stale = self._checked_at, self._stale
        self._checked_at = now
        try:
            version = await session.scalar(
                select(ModuleStateVersion.version).where(ModuleStateVersion.id == 1)
            )
        except BaseException:
            if self._checked_at == now:
                self._checked_at = checked_at
            raise
        if stale or self._stale or version != self._version:
            self._cache.clear()
        self._version = version
        self._stale = False

    async def _chain(self, session: AsyncSession, tenant: Tenant) -> list[ChainLink]:
        ancestor_ids = tenant.ancestor_ids
        rows = await session.execute(
            select(Tenant.id, Tenant.slug, Tenant.depth, ModulePolicy.module, ModulePolicy.policy)
            .outerjoin(ModulePolicy, ModulePolicy.tenant_id == Tenant.id)
            .where(Tenant.id.in_(ancestor_ids))
        )
        links: dict[uuid.UUID, tuple[int, str, dict[str, Policy]]] = {}
        for tenant_id, slug, depth, module, policy in rows:
            entry = links.setdefault(tenant_id, (depth, slug, {}))
            if module is not None:
                entry[2][module] = policy  # type: ignore[assignment]
        return [
            ChainLink(tenant_id, slug, policies)
            for tenant_id, (depth, slug, policies) in sorted(links.items(), key=lambda kv: kv[1][0])
        ]

    async def _choices(self, session: AsyncSession, tenant: Tenant) -> dict[str, bool]:
        rows = await session.execute(
            select(ModuleChoice.module, ModuleChoice.enabled).where(
                ModuleChoice.tenant_id == tenant.id
            )
        )
        return {module: enabled for module, enabled in rows}

    async def states(self, session: AsyncSession, tenant: Tenant) -> dict[str, ModuleState]:
        """Every installed module's state at ``tenant`` (cached)."""
        await self._refresh_version(session)
        key = (tenant.id, tenant.path)
        cached = self._cache.get(key)
        if cached is None:
            chain = await self._chain(session, tenant)
            choices = await self._choices(session, tenant)
            cached = effective_states(self.host.manifests, chain, tenant.level, choices)
            self._cache[key] = cached
        return cached

    async def enabled_modules(self, session: AsyncSession, tenant: Tenant) -> frozenset[str]:
        return frozenset(n for n, s in (await self.states(session, tenant)).items() if s.enabled)

    async def is_enabled(self, session: AsyncSession, tenant: Tenant, module: str) -> bool:
        state = (await self.states(session, tenant)).get(module)
        return bool(state and state.enabled)

    async def opens_to_public(
        self, session: AsyncSession, tenant: Tenant, module: str, setting: str
    ) -> bool:
        """Whether ``module`` is on at ``tenant`` with its boolean ``setting`` true there: what
        opens a route declaring ``opt["public"] = setting`` to anyone."""
        manifest = self.host.manifests.get(module)
        if manifest is None or not await self.is_enabled(session, tenant, module):
            return False
        return (await module_settings(session, tenant, manifest)).get(setting) is True

    def _manifest(self, module: str) -> Any:
        manifest = self.host.manifests.get(module)
        if manifest is None:
            raise NotFound("模块", detail=f"no installed module {module!r}")
        return manifest

    async def _bump(self, session: AsyncSession) -> None:
        await session.execute(
            update(ModuleStateVersion)
            .where(ModuleStateVersion.id == 1)
            .values(version=ModuleStateVersion.version + 1)
        )
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(
                text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL}
            )
        if self._redis is not None:
            link = self._redis
            after_commit(session, lambda: link.publish(REDIS_CHANNEL))
        self.invalidate()

    async def set_choice(
        self, session: AsyncSession, tenant: Tenant, module: str, enabled: bool
    ) -> tuple[bool | None, ModuleState]:
        """Record ``tenant``'s own choice; returns the previous choice and the new state.

        Refused (409) where a policy above decides otherwise, where the level does not allow the module,
        where a module it requires is off (when switching on) or a module that is on requires
        it (when switching off).
        """
        manifest = self._manifest(module)
        before = await self.states(session, tenant)
        current = before[module]
        if current.reason == "policy" and current.enabled != enabled:
            raise Conflict(
                "上级政策已决定该模块的状态",
                title_en="A policy above decides this module",
                detail=f"{module} is {current.detail} by {current.decided_by}",
                code="module-policy",
            )
        if enabled and manifest.levels and tenant.level not in manifest.levels:
            raise Conflict(
                "该模块不适用于此层级",
                title_en="Module not available at this level",
                detail=f"{module} is used at levels {', '.join(manifest.levels)}",
                code="module-level",
            )
        if enabled:
            missing = [r for r in manifest.requires if not (before.get(r) and before[r].enabled)]
            if missing:
                raise Conflict(
                    "所依赖的模块未启用",
                    title_en="A required module is off",
                    detail=f"{module} requires {', '.join(missing)}",
                    code="module-dependency",
                    requires=missing,
                )
        else:
            dependents = dependents_on(self.host.manifests, before, module)
            if dependents:
                raise Conflict(
                    "其他已启用的模块依赖此模块",
                    title_en="Other enabled modules depend on this module",
                    detail=f"{', '.join(dependents)} require {module}",
                    code="module-dependents",
                    dependents=dependents,
                )
        row = await session.scalar(
            select(ModuleChoice).where(
                ModuleChoice.tenant_id == tenant.id, ModuleChoice.module == module
            )
        )
        previous = row.enabled if row else None
        if row is None:
            session.add(ModuleChoice(tenant_id=tenant.id, module=module, enabled=enabled))
        else:
            row.enabled = enabled
        await session.flush()
        await self._bump(session)
        after = await self.states(session, tenant)
        if after[module].enabled != current.enabled:
            hook = "gongzhi_module_enabled" if after[module].enabled else "gongzhi_module_disabled"
            await call_async_hook(
                self.host.hook_for(hook, [module]), session=session, tenant=tenant, module=module
            )
        return previous, after[module]

    async def set_policy(
        self, session: AsyncSession, tenant: Tenant, module: str, policy: str
    ) -> tuple[str | None, ModuleState]:
        """Record ``tenant``'s policy for its subtree; a deeper policy may only narrow."""
        manifest = self._manifest(module)
        if policy not in POLICIES:
            raise Problem(
                "无效的模块政策",
                title_en="Invalid module policy",
                detail=f"policy must be one of {', '.join(POLICIES)}",
                status=422,
                code="invalid",
            )
        chain = await self._chain(session, tenant)
        if not may_set_policy(chain[:-1], manifest, policy):
            raise Conflict(
                "下级政策只能收窄上级政策",
                title_en="A deeper policy may only narrow an ancestor's",
                detail=f"an ancestor's policy for {module} does not allow {policy!r}",
                code="module-policy",
            )
        row = await session.scalar(
            select(ModulePolicy).where(
                ModulePolicy.tenant_id == tenant.id, ModulePolicy.module == module
            )
        )
        previous = row.policy if row else None
        if row is None:
            session.add(ModulePolicy(tenant_id=tenant.id, module=module, policy=policy))
        else:
            row.policy = policy
        await session.flush()
        await self._bump(session)
        after = await self.states(session, tenant)
        return previous, after[module]

    async def start_listening(self, dsn: str) -> None:
        """On PostgreSQL, drop caches as soon as another process commits a change."""
        import asyncpg

        def on_notify(*_: Any) -> None:
            self.invalidate()

        try:
            self._listener = await asyncpg.connect(dsn)
            await self._listener.add_listener(NOTIFY_CHANNEL, on_notify)
        except Exception as exc:
            log.warning("module_state_listen_failed", error=str(exc))
            self._listener = None

    def use_redis(self, link: RedisLink) -> None:
        """Publish every change on Redis and drop caches when any process publishes one."""
        self._redis = link
        link.subscribe(REDIS_CHANNEL, lambda _message: self.invalidate())

    async def stop_listening(self) -> None:
        if self._listener is not None:
            await self._listener.close()
            self._listener = None


async def call_async_hook(caller: Any, **kwargs: Any) -> list[Any]:
    """Call an async hook: pluggy returns the coroutines, which are awaited here in order."""
    results = []
    for item in caller(**kwargs):
        results.append(await item if asyncio.iscoroutine(item) else item)
    return results
