"""Every hook has a reference entry in docs/plugins.md and an implementation exercised in tests."""

from __future__ import annotations

import re
from pathlib import Path

import pluggy
import pytest

from core.modules import hookspecs
from core.modules.hookspecs import all_hook_names

ROOT = Path(__file__).resolve().parents[2]
HOOKS = all_hook_names()


def test_the_hooks_are_those_of_the_module_sdk() -> None:
    assert HOOKS == [
        "gongzhi_commands",
        "gongzhi_console_pages",
        "gongzhi_demo_load",
        "gongzhi_manifest",
        "gongzhi_module_disabled",
        "gongzhi_module_enabled",
        "gongzhi_soak_invariants",
        "gongzhi_subscribe",
        "gongzhi_tenant_created",
        "gongzhi_tenant_file_sections",
    ]


def test_only_the_manifest_hook_has_one_answer() -> None:
    """Every other hook collects each plugin's answer, so none can drop a plugin silently."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    first_result = [
        name for name in HOOKS if getattr(manager.hook, name).spec.opts.get("firstresult")
    ]
    assert first_result == ["gongzhi_manifest"]


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook: str) -> None:
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert f"### `{hook}`" in docs, f"docs/plugins.md has no reference entry for {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook: str) -> None:
    pattern = re.compile(rf"def {hook}\(")
    sources = [
        p
        for p in (ROOT / "tests").rglob("*.py")
        if "fixtures" not in p.parts and p.name != Path(__file__).name
    ]
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in sources), (
        f"no test plugin implements {hook}"
    )
