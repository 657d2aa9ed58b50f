"""Demo users declared in tenant YAML files (``users:``) and the Wangcheng demo accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.kernel import apply_tenant_file
from core.tenancy.provisioning import ProvisioningError

WANGCHENG = str(Path(__file__).resolve().parent.parent / "tenants" / "wangcheng.yaml")

Client = AsyncTestClient[Litestar]


def _passwords(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        if line.startswith("+ create user ") and "password: " in line:
            out[line.split()[3]] = line.rsplit("password: ", 1)[1]
    return out


async def test_wangcheng_declares_an_admin_per_tier_and_staff_who_can_log_in(
    client: Client, db: Database
) -> None:
    plan = await apply_tenant_file(db, WANGCHENG)
    passwords = _passwords([str(line) for line in plan.lines])
    assert set(passwords) == {"wc-admin", "gtl-admin", "lfl-admin", "lfl-staff"}
    expected = {
        "wc-admin": ("admin", "wangcheng"),
        "gtl-admin": ("admin", "gaotangling"),
        "lfl-admin": ("admin", "leifenglu"),
        "lfl-staff": ("staff", "leifenglu"),
    }
    for username, (role, slug) in expected.items():
        login = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": passwords[username]}
        )
        assert login.status_code == 200, username
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        me = (await client.get("/api/v1/me", headers=headers)).json()
        assert [(m["role"], m["tenant"]["slug"]) for m in me["memberships"]] == [(role, slug)]
    again = await apply_tenant_file(db, WANGCHENG)
    user_lines = [str(line) for line in again.lines if " user " in str(line)]
    assert len(user_lines) == 4
    assert all(line.startswith("= unchanged user ") for line in user_lines)
    assert not _passwords(user_lines)


async def test_bad_users_entries_are_reported_by_line_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\n"
        "tenants:\n"
        "  - slug: dist\n"
        "    name: 区\n"
        "    level: district\n"
        "    users:\n"
        "      - {username: 'bad name', display_name: x, role: mayor, colour: red}\n"
        "      - {display_name: y, role: staff, password: short}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProvisioningError) as caught:
        await apply_tenant_file(db, str(path))
    lines = caught.value.lines()
    assert any(":7: users.role:" in line for line in lines)
    assert any(":7: users.colour: unknown field" in line for line in lines)
    assert any(":7: users.username:" in line for line in lines)
    assert any(":8: users.username: required" in line for line in lines)
    assert any(":8: users.password:" in line for line in lines)
