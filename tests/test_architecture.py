"""The import-linter contracts (``make lint``) cover every plugin package and the kernel's areas."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_every_package_under_plugins_is_in_the_independence_contract() -> None:
    packages = {
        f"plugins.{p.name}"
        for p in (ROOT / "plugins").iterdir()
        if p.is_dir() and (p / "__init__.py").is_file()
    }
    assert packages, "plugins/ holds no package"
    assert set(contracts()["plugins-are-independent"]["modules"]) == packages


def test_the_kernel_s_areas_are_layers() -> None:
    layers = contracts()["kernel-layers"]["layers"]
    for area in ("core.modules", "core.identity", "core.tenancy"):
        assert area in layers
    assert (
        layers.index("core.modules") < layers.index("core.identity") < layers.index("core.tenancy")
    )


def test_the_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
