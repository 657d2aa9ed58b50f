"""The ``funding:`` section of tenant files: calls declared with their tenant, checked before
anything is written (plain ``FILE:LINE: field: message`` lines), created once, and taking the
tenant's funding settings for the rules they leave out."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from core.app import load_plugins
from core.db import Database
from core.kernel import apply_tenant_file
from core.settings import Settings
from core.tenancy.provisioning import ProvisioningError
from core.testing import settings_for_tests
from plugins.funding.models import Call
from plugins.funding.tenant_file import FundingSection

CALL = (
    "    - title: 望城区2025年社区公益创投\n"
    "      funder_kind: foundation\n"
    "      funder_name: 湖南省社会组织发展基金会\n"
    "      pool_fen: 30000000\n"
    "      opens_on: 2025-03-01\n"
    "      closes_on: 2025-04-30\n"
)
FILE = (
    "version: 1\n"
    "tenants:\n"
    "  - slug: fundtown\n"
    "    name: 某区\n"
    "    level: district\n"
    "    kind: 区\n"
    "    modules:\n"
    "      funding: {policy: required}\n"
    "    settings:\n"
    "      modules:\n"
    "        funding:\n"
    "          transparency: true\n"
    "          tranche_plan:\n"
    "            - {title: 签订协议后, percent: 60, trigger: agreement}\n"
    "            - {title: 结项评估通过后, percent: 40, trigger: closing}\n"
    "    funding:\n"
    "      calls:\n" + "\n".join("    " + line for line in CALL.splitlines()) + "\n"
    "        - {title: 微公益, funder_kind: government, funder_name: 区民政局, pool_fen: 5000000,\n"
    "           opens_on: 2025-05-01, closes_on: 2025-06-30,\n"
    "           tranche_plan: [{title: 一次拨付, percent: 100, trigger: agreement}]}\n"
)


def errors(text: str) -> list[tuple[int | None, str, str]]:
    node = yaml.compose(text)
    assert node is not None
    settings = settings_for_tests("sqlite+aiosqlite:///:memory:")
    return [(e.line, e.field, e.message) for e in FundingSection().validate(node, settings)]


def test_a_valid_section_has_no_errors() -> None:
    assert errors("calls:\n" + CALL) == []


def test_each_broken_call_is_reported_on_its_line() -> None:
    broken = (
        "calls:\n" + CALL + "    - title: 第二个\n"
        "      funder_kind: foundation\n"
        "      funder_name: 基金会\n"
        "      pool_fen: 100\n"
        "      opens_on: 2025-05-01\n"
        "      closes_on: 2025-04-01\n"
        "      tranche_plan: [{title: 首期, percent: 90, trigger: agreement}]\n" + CALL
    )
    assert errors(broken) == [
        (8, "funding.calls[1].closes_on", "closes before it opens"),
        (8, "funding.calls[1].tranche_plan", "tranche percentages must be positive and sum to 100"),
        (15, "funding.calls[2].title", "a call is named twice"),
    ]
    ((line, field, message),) = errors("calls:\n" + CALL.replace("foundation", "bank"))
    assert (line, field) == (2, "funding.calls[0]")
    assert "funder_kind" in message
    ((_, _, unknown),) = errors("calls:\n" + CALL + "      colour: red\n")
    assert "colour" in unknown
    assert errors("- a list\n") == [(1, "funding", "expected calls: [...]")]


async def test_the_calls_are_created_once_with_the_tenant_settings(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "district.yaml"
    path.write_text(FILE, encoding="utf-8")
    host = load_plugins(settings)
    first = await apply_tenant_file(db, str(path), host=host)
    created = [
        (line.action, line.subject) for line in first.lines if "funding call" in line.subject
    ]
    assert created == [
        ("create", "funding call 望城区2025年社区公益创投 at fundtown"),
        ("create", "funding call 微公益 at fundtown"),
    ]
    again = await apply_tenant_file(db, str(path), host=host)
    assert [line.action for line in again.lines if "funding call" in line.subject] == [
        "unchanged",
        "unchanged",
    ]
    async with db.session() as session:
        found = {c.title: c for c in await session.scalars(select(Call))}
    assert set(found) == {"望城区2025年社区公益创投", "微公益"}
    assert found["望城区2025年社区公益创投"].pool_fen == 30_000_000
    assert [t["percent"] for t in found["望城区2025年社区公益创投"].tranche_plan] == [60, 40]
    assert [t["percent"] for t in found["微公益"].tranche_plan] == [100]

    path.write_text(FILE.replace("percent: 100", "percent: 99"), encoding="utf-8")
    with pytest.raises(ProvisioningError) as refused:
        await apply_tenant_file(db, str(path), host=host)
    assert refused.value.lines() == [
        f"{path}:24: funding.calls[1].tranche_plan: tranche percentages must be positive and sum "
        "to 100"
    ]
