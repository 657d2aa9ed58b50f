"""Tenant files declare module policies and choices; apply is idempotent and all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.db import Database
from core.kernel import apply_tenant_file, new_host
from core.modules.host import PluginHost
from core.modules.models import ModuleChoice, ModulePolicy
from core.settings import Settings
from core.tenancy.provisioning import ProvisioningError
from tests.modules.sample_plugins import NotesPlugin

FILE = """\
version: 1
tenants:
  - slug: district
    name: 示例区
    level: district
    modules:
      notes: {policy: allowed}
      needs-notes: {policy: required}
    children:
      - slug: town
        name: 示例街道
        level: town
        modules:
          notes: {enabled: true, policy: required}
"""


@pytest.fixture
def host(settings: Settings) -> PluginHost:
    return new_host(
        settings,
        [("notes", NotesPlugin()), ("needs-notes", NotesPlugin("needs-notes", requires=["notes"]))],
        discover=False,
    )


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "tree.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


async def rows(db: Database) -> dict[str, Any]:
    from sqlalchemy import select

    async with db.session() as session:
        policies = {(p.module, p.policy) for p in await session.scalars(select(ModulePolicy))}
        choices = {(c.module, c.enabled) for c in await session.scalars(select(ModuleChoice))}
    return {"policies": policies, "choices": choices}


async def test_apply_sets_policies_and_choices_and_is_idempotent(
    tmp_path: Path, db: Database, host: PluginHost
) -> None:
    path = write(tmp_path, FILE)
    plan = await apply_tenant_file(db, host=host, path=path)
    text = [str(line) for line in plan.lines]
    assert "~ update module needs-notes at district: policy required" in text
    assert "~ update module notes at town: policy required" in text
    assert "~ update module notes at town: enabled true" in text
    assert await rows(db) == {
        "policies": {("notes", "allowed"), ("needs-notes", "required"), ("notes", "required")},
        "choices": {("notes", True)},
    }
    again = await apply_tenant_file(db, host=host, path=path)
    assert {line.action for line in again.lines} == {"unchanged"}


async def test_unknown_module_and_bad_values_name_the_line(
    tmp_path: Path, db: Database, host: PluginHost
) -> None:
    bad = FILE.replace("notes: {policy: allowed}", "nope: {policy: allowed}").replace(
        "{enabled: true, policy: required}", "{enabled: maybe, policy: always}"
    )
    with pytest.raises(ProvisioningError) as caught:
        await apply_tenant_file(db, host=host, path=write(tmp_path, bad))
    rendered = [e.render("tree.yaml") for e in caught.value.errors]
    assert "tree.yaml:7: modules.nope: no installed module of that name" in rendered
    assert any(r.startswith("tree.yaml:14: modules.notes.enabled") for r in rendered)
    assert any(r.startswith("tree.yaml:14: modules.notes.policy") for r in rendered)
    assert await rows(db) == {"policies": set(), "choices": set()}


async def test_a_choice_against_a_policy_above_aborts_everything(
    tmp_path: Path, db: Database, host: PluginHost
) -> None:
    contradiction = FILE.replace("notes: {policy: allowed}", "notes: {policy: forbidden}").replace(
        "{enabled: true, policy: required}", "{enabled: true}"
    )
    with pytest.raises(ProvisioningError) as caught:
        await apply_tenant_file(db, host=host, path=write(tmp_path, contradiction))
    assert "forbidden by district" in caught.value.errors[0].message
    assert await rows(db) == {"policies": set(), "choices": set()}
