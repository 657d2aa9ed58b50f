"""The Dockerfile keeps the promises the Helm chart relies on.

No Docker engine is needed: the Dockerfile is parsed into its instructions and checked for a
separate build stage, a runtime stage that receives only the virtualenv, a numeric non-root
user, and a build context that contains everything the package needs and nothing else.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_UID = 10001


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, instruction: str) -> list[str]:
        return [arg for name, arg in self.instructions if name == instruction]


def parse_stages(text: str) -> list[Stage]:
    """Instructions grouped by stage, with continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        instruction, _, arg = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            match = re.fullmatch(r"(\S+)\s+AS\s+(\S+)", arg.strip(), re.IGNORECASE)
            assert match, f"every stage is named: {line}"
            stages.append(Stage(name=match.group(2), base=match.group(1)))
        elif stages:
            stages[-1].instructions.append((instruction, arg.strip()))
    return stages


def stages() -> list[Stage]:
    return parse_stages((ROOT / "Dockerfile").read_text())


def test_image_is_built_in_one_stage_and_run_from_another() -> None:
    build, runtime = stages()
    assert (build.name, runtime.name) == ("build", "runtime")
    assert build.base == runtime.base, "the virtualenv links to the same interpreter path"
    assert any("pip wheel" in run for run in build.args("RUN"))
    copies = runtime.args("COPY")
    assert copies == ["--from=build /opt/venv /opt/venv"], "only the virtualenv reaches runtime"
    assert not any("pip" in run for run in runtime.args("RUN"))


def test_runtime_runs_as_a_numeric_non_root_user() -> None:
    runtime = stages()[-1]
    users = runtime.args("USER")
    assert users, "the runtime stage must switch user"
    uid, _, gid = users[-1].partition(":")
    assert uid == str(APP_UID), "a numeric UID lets Kubernetes verify runAsNonRoot"
    assert gid in ("", str(APP_UID))
    assert f"APP_UID={APP_UID}" in runtime.args("ARG")
    assert "--uid ${APP_UID}" in " ".join(runtime.args("RUN"))


def test_runtime_writes_only_to_its_data_directory() -> None:
    runtime = stages()[-1]
    assert runtime.args("WORKDIR") == ["/var/lib/gongzhi"]
    assert runtime.args("VOLUME") == ['["/var/lib/gongzhi"]']
    env = " ".join(runtime.args("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert any("compileall" in run for run in stages()[0].args("RUN"))


def test_entrypoint_is_the_gongzhi_command_serving_on_the_exposed_port() -> None:
    runtime = stages()[-1]
    assert json.loads(runtime.args("ENTRYPOINT")[-1]) == ["gongzhi"]
    command = json.loads(runtime.args("CMD")[-1])
    assert command[0] == "serve"
    assert command[command.index("--host") + 1] == "0.0.0.0"
    port = command[command.index("--port") + 1]
    assert runtime.args("EXPOSE") == [port]


def test_build_context_holds_every_package_and_nothing_else() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {
        pattern.rstrip("*")
        for pattern in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    build = stages()[0]
    sources = {copy.split()[0] for copy in build.args("COPY")}
    assert packages | {"pyproject.toml"} <= sources

    rules = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert rules[0] == "**", "the context is an allow-list"

    def included(path: str) -> bool:
        keep = True
        for rule in rules:
            negated = rule.startswith("!")
            pattern = rule.lstrip("!").rstrip("/")
            if fnmatch(path, pattern) or fnmatch(path, pattern + "/*"):
                keep = negated
        return keep

    for source in sources:
        assert included(source), f"{source} is copied but ignored"
    for local in (".venv/bin/python", ".git/HEAD", "var/gongzhi.db", "core/__pycache__/x.pyc"):
        assert not included(local), f"{local} must stay out of the image"
