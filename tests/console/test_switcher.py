"""The tenant switcher kept per login session: read once, dropped by any tenant change.

Each test runs on SQLite and, with ``GONGZHI_TEST_POSTGRES``, on PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from core.console import pages
from core.console.api import ApiAnswer, ApiClient
from core.db import Database
from core.testing import login_headers
from tests.console.conftest import ConsoleTree, SignIn


def _switcher(html: str) -> list[tuple[str, str]]:
    """The switcher's options: (slug, name with its indent)."""
    found = re.search(r'<select id="tenant-switch".*?</select>', html, re.S)
    assert found, "no tenant switcher"
    return re.findall(r'<option value="([a-z0-9-]+)"[^>]*>([^<]*)</option>', found.group(0))


@pytest.fixture
def me_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The console's calls of ``GET /api/v1/me`` (the first read of a switcher), as they
    happen."""
    calls: list[str] = []
    call = ApiClient.call

    async def counted(self: ApiClient, method: str, path: str, **kwargs: Any) -> ApiAnswer:
        if path == "/api/v1/me":
            calls.append(path)
        return await call(self, method, path, **kwargs)

    monkeypatch.setattr(ApiClient, "call", counted)
    return calls


async def test_the_switcher_is_read_once_per_session_and_again_after_a_tenant_change(
    client: AsyncTestClient[Litestar], tree: ConsoleTree, sign_in: SignIn, me_calls: list[str]
) -> None:
    browser = await sign_in("wc-admin")
    first = await browser.get("/console/t/wangcheng")
    assert [slug for slug, _ in _switcher(first.text)][:2] == ["wangcheng", "gaotangling"]
    read = len(me_calls)
    assert read >= 1
    for path in ("/console/t/wangcheng/tree", "/console/t/gaotangling", "/console/t/wangfulu"):
        assert (await browser.get(path)).status_code == 200
    assert len(me_calls) == read, "the switcher was read again without a change"

    headers = await login_headers(client, "wc-admin")
    made = await client.post(
        "/api/v1/tenants/gaotangling/children",
        json={"slug": "xinkang", "name": "新康社区", "level": "community"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    after = _switcher((await browser.get("/console/t/wangcheng")).text)
    assert ("xinkang", "\u3000\u3000新康社区") in after
    assert len(me_calls) == read + 1


async def test_created_renamed_moved_and_archived_tenants_show_on_the_next_page(
    client: AsyncTestClient[Litestar], tree: ConsoleTree, sign_in: SignIn
) -> None:
    browser = await sign_in("wc-admin")
    headers = await login_headers(client, "wc-admin")

    async def options() -> list[tuple[str, str]]:
        page = await browser.get("/console/t/wangcheng")
        assert page.status_code == 200
        return _switcher(page.text)

    async def fresh() -> list[tuple[str, str]]:
        """What a new login session reads (its switcher cannot be a kept one)."""
        other = await sign_in("wc-admin")
        return _switcher((await other.get("/console/t/wangcheng")).text)

    before = await options()
    town = {"slug": "wushan", "name": "乌山街道", "level": "town"}
    made = await client.post("/api/v1/tenants/wangcheng/children", json=town, headers=headers)
    assert made.status_code == 201, made.text
    shown = await options()
    assert ("wushan", "\u3000乌山街道") in shown
    assert shown == await fresh()

    renamed = await client.patch("/api/v1/tenants/wushan", json={"name": "乌山镇"}, headers=headers)
    assert renamed.status_code == 200, renamed.text
    shown = await options()
    assert ("wushan", "\u3000乌山镇") in shown
    assert all(name != "\u3000乌山街道" for _, name in shown)

    moved = await client.post(
        "/api/v1/tenants/wangfulu/move", json={"parent": "wushan"}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    shown = await options()
    slugs = [slug for slug, _ in shown]
    assert slugs.index("wangfulu") == slugs.index("wushan") + 1
    assert shown == await fresh()

    archived = await client.post("/api/v1/tenants/wushan/archive", headers=headers)
    assert archived.status_code == 200, archived.text
    shown = await options()
    assert "wushan" not in [slug for slug, _ in shown]
    assert shown == await fresh()
    assert [slug for slug, _ in shown] == [slug for slug, _ in before if slug != "wangfulu"]


async def test_a_change_from_another_process_shows_once_the_kept_switcher_expires(
    app: Litestar, db: Database, tree: ConsoleTree, sign_in: SignIn
) -> None:
    browser = await sign_in("wc-admin")
    assert ("wangfulu", "\u3000\u3000望府路社区") in _switcher(
        (await browser.get("/console/t/wangcheng")).text
    )
    # A plain SQL change, as another process's would be: nothing in this process hears of it.
    async with db.session(write=True) as session:
        await session.execute(text("UPDATE tenants SET name = '望府路' WHERE slug = 'wangfulu'"))
    kept = _switcher((await browser.get("/console/t/wangcheng")).text)
    assert ("wangfulu", "\u3000\u3000望府路社区") in kept
    cache = app.state[pages.SWITCHER_STATE]
    assert isinstance(cache, pages.SwitcherCache)
    cache.ttl = 0.0
    expired = _switcher((await browser.get("/console/t/wangcheng")).text)
    assert ("wangfulu", "\u3000\u3000望府路") in expired


async def test_a_new_membership_shows_in_the_switcher_of_the_same_session(
    client: AsyncTestClient[Litestar], tree: ConsoleTree, sign_in: SignIn
) -> None:
    browser = await sign_in("wfl-admin")
    shown = _switcher((await browser.get("/console/t/wangfulu")).text)
    assert [slug for slug, _ in shown] == ["wangfulu"]
    added = await client.post(
        "/api/v1/tenants/leifenglu/members",
        json={"username": "wfl-admin", "role": "staff"},
        headers=await login_headers(client, "wc-admin"),
    )
    assert added.status_code == 201, added.text
    shown = _switcher((await browser.get("/console/t/wangfulu")).text)
    assert sorted(slug for slug, _ in shown) == ["leifenglu", "wangfulu"]
