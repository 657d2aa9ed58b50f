"""Small in-test plugins exercising every hook of the host."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from litestar import get, post
from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Event, Manifest, MetricQuery, Permission, Tenant, emit, hookimpl
from core.tenancy.models import Tenant as TenantModel


def manifest(name: str, **kwargs: Any) -> Manifest:
    defaults: dict[str, Any] = {
        "title": f"{name}模块",
        "title_en": f"{name} module",
        "version": "1.0.0",
    }
    defaults.update(kwargs)
    if "permissions" not in defaults:
        defaults["permissions"] = [
            Permission(
                f"{name}:read", "查看", "Read", frozenset({"admin", "staff", "member"}), name
            ),
            Permission(f"{name}:write", "编辑", "Write", frozenset({"admin", "staff"}), name),
        ]
    return Manifest(name=name, **defaults)


class NotesPlugin:
    """A module with a route, a metric, an emitted event and lifecycle hooks."""

    def __init__(self, name: str = "notes", **manifest_kwargs: Any) -> None:
        self.name = name
        self.manifest_kwargs = manifest_kwargs
        self.lifecycle: list[tuple[str, str]] = []

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest(self.name, **self.manifest_kwargs)

    @hookimpl
    def gongzhi_routes(self) -> Sequence[Any]:
        name = self.name

        @get("/hello", opt={"permission": f"{name}:read"}, name=f"{name}-hello")
        async def hello(tenant: Tenant) -> dict[str, str]:
            return {"module": name, "tenant": tenant.slug}

        @post("/ping", opt={"permission": f"{name}:write"}, name=f"{name}-ping")
        async def ping(tenant: Tenant, session: AsyncSession) -> dict[str, str]:
            event = await emit(
                session,
                f"{name}.pinged",
                tenant_id=tenant.id,
                payload={"slug": tenant.slug},
                source=name,
            )
            return {"event": str(event.id)}

        return [hello, ping]

    @hookimpl
    def gongzhi_metrics(self) -> Sequence[MetricQuery]:
        return [
            MetricQuery(
                name=f"{self.name}.tenants",
                title="组织数",
                title_en="Tenants",
                unit="count",
                query=lambda: select(TenantModel.id, literal(1)),
            )
        ]

    @hookimpl
    async def gongzhi_tenant_created(self, session: AsyncSession, tenant: Tenant) -> None:
        self.lifecycle.append(("created", tenant.slug))

    @hookimpl
    def gongzhi_commands(self, cli: click.Group) -> None:
        @cli.command(f"{self.name}-hello", help=f"{self.name} says hello")
        def hello() -> None:
            click.echo(f"hello from {self.name}")

    @hookimpl
    def gongzhi_soak_invariants(self) -> Sequence[Callable[[AsyncSession], Any]]:
        async def tenants_have_paths(session: AsyncSession) -> list[str]:
            rows = await session.scalars(select(TenantModel.slug).where(TenantModel.path == ""))
            return [f"tenant {slug} has no path" for slug in rows]

        return [tenants_have_paths]

    @hookimpl
    async def gongzhi_module_enabled(
        self, session: AsyncSession, tenant: Tenant, module: str
    ) -> None:
        self.lifecycle.append(("enabled", tenant.slug))

    @hookimpl
    async def gongzhi_module_disabled(
        self, session: AsyncSession, tenant: Tenant, module: str
    ) -> None:
        self.lifecycle.append(("disabled", tenant.slug))


class ListenerPlugin:
    """Subscribes to another module's events; optionally fails."""

    def __init__(self, event_type: str, *, fail: bool = False, name: str = "listener") -> None:
        self.event_type = event_type
        self.fail = fail
        self.name = name
        self.seen: list[uuid.UUID] = []

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest(self.name)

    @hookimpl
    def gongzhi_subscribe(self, subscribe: Callable[[str, Any], None]) -> None:
        async def on_event(session: AsyncSession, event: Event) -> None:
            if self.fail:
                raise RuntimeError("listener broke")
            self.seen.append(event.id)

        subscribe(self.event_type, on_event)


class BrokenMetricsPlugin:
    def __init__(self, name: str = "broken-metrics") -> None:
        self.name = name

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest(self.name)

    @hookimpl
    def gongzhi_metrics(self) -> Sequence[MetricQuery]:
        def boom() -> Any:
            raise RuntimeError("metric query broke")

        return [MetricQuery(f"{self.name}.x", "坏", "Broken", "count", boom)]


class HangingManifestPlugin:
    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        time.sleep(5)
        return manifest("hanging")


class BadManifestPlugin:
    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest("Bad_Name", permissions=[])


class UnknownHookPlugin:
    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest("unknown-hook")

    @hookimpl
    def gongzhi_no_such_hook(self) -> None:
        return None


class MigrationsPlugin:
    def __init__(self, path: Path) -> None:
        self.path = path

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest("with-migrations")

    @hookimpl
    def gongzhi_migrations(self) -> Path:
        return self.path
