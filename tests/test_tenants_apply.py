"""Declarative provisioning: ``gongzhi tenants apply FILE [--dry-run]`` and ``tenants show``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Manifest, hookimpl
from core import kernel as kernel_module
from core.cli import main
from core.db import SYSTEM, Database
from core.kernel import apply_tenant_file
from core.modules.host import PluginHost
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.provisioning import (
    LineError,
    PlanLine,
    TenantFileSection,
    check_sections,
    error_at,
)

ROOT = Path(__file__).resolve().parent.parent
WANGCHENG = str(ROOT / "tenants" / "wangcheng.yaml")
DEMO_USERS = 4
with open(WANGCHENG, encoding="utf-8") as _file:
    DISTRICT_MODULES = sorted(yaml.safe_load(_file)["tenants"][0]["modules"])
"""The modules whose policy the demo district sets (one plan line each)."""
"""Memberships the demo file declares under ``users:`` (one plan line each)."""
PARTY_BUILDING = 5
"""Plan lines of the demo file's ``party-building:`` section: the 综合党委 and four teams."""
TOWN_CODES = [
    "430112001", "430112003", "430112005", "430112006", "430112007", "430112008",
    "430112009", "430112011", "430112012", "430112013", "430112017", "430112101",
    "430112103", "430112106", "430112107", "430112115",
]  # fmt: skip


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("GONGZHI_DATABASE_URL", database_url)
    monkeypatch.setenv("GONGZHI_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("GONGZHI_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("GONGZHI_ARGON2_MEMORY_COST", "8")
    monkeypatch.setenv("GONGZHI_ARGON2_PARALLELISM", "1")
    return CliRunner()


def plan_lines(stdout: str) -> list[str]:
    """The plan's lines (``+``, ``~``, ``=``), without the summary or any log line."""
    return [line for line in stdout.splitlines() if line[:2] in ("+ ", "~ ", "= ")]


def run(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, ["tenants", *args], catch_exceptions=False)


def rows(database_url: str) -> dict[str, dict[str, Any]]:
    """Every tenant row by slug, read through a fresh engine."""

    async def read() -> dict[str, dict[str, Any]]:
        db = Database(
            Settings(database_url=database_url, secret_key="k" * 40), default_context=SYSTEM
        )
        try:
            async with db.session() as session:
                result = await session.execute(select(Tenant))
                return {
                    t.slug: {
                        "name": t.name,
                        "path": t.path,
                        "depth": t.depth,
                        "level": t.level,
                        "division_code": t.division_code,
                        "status": t.status,
                        "parent_id": t.parent_id,
                        "id": t.id,
                    }
                    for t in result.scalars()
                }
        finally:
            await db.dispose()

    return asyncio.run(read())


def write(tmp_path: Path, text: str, name: str = "tree.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


SMALL = """\
version: 1
tenants:
  - slug: wangcheng
    name: 望城区
    level: district
    division_code: "430112"
    children:
      - slug: gaotangling
        name: 高塘岭街道
        kind: 街道
        division_code: "430112001"
        children:
          - slug: wangfulu
            name: 望府路社区
"""


def test_wangcheng_applies_all_towns_and_communities_then_changes_nothing(
    cli: CliRunner, database_url: str
) -> None:
    first = run(cli, "apply", WANGCHENG)
    assert first.exit_code == 0, first.stderr
    lines = plan_lines(first.stdout)
    assert lines[0] == "+ create district wangcheng 望城区"
    assert "+ create town gaotangling 高塘岭街道" in lines
    assert "+ create community longwangling 龙王岭村" in lines
    assert sum(line.startswith("+ create ") for line in lines) == 36 + DEMO_USERS + PARTY_BUILDING
    for module in DISTRICT_MODULES:
        assert f"~ update module {module} at wangcheng: policy required" in lines
    updates = len(DISTRICT_MODULES)
    assert (
        f"plan: {40 + PARTY_BUILDING} to create, {updates} to update, 0 to move, 0 unchanged"
        in first.stdout
    )
    stored = rows(database_url)
    towns = [t for t in stored.values() if t["level"] == "town"]
    assert sorted(t["division_code"] for t in towns) == TOWN_CODES
    assert stored["baima"]["division_code"] == "430112017"
    assert stored["wangfulu"]["parent_id"] == stored["gaotangling"]["id"]
    assert len([t for t in stored.values() if t["level"] == "community"]) == 19

    second = run(cli, "apply", WANGCHENG)
    assert second.exit_code == 0, second.stderr
    plan = plan_lines(second.stdout)
    assert len(plan) == 36 + DEMO_USERS + PARTY_BUILDING + updates
    assert all(line.startswith("= unchanged ") for line in plan)
    assert (
        f"0 to create, 0 to update, 0 to move, {40 + PARTY_BUILDING + updates} unchanged"
        in second.stdout
    )
    assert rows(database_url) == stored


def test_dry_run_prints_the_plan_and_writes_nothing(cli: CliRunner, database_url: str) -> None:
    result = run(cli, "apply", "--dry-run", WANGCHENG)
    assert result.exit_code == 0, result.stderr
    created = sum(line.startswith("+ create ") for line in plan_lines(result.stdout))
    assert created == 36 + DEMO_USERS + PARTY_BUILDING
    assert "dry run" in result.stdout
    assert rows(database_url) == {}


def test_changed_fields_are_updates_and_a_new_parent_is_a_move(
    cli: CliRunner, database_url: str, tmp_path: Path
) -> None:
    assert run(cli, "apply", write(tmp_path, SMALL)).exit_code == 0
    before = rows(database_url)
    changed = SMALL.replace("高塘岭街道", "高塘岭街道办").replace(
        "        children:\n          - slug: wangfulu\n            name: 望府路社区\n",
        "      - slug: baima\n        name: 白马街道\n        children:\n"
        "          - slug: wangfulu\n            name: 望府路社区\n            kind: 社区\n",
    )
    dry = run(cli, "apply", "--dry-run", write(tmp_path, changed, "changed.yaml"))
    assert dry.exit_code == 0, dry.stderr
    assert rows(database_url) == before
    result = run(cli, "apply", write(tmp_path, changed, "changed.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:5] == [
        "= unchanged district wangcheng 望城区",
        "~ update town gaotangling 高塘岭街道办: name",
        "+ create town baima 白马街道",
        "~ move community wangfulu 望府路社区: parent gaotangling → baima",
        "~ update community wangfulu 望府路社区: kind",
    ]
    after = rows(database_url)
    assert after["wangfulu"]["path"] == f"{after['baima']['path']}{after['wangfulu']['id'].hex}/"
    assert after["wangfulu"]["depth"] == 2


def test_a_top_level_node_attaches_to_an_existing_parent(
    cli: CliRunner, database_url: str, tmp_path: Path
) -> None:
    assert run(cli, "apply", write(tmp_path, SMALL)).exit_code == 0
    extra = """\
version: 1
tenants:
  - parent: 430112001
    slug: xinkang
    name: 新康社区
    kind: 社区
"""
    result = run(cli, "apply", write(tmp_path, extra, "extra.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "+ create community xinkang 新康社区"
    stored = rows(database_url)
    assert stored["xinkang"]["parent_id"] == stored["gaotangling"]["id"]


def test_archived_status_in_the_file_archives_the_subtree(
    cli: CliRunner, database_url: str, tmp_path: Path
) -> None:
    assert run(cli, "apply", write(tmp_path, SMALL)).exit_code == 0
    archived = SMALL.replace(
        "        kind: 街道\n", "        kind: 街道\n        status: archived\n"
    )
    result = run(cli, "apply", write(tmp_path, archived, "archived.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "~ update town gaotangling 高塘岭街道: status" in result.stdout
    stored = rows(database_url)
    assert (stored["gaotangling"]["status"], stored["wangfulu"]["status"]) == (
        "archived",
        "archived",
    )


BAD_CASES = [
    ("unknown field", SMALL.replace("kind: 街道", "colour: red"), 10, "colour", "unknown field"),
    ("unknown section", SMALL.replace("kind: 街道", "widgets: []"), 10, "widgets", "unknown"),
    ("empty name", SMALL.replace("name: 高塘岭街道", 'name: ""'), 9, "name", "empty"),
    ("long name", SMALL.replace("高塘岭街道", "长" * 10_000), 9, "name", "at most 100"),
    ("emoji", SMALL.replace("望府路社区", "望府路社区🏠"), 14, "name", "U+1F3E0"),
    ("malformed code", SMALL.replace('"430112001"', '"43011200x"'), 11, "division_code", "6, 9"),
    ("short code", SMALL.replace('"430112001"', "4301120"), 11, "division_code", "6, 9"),
    ("code outside", SMALL.replace('"430112001"', '"430105001"'), 11, "division_code", "prefix"),
    (
        "wrong level",
        SMALL.replace("name: 望府路社区", "name: 望府路社区\n            level: town"),
        15,
        "level",
        "not below",
    ),
    ("duplicate slug", SMALL.replace("slug: wangfulu", "slug: gaotangling"), 13, "slug", "twice"),
    (
        "duplicate code",
        SMALL + '      - slug: baima\n        name: 白马街道\n        division_code: "430112001"\n',
        17,
        "division_code",
        "used twice in this file (first on line 11)",
    ),
    (
        "missing slug",
        SMALL.replace("- slug: wangfulu\n            name", "- name"),
        13,
        "slug",
        "required",
    ),
    ("bad slug", SMALL.replace("slug: wangfulu", "slug: Wang_Fu"), 13, "slug", "lowercase"),
    ("year", SMALL.replace("kind: 街道", "division_year: 1066"), 10, "division_year", "between"),
    ("nested parent", SMALL.replace("kind: 街道", "parent: wangcheng"), 10, "parent", "top-level"),
    (
        "malformed yaml",
        SMALL.replace("name: 望府路社区", "name: [望府路社区"),
        15,
        "yaml",
        "malformed",
    ),
    ("tab yaml", SMALL + "\t- x\n", 15, "yaml", "malformed"),
    ("version", SMALL.replace("version: 1", "version: 2"), 1, "version", "must be 1"),
    ("top unknown", SMALL + "extra: 1\n", 15, "extra", "unknown field"),
    ("duplicate key", SMALL.replace("kind: 街道", "name: 又一个"), 10, "name", "duplicate key"),
    ("text expected", SMALL.replace("name: 望府路社区", "name: 12"), 14, "name", "expected text"),
]


@pytest.mark.parametrize(
    ("text", "line", "field", "fragment"),
    [case[1:] for case in BAD_CASES],
    ids=[case[0] for case in BAD_CASES],
)
def test_bad_files_give_one_line_per_error_and_write_nothing(
    cli: CliRunner,
    database_url: str,
    tmp_path: Path,
    text: str,
    line: int,
    field: str,
    fragment: str,
) -> None:
    path = write(tmp_path, text)
    result = run(cli, "apply", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"错误 / error: {path}:{line}: {field}: "), errors[0]
    assert fragment in errors[0]
    assert rows(database_url) == {}


def test_several_problems_are_each_reported(cli: CliRunner, tmp_path: Path) -> None:
    text = SMALL.replace("name: 高塘岭街道", 'name: ""').replace("slug: wangfulu", "slug: W")
    result = run(cli, "apply", write(tmp_path, text))
    assert result.exit_code == 2
    assert [e.split(": ")[2] for e in result.stderr.splitlines()] == ["name", "slug"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("", "is empty"), ("- a\n- b\n", "expected a mapping")],
)
def test_a_missing_or_empty_file_is_one_line(
    cli: CliRunner, tmp_path: Path, content: str | None, message: str
) -> None:
    path = str(tmp_path / "tree.yaml") if content is None else write(tmp_path, content)
    result = run(cli, "apply", path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_late_failure_leaves_nothing_half_applied(
    cli: CliRunner, database_url: str, tmp_path: Path
) -> None:
    assert run(cli, "apply", write(tmp_path, SMALL)).exit_code == 0
    before = rows(database_url)
    text = """\
version: 1
tenants:
  - parent: wangcheng
    slug: baima
    name: 白马街道
    division_code: "430112017"
  - parent: gaotangling
    slug: xinkang
    name: 新康社区
  - parent: wangcheng
    slug: copycat
    name: 重码街道
    division_code: "430112001"
"""
    path = write(tmp_path, text)
    result = run(cli, "apply", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"错误 / error: {path}:13: division_code: '430112001' is already used by another tenant"
    )
    assert rows(database_url) == before


def test_cycles_and_unknown_parents_in_the_database_are_refused(
    cli: CliRunner, database_url: str, tmp_path: Path
) -> None:
    assert run(cli, "apply", write(tmp_path, SMALL)).exit_code == 0
    before = rows(database_url)
    cycle = "version: 1\ntenants:\n  - parent: wangfulu\n    slug: wangcheng\n    name: 望城区\n"
    path = write(tmp_path, cycle)
    result = run(cli, "apply", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误 / error: {path}:3: parent: cannot move")
    orphan = cycle.replace("wangfulu", "nowhere")
    result = run(cli, "apply", write(tmp_path, orphan))
    assert "parent: no tenant 'nowhere'" in result.stderr
    assert rows(database_url) == before


def test_show_prints_the_subtree_as_an_indented_tree(cli: CliRunner, tmp_path: Path) -> None:
    assert run(cli, "apply", write(tmp_path, SMALL)).exit_code == 0
    result = run(cli, "show", "430112")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "望城区 (wangcheng) district 430112",
        "  高塘岭街道 (gaotangling) town 430112001",
        "    望府路社区 (wangfulu) community",
    ]
    missing = run(cli, "show", "nowhere")
    assert missing.exit_code == 2
    assert "nowhere" in missing.stderr


async def test_the_applied_district_lists_its_16_towns_over_http(
    db: Database, admin_client: AsyncTestClient[Litestar]
) -> None:
    await apply_tenant_file(db, WANGCHENG)
    response = await admin_client.get("/api/v1/tenants/430112/children")
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == 16
    assert [t["division_code"] for t in page["items"]] == TOWN_CODES
    assert {t["kind"] for t in page["items"]} == {"街道", "镇"}
    assert all(t["level"] == "town" for t in page["items"])
    communities = await admin_client.get("/api/v1/tenants/wushan/children")
    assert communities.json()["total"] == 8
    async with db.session() as session:
        total = (await session.execute(select(func.count()).select_from(Tenant))).scalar_one()
    assert total == 36


class TagsSection:
    """A sample extra key ``tags:`` added by a module the way identity and the plugin host do."""

    name = "tags"

    def __init__(self) -> None:
        self.seen: list[tuple[str, list[str]]] = []

    def validate(self, value: yaml.Node, settings: Settings) -> list[LineError]:
        if not isinstance(value, yaml.SequenceNode):
            return [error_at(value, "tags", "expected a list of tags")]
        return [
            error_at(item, "tags", "expected a tag")
            for item in value.value
            if not isinstance(item, yaml.ScalarNode)
        ]

    async def apply(
        self, session: AsyncSession, settings: Settings, tenant: Tenant, value: yaml.Node
    ) -> list[PlanLine]:
        assert (await session.get(Tenant, tenant.id)) is not None
        names = [str(item.value) for item in value.value]
        self.seen.append((tenant.slug, names))
        return [PlanLine("update", f"tags {tenant.slug}", ", ".join(names))]


class TagsPlugin:
    def __init__(self, section: TenantFileSection) -> None:
        self.section = section

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return Manifest(name="tagger", title="标签", title_en="Tags", version="1.0.0")

    @hookimpl
    def gongzhi_tenant_file_sections(self) -> list[TenantFileSection]:
        return [self.section]


@pytest.fixture
def tags_section(monkeypatch: pytest.MonkeyPatch) -> TagsSection:
    handler = TagsSection()
    hosts: dict[str, PluginHost] = {}

    def load_host(settings: Settings) -> PluginHost:
        if "host" not in hosts:
            hosts["host"] = kernel_module.new_host(
                settings.with_(strict_plugins=True), [("tagger", TagsPlugin(handler))]
            )
        return hosts["host"]

    monkeypatch.setattr(kernel_module, "load_host", load_host)
    return handler


def test_registered_sections_validate_and_apply_in_the_same_transaction(
    cli: CliRunner, tmp_path: Path, tags_section: TagsSection
) -> None:
    text = SMALL.replace("kind: 街道", "kind: 街道\n        tags: [party_building, five_sector]")
    result = run(cli, "apply", write(tmp_path, text))
    assert result.exit_code == 0, result.stderr
    assert "~ update tags gaotangling: party_building, five_sector" in result.stdout
    assert tags_section.seen == [("gaotangling", ["party_building", "five_sector"])]
    bad = SMALL.replace("kind: 街道", "tags: {a: 1}")
    path = write(tmp_path, bad, "bad.yaml")
    failed = run(cli, "apply", path)
    assert failed.exit_code == 2
    assert failed.stderr.strip() == (f"错误 / error: {path}:10: tags: expected a list of tags")


def test_a_section_cannot_take_a_tenant_field_name() -> None:
    with pytest.raises(ValueError, match="tenant field"):
        check_sections(["name"])
    with pytest.raises(ValueError, match="declared twice"):
        check_sections(["tags", "tags"])
