"""The module SDK's hooks and manifest: one answer per plugin never drops one, the manifest is
checked at load (removed hooks, kernel version, reserved names, foreign permissions), events
follow their contracts, and the kernel's areas are plugins but never modules."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime
from typing import Any

import click
import msgspec
import pytest
from click.testing import CliRunner
from litestar import Controller, Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from core import DemoContext, EventContract, Manifest, Tenant, __version__, emit, hookimpl
from core.app import create_app
from core.db import Database
from core.kernel import new_host
from core.modules.events import declared_event
from core.modules.host import PluginHost, PluginLoadError
from core.modules.manifest import RESERVED_NAMES, ManifestError
from core.modules.models import OutboxEvent
from core.settings import Settings
from core.testing import make_tree, settings_for_tests
from tests.modules.sample_plugins import (
    NotesPlugin,
    OldHooksPlugin,
    Pinged,
    SectionPlugin,
    manifest,
)

SECRET = "x" * 40


def load(*plugins: tuple[str, object], strict: bool = False) -> PluginHost:
    return new_host(Settings(secret_key=SECRET, strict_plugins=strict), plugins, discover=False)


def reasons(host: PluginHost) -> dict[str, str]:
    return {f.name: f.reason for f in host.failures}


def test_the_kernel_has_version_0_2() -> None:
    assert __version__ == "0.2.0"


def test_a_plugin_still_implementing_a_removed_hook_is_refused_naming_the_field() -> None:
    host = load(("old-hooks", OldHooksPlugin()), ("notes", NotesPlugin()))
    assert list(host.plugins) == ["notes"]
    reason = reasons(host)["old-hooks"]
    assert "gongzhi_metrics" in reason
    assert "Manifest.metrics" in reason
    with pytest.raises(PluginLoadError, match=r"declare Manifest\.metrics instead"):
        load(("old-hooks", OldHooksPlugin()), strict=True)


@pytest.mark.parametrize("supported", [">=0.3", "<0.2", "==0.1.*"])
def test_a_plugin_for_another_kernel_version_is_refused(supported: str) -> None:
    host = load(("notes", NotesPlugin(core=supported)))
    assert host.plugins == {}
    reason = reasons(host)["notes"]
    assert f"supports kernel versions {supported!r}" in reason
    assert __version__ in reason


def test_a_kernel_version_that_is_no_specifier_is_refused() -> None:
    host = load(("notes", NotesPlugin(core="version two")))
    assert "PEP 440" in reasons(host)["notes"]


@pytest.mark.parametrize("name", sorted(RESERVED_NAMES))
def test_a_module_named_like_a_core_route_segment_is_refused(name: str) -> None:
    host = load((name, NotesPlugin(name)))
    assert host.plugins == {}
    assert "core's own tenant routes" in reasons(host)[name]


def test_the_reserved_names_are_the_core_s_own_tenant_route_segments() -> None:
    app = create_app(settings_for_tests("sqlite+aiosqlite:///:memory:"), discover_plugins=False)
    prefix = "/api/v1/tenants/{tenant_key:str}/"
    segments = {
        route.path[len(prefix) :].split("/")[0]
        for route in app.routes
        if route.path.startswith(prefix)
    }
    assert segments == set(RESERVED_NAMES)


def _foreign_route() -> Any:
    @get("/peek", opt={"permission": "tenants:write"})
    async def peek(tenant: Tenant) -> dict[str, str]:
        return {}

    return peek


def test_a_route_guarded_by_another_area_s_permission_is_refused_at_load() -> None:
    host = load(("notes", NotesPlugin(routes=[_foreign_route()])))
    assert host.plugins == {}
    reason = reasons(host)["notes"]
    assert "'tenants:write'" in reason
    assert "not one of the module's own permissions" in reason


def test_a_route_without_a_permission_is_refused_and_a_controller_s_option_counts() -> None:
    @get("/open")
    async def open_route() -> dict[str, str]:
        return {}

    host = load(("notes", NotesPlugin(routes=[open_route])))
    assert "declares no opt['permission']" in reasons(host)["notes"]

    class Guarded(Controller):
        path = "/guarded"
        opt = {"permission": "notes:read"}  # noqa: RUF012

        @get("/")
        async def inherit(self) -> dict[str, str]:
            return {}

        @get("/own", opt={"permission": "other:read"})
        async def override(self) -> dict[str, str]:
            return {}

    host = load(("notes", NotesPlugin(routes=[Guarded])))
    assert "'other:read'" in reasons(host)["notes"]


def test_manifest_rules_name_their_field() -> None:
    class NotAStruct:
        pass

    bad_events = manifest(
        "notes",
        events=[EventContract("notes.x", NotAStruct, "x", "x")],  # type: ignore[arg-type]
    )
    with pytest.raises(ManifestError, match=r"^events: payload"):
        bad_events.validate(["district"])
    foreign = manifest("notes", events=[EventContract("other.x", Pinged, "x", "x")])
    with pytest.raises(ManifestError, match=r"^events: 'other\.x' must be named notes"):
        foreign.validate(["district"])


def test_every_plugin_s_commands_and_tenant_file_sections_are_collected() -> None:
    host = load(
        ("alpha", SectionPlugin("alpha", "alphas")), ("beta", SectionPlugin("beta", "betas"))
    )
    assert sorted(host.plugins) == ["alpha", "beta"]
    assert [s.name for s in host.tenant_file_sections()] == ["users", "modules", "alphas", "betas"]
    group = click.Group()
    host.pm.hook.gongzhi_commands(cli=group)
    assert {"alpha-hello", "beta-hello", "tenants", "users", "plugins"} <= set(group.commands)
    runner = CliRunner()
    assert runner.invoke(group, ["alpha-hello"]).stdout == "hello from alpha\n"
    assert runner.invoke(group, ["beta-hello"]).stdout == "hello from beta\n"


def test_a_section_named_like_a_tenant_field_or_taken_skips_the_plugin() -> None:
    host = load(
        ("alpha", SectionPlugin("alpha", "users")),
        ("beta", SectionPlugin("beta", "level")),
        ("gamma", SectionPlugin("gamma", "gammas")),
    )
    assert list(host.plugins) == ["gamma"]
    assert "declared twice" in reasons(host)["alpha"]
    assert "tenant field" in reasons(host)["beta"]


def test_the_kernel_s_areas_are_plugins_but_never_modules() -> None:
    host = load(("notes", NotesPlugin()))
    registered = {name for name, _ in host.pm.list_name_plugin()}
    assert {"core:tenancy", "core:identity", "core:modules"} <= registered
    assert list(host.plugins) == ["notes"]
    assert list(host.manifests) == ["notes"]
    assert [r["name"] for r in host.status_rows()] == ["notes"]
    assert host.hook_for("gongzhi_tenant_created", []) is not None


class DemoPlugin:
    """Implements the demo hook (the loading command belongs to ``gongzhi demo load``)."""

    def __init__(self) -> None:
        self.loaded: list[tuple[str, int, date]] = []

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest("demo-notes")

    @hookimpl
    async def gongzhi_demo_load(self, context: DemoContext) -> None:
        self.loaded.append((context.root.slug, context.random.randint(1, 10**6), context.today))


async def test_the_demo_hook_receives_the_context(db: Database) -> None:
    plugin = DemoPlugin()
    host = load(("demo-notes", plugin))
    tree = await make_tree(db, {"district": {"town": {}}})
    async with db.session() as session:
        context = DemoContext(
            session=session,
            root=tree["district"],
            tenants=tree,
            random=random.Random(7),
            today=date(2026, 11, 30),
        )
        for pending in host.pm.hook.gongzhi_demo_load(context=context):
            await pending
    assert plugin.loaded == [("district", random.Random(7).randint(1, 10**6), date(2026, 11, 30))]


class Other(msgspec.Struct):
    slug: str


async def test_emit_fills_the_source_and_checks_the_payload_against_its_contract(
    db: Database,
) -> None:
    load(("notes", NotesPlugin()))
    assert declared_event("notes.pinged") is not None
    tree = await make_tree(db, {"district": {}})
    tenant_id = tree["district"].id
    async with db.session(write=True) as session:
        with pytest.raises(ValueError, match=r"not declared.*Manifest\.events"):
            await emit(session, "notes.unknown", tenant_id=tenant_id, payload=Pinged("x"))
        with pytest.raises(TypeError, match=r"must be tests\.modules\.sample_plugins\.Pinged"):
            await emit(session, "notes.pinged", tenant_id=tenant_id, payload=Other("x"))
        with pytest.raises(ValueError, match="does not match its contract"):
            await emit(session, "notes.pinged", tenant_id=tenant_id, payload=Pinged(3))  # type: ignore[arg-type]
        event = await emit(session, "notes.pinged", tenant_id=tenant_id, payload=Pinged("d"))
    assert event.source == "notes"
    assert event.payload == {"slug": "d"}
    assert event.payload_as(Pinged) == Pinged("d")
    async with db.session() as session:
        rows = list(await session.scalars(select(OutboxEvent)))
    assert [(r.type, r.source, r.payload) for r in rows] == [
        ("notes.pinged", "notes", {"slug": "d"})
    ]


def test_five_sector_declares_its_events() -> None:
    from plugins.five_sector import MANIFEST
    from plugins.five_sector.events import ActivityClosed, CreditedParticipant

    assert {e.type: e.payload for e in MANIFEST.events} == {
        "five-sector.service-hours-recorded": MANIFEST.events[0].payload,
        "five-sector.activity-closed": ActivityClosed,
    }
    closed = ActivityClosed(
        activity_id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        closed_at=datetime(2026, 1, 1, tzinfo=UTC),
        person_times=3,
        participants=[CreditedParticipant(uuid.uuid4(), None, 90)],
    )
    assert msgspec.convert(msgspec.to_builtins(closed), ActivityClosed) == closed


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    return [("notes", NotesPlugin())]


async def test_kernel_areas_appear_in_no_module_list(
    admin_client: AsyncTestClient[Litestar], db: Database, app: Litestar
) -> None:
    await make_tree(db, {"district": {}})
    kernel = {"tenancy", "identity", "modules", "demo", "core:tenancy"}
    listed = await admin_client.get("/api/v1/tenants/district/modules")
    assert listed.status_code == 200, listed.text
    body = listed.json()
    rows = body["items"] if isinstance(body, dict) else body
    names = {m["module"] for m in rows}
    assert "notes" in names
    assert not names & kernel
    metrics = await admin_client.get("/api/v1/tenants/district/metrics")
    assert metrics.status_code == 200, metrics.text
    figures = {f["name"].split(".")[0] for f in metrics.json()["figures"]}
    assert not figures & kernel
    assert not set(app.state.host.plugins) & kernel


def test_without_plugins_the_kernel_s_sections_remain() -> None:
    host = load()
    assert [s.name for s in host.tenant_file_sections()] == ["users", "modules"]
