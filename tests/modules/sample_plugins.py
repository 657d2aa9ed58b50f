"""Small in-test plugins exercising every hook of the host and every manifest field."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
import msgspec
import yaml
from litestar import get, post
from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    Event,
    EventContract,
    Manifest,
    MetricQuery,
    Permission,
    SubscribeCallback,
    SubscriberScope,
    Tenant,
    TenantFileSection,
    emit,
    hookimpl,
)
from core.db import CONTEXT_KEY
from core.tenancy.models import Tenant as TenantModel
from core.tenancy.provisioning import LineError, PlanLine


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


class Pinged(msgspec.Struct, frozen=True):
    """The payload of ``<notes>.pinged``."""

    slug: str


class NotesPlugin:
    """A module with routes, a metric, a declared and emitted event and lifecycle hooks."""

    def __init__(self, name: str = "notes", **manifest_kwargs: Any) -> None:
        self.name = name
        self.manifest_kwargs = manifest_kwargs
        self.lifecycle: list[tuple[str, str]] = []

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        fields: dict[str, Any] = {
            "routes": self.routes(),
            "metrics": self.metrics(),
            "events": [EventContract(f"{self.name}.pinged", Pinged, "被点名", "Pinged")],
        }
        fields.update(self.manifest_kwargs)
        return manifest(self.name, **fields)

    def routes(self) -> Sequence[Any]:
        name = self.name

        @get("/hello", opt={"permission": f"{name}:read"}, name=f"{name}-hello")
        async def hello(tenant: Tenant) -> dict[str, str]:
            return {"module": name, "tenant": tenant.slug}

        @post("/ping", opt={"permission": f"{name}:write"}, name=f"{name}-ping")
        async def ping(tenant: Tenant, session: AsyncSession) -> dict[str, str]:
            event = await emit(
                session, f"{name}.pinged", tenant_id=tenant.id, payload=Pinged(slug=tenant.slug)
            )
            return {"event": str(event.id)}

        return [hello, ping]

    def metrics(self) -> Sequence[MetricQuery]:
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

    def __init__(
        self,
        event_type: str,
        *,
        fail: bool = False,
        name: str = "listener",
        scope: SubscriberScope = "tenant",
    ) -> None:
        self.event_type = event_type
        self.fail = fail
        self.name = name
        self.scope: SubscriberScope = scope
        self.seen: list[uuid.UUID] = []
        self.reaches: list[str | None] = []
        """The tenant path of each handler's row-level-security context."""

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest(self.name)

    @hookimpl
    def gongzhi_subscribe(self, subscribe: SubscribeCallback) -> None:
        async def on_event(session: AsyncSession, event: Event) -> None:
            if self.fail:
                raise RuntimeError("listener broke")
            self.seen.append(event.id)
            self.reaches.append(session.info[CONTEXT_KEY].tenant_path)

        subscribe(self.event_type, on_event, scope=self.scope)


class BrokenMetricsPlugin:
    def __init__(self, name: str = "broken-metrics") -> None:
        self.name = name

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        def boom() -> Any:
            raise RuntimeError("metric query broke")

        return manifest(
            self.name, metrics=[MetricQuery(f"{self.name}.x", "坏", "Broken", "count", boom)]
        )


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
        return manifest("with-migrations", migrations=self.path)


class OldHooksPlugin:
    """Written for Gongzhi 0.1: still answers a hook that became a manifest field."""

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest("old-hooks")

    @hookimpl
    def gongzhi_metrics(self) -> Sequence[MetricQuery]:
        return []


class TagsSection:
    """A ``tags:`` key of tenant nodes: a list of words, echoed as plan lines."""

    def __init__(self, name: str = "tags") -> None:
        self.name = name

    def validate(self, value: Any, settings: Any) -> list[LineError]:
        if not isinstance(value, yaml.SequenceNode):
            return [LineError(value.start_mark.line + 1, self.name, "expected a list")]
        return []

    async def apply(
        self, session: AsyncSession, settings: Any, tenant: Tenant, value: Any
    ) -> list[PlanLine]:
        words = ",".join(str(v.value) for v in value.value)
        return [PlanLine("update", f"{self.name} of {tenant.slug}", words)]


class SectionPlugin:
    """Adds a command and a tenant-file section, as any module may."""

    def __init__(self, name: str, section: str) -> None:
        self.name = name
        self.section = section

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest(self.name)

    @hookimpl
    def gongzhi_commands(self, cli: click.Group) -> None:
        @cli.command(f"{self.name}-hello", help=f"{self.name} says hello")
        def hello() -> None:
            click.echo(f"hello from {self.name}")

    @hookimpl
    def gongzhi_tenant_file_sections(self) -> Sequence[TenantFileSection]:
        return [TagsSection(self.section)]
