"""Every hook has a reference entry in docs/plugins.md and an implementation exercised in tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.modules.hookspecs import all_hook_names

ROOT = Path(__file__).resolve().parents[2]
HOOKS = all_hook_names()


def test_there_are_hooks() -> None:
    assert "gongzhi_manifest" in HOOKS
    assert len(HOOKS) >= 10


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
