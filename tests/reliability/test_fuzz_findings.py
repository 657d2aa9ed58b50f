"""Server errors Schemathesis found, each pinned by a regression test on both databases."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.paging import MAX_OFFSET
from core.testing import problem_code
from tests.reliability.isolation import make_tenant

Client = AsyncTestClient[Litestar]
HUGE = "340047802641061379503742113168752640"


async def _tree(db: Database) -> None:
    from core.modules.models import ModulePolicy

    district = make_tenant(None, "ff-d", "district", "区")
    async with db.session(write=True) as session:
        session.add(district)
        await session.flush()
        session.add(make_tenant(district, "ff-c", "community", "社区"))
        session.add(ModulePolicy(tenant_id=district.id, module="five-sector", policy="required"))


async def test_an_offset_beyond_any_page_is_a_client_error(
    admin_client: Client, db: Database
) -> None:
    await _tree(db)
    for path in ("/api/v1/tenants/ff-d/children", "/api/v1/tenants/ff-d/subtree"):
        response = await admin_client.get(path, params={"offset": HUGE})
        assert response.status_code == 400, response.text
    for listed in ("organisations", "social-workers", "volunteers", "activities", "pairings"):
        response = await admin_client.get(
            f"/api/v1/tenants/ff-d/five-sector/{listed}", params={"offset": HUGE}
        )
        assert response.status_code < 500, response.text
    largest = await admin_client.get("/api/v1/tenants/ff-d/children", params={"offset": MAX_OFFSET})
    assert largest.status_code == 200
    assert largest.json()["items"] == []
    beyond = await admin_client.get(
        "/api/v1/tenants/ff-d/children", params={"offset": MAX_OFFSET + 1}
    )
    assert beyond.status_code == 400


async def test_a_nul_character_in_input_is_never_a_server_error(
    admin_client: Client, db: Database, backend: str
) -> None:
    """PostgreSQL cannot store NUL in text (SQLSTATE 22021): 422 there; SQLite stores it."""
    await _tree(db)
    login = await admin_client.post(
        "/api/v1/auth/login", json={"username": "ro\u0000ot", "password": "x"}
    )
    assert login.status_code in (401, 422), login.text
    created = await admin_client.post(
        "/api/v1/tenants/ff-c/five-sector/volunteers",
        json={"name": "张\u0000三", "volunteer_number": "N1"},
    )
    if backend == "postgres":
        assert created.status_code == 422, created.text
        body: Any = created.json()
        assert problem_code(body) == "invalid-value"
        assert "Traceback" not in created.text
    else:
        assert created.status_code == 201, created.text
    searched = await admin_client.get(
        "/api/v1/tenants/ff-c/five-sector/volunteers", params={"q": "a\u0000b"}
    )
    assert searched.status_code < 500, searched.text
