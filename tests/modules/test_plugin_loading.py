"""Loading is isolated: a faulty plugin is skipped and reported, the rest load."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.modules import host as host_module
from core.modules.host import PluginHost, PluginLoadError
from core.settings import Settings
from tests.modules.sample_plugins import (
    BadManifestPlugin,
    HangingManifestPlugin,
    MigrationsPlugin,
    NotesPlugin,
    UnknownHookPlugin,
)

SECRET = "x" * 40


def load(*plugins: tuple[str, object], strict: bool = False, **settings: object) -> PluginHost:
    host = PluginHost(Settings(secret_key=SECRET, strict_plugins=strict, **settings))  # type: ignore[arg-type]
    host.load(plugins, discover=False)
    return host


def reasons(host: PluginHost) -> dict[str, str]:
    return {f.name: f.reason for f in host.failures}


def test_good_plugin_loads_with_its_manifest_and_routes() -> None:
    host = load(("notes", NotesPlugin()))
    assert list(host.plugins) == ["notes"]
    assert host.plugins["notes"].manifest.title_en == "notes module"
    assert len(host.plugins["notes"].routes) == 2
    assert host.failures == []


def test_bad_manifest_is_skipped_and_reported_while_others_load() -> None:
    host = load(("bad", BadManifestPlugin()), ("notes", NotesPlugin()))
    assert list(host.plugins) == ["notes"]
    assert "bad manifest" in reasons(host)["bad"]
    assert "kebab-case" in reasons(host)["bad"]


def test_unknown_hook_is_reported() -> None:
    host = load(("unknown-hook", UnknownHookPlugin()), ("notes", NotesPlugin()))
    assert list(host.plugins) == ["notes"]
    assert "unknown hook" in reasons(host)["unknown-hook"]
    assert "gongzhi_no_such_hook" in reasons(host)["unknown-hook"]


def test_duplicate_module_name_keeps_the_first() -> None:
    host = load(("notes", NotesPlugin()), ("notes-again", NotesPlugin()))
    assert list(host.plugins) == ["notes"]
    assert "duplicate module name" in reasons(host)["notes-again"]


def test_missing_required_module_skips_the_dependent_and_its_dependents() -> None:
    host = load(
        ("a", NotesPlugin("a", requires=["absent"])),
        ("b", NotesPlugin("b", requires=["a"])),
        ("c", NotesPlugin("c")),
    )
    assert list(host.plugins) == ["c"]
    assert "absent" in reasons(host)["a"]
    assert "a" in reasons(host)["b"]


def test_hanging_manifest_cannot_block_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(host_module, "STARTUP_HOOK_TIMEOUT", 0.2)
    host = load(("hanging", HangingManifestPlugin()), ("notes", NotesPlugin()))
    assert list(host.plugins) == ["notes"]
    assert "did not return" in reasons(host)["hanging"]


def test_missing_migrations_folder_fails_the_plugin(tmp_path: Path) -> None:
    host = load(("with-migrations", MigrationsPlugin(tmp_path / "nope")))
    assert host.plugins == {}
    assert "migrations: folder" in reasons(host)["with-migrations"]
    assert "does not exist" in reasons(host)["with-migrations"]
    host = load(("with-migrations", MigrationsPlugin(tmp_path)))
    assert host.migration_locations() == [tmp_path]


def test_strict_mode_turns_failures_into_errors() -> None:
    with pytest.raises(PluginLoadError, match="bad manifest"):
        load(("bad", BadManifestPlugin()), strict=True)


def test_allow_and_block_lists_select_entry_points() -> None:
    everything = PluginHost(Settings(secret_key=SECRET))
    names = {c.name for c in everything.discover()}
    none = PluginHost(Settings(secret_key=SECRET, plugins=()))
    assert none.discover() == []
    blocked = PluginHost(Settings(secret_key=SECRET, disabled_plugins=tuple(names)))
    assert blocked.discover() == []


def test_status_rows_list_loaded_and_failed_plugins() -> None:
    host = load(("bad", BadManifestPlugin()), ("notes", NotesPlugin()))
    rows = {r["name"]: r for r in host.status_rows()}
    assert rows["notes"]["status"] == "loaded"
    assert rows["bad"]["status"] == "failed"
    assert rows["bad"]["reason"].startswith("bad manifest")


def test_hook_subset_is_cached_per_enabled_set() -> None:
    host = load(("a", NotesPlugin("a")), ("b", NotesPlugin("b")))
    first = host.hook_for("gongzhi_module_enabled", ["a"])
    assert host.hook_for("gongzhi_module_enabled", ["a"]) is first
    assert host.hook_for("gongzhi_module_enabled", ["a", "b"]) is not first


def test_plugins_requiring_each_other_in_a_cycle_are_skipped() -> None:
    host = load(
        ("a", NotesPlugin("a", requires=["b"])),
        ("b", NotesPlugin("b", requires=["a"])),
        ("c", NotesPlugin("c", requires=["a"])),
        ("d", NotesPlugin("d")),
    )
    assert list(host.plugins) == ["d"]
    assert reasons(host)["a"] == "requires form a cycle"
    assert "a" in reasons(host)["c"]
