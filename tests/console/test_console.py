"""The console without a browser: log-in, CSRF, reach, the dashboard, the matrix, the forms.

Each test runs on SQLite and, with ``GONGZHI_TEST_POSTGRES``, on PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.testing import MakeUser, login_headers
from tests.console.conftest import PASSWORD, ConsoleTree, SignIn, csrf_of


def _switcher(html: str) -> list[str]:
    found = re.search(r'<select id="tenant-switch".*?</select>', html, re.S)
    assert found, "no tenant switcher"
    return re.findall(r'<option value="([a-z0-9-]+)"', found.group(0))


def _cookie_headers(answer: Any) -> list[str]:
    return [v for k, v in answer.headers.multi_items() if k.lower() == "set-cookie"]


async def test_log_in_sets_http_only_lax_cookies_and_log_out_ends_the_session(
    browser: AsyncTestClient[Litestar], tree: ConsoleTree
) -> None:
    page = await browser.get("/console/login")
    assert page.status_code == 200
    assert "登录共治管理后台" in page.text
    answer = await browser.post(
        "/console/login",
        data={"csrf_token": csrf_of(page.text), "username": "wc-admin", "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    cookies = _cookie_headers(answer)
    session = [c for c in cookies if c.startswith("gz_console=")]
    assert session, cookies
    for header in cookies:
        lowered = header.lower()
        assert "httponly" in lowered
        assert "samesite=lax" in lowered
        assert "path=/console" in lowered
    home = await browser.get("/console/t/wangcheng")
    assert home.status_code == 200
    assert "望城区" in home.text
    token = csrf_of(home.text)
    out = await browser.post("/console/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    stale = session[0].split(";")[0].split("=", 1)[1]
    # The access token the console held is revoked with the login session.
    refused = await browser.get("/api/v1/me", headers={"Authorization": f"Bearer {stale}"})
    assert refused.status_code == 401
    again = await browser.get("/console/t/wangcheng", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/console/login")


async def test_a_form_without_its_csrf_token_is_refused(
    browser: AsyncTestClient[Litestar], tree: ConsoleTree, sign_in: SignIn
) -> None:
    await browser.get("/console/login")
    answer = await browser.post(
        "/console/login",
        data={"csrf_token": "0" * 64, "username": "wc-admin", "password": PASSWORD},
    )
    assert answer.status_code == 403
    assert "gz_console=" not in "".join(_cookie_headers(answer))
    client = await sign_in("wc-admin")
    forged = await client.post(
        "/console/t/wangcheng/modules/wangfulu/five-sector",
        data={"what": "choice", "enabled": "false"},
    )
    assert forged.status_code == 403
    states = await client.get("/console/t/wangfulu/modules")
    assert states.status_code == 200


async def test_wrong_passwords_are_refused_then_throttled_like_the_api(
    browser: AsyncTestClient[Litestar], client: AsyncTestClient[Litestar], tree: ConsoleTree
) -> None:
    statuses = []
    for _ in range(7):
        page = await browser.get("/console/login")
        answer = await browser.post(
            "/console/login",
            data={"csrf_token": csrf_of(page.text), "username": "wc-admin", "password": "x" * 9},
        )
        statuses.append(answer.status_code)
    assert statuses[0] == 401
    assert (
        "用户名或密码错误"
        in (
            await browser.post(
                "/console/login",
                data={
                    "csrf_token": csrf_of((await browser.get("/console/login")).text),
                    "username": "nobody",
                    "password": "x" * 9,
                },
            )
        ).text
    )
    assert statuses[-1] == 429
    # The API counts the same failures: the account is throttled there too.
    api = client
    locked = await api.post(
        "/api/v1/auth/login", json={"username": "wc-admin", "password": PASSWORD}
    )
    assert locked.status_code == 429


async def test_a_community_admin_reaches_only_their_community(
    app: Litestar, tree: ConsoleTree, sign_in: SignIn
) -> None:
    client = await sign_in("wfl-admin")
    home = await client.get("/console", follow_redirects=False)
    assert home.headers["location"] == "/console/t/wangfulu"
    own = await client.get("/console/t/wangfulu")
    assert own.status_code == 200
    assert _switcher(own.text) == ["wangfulu"]
    for path in (
        "/console/t/leifenglu",
        "/console/t/leifenglu/modules",
        "/console/t/leifenglu/tree",
        "/console/t/leifenglu/m/five-sector/volunteers",
        "/console/t/wangcheng",
        "/console/t/yuelu",
        "/console/t/wangfulu/tree/leifenglu",
        "/console/t/no-such-tenant",
    ):
        answer = await client.get(path)
        assert answer.status_code == 404, path
        assert "雷锋路社区" not in answer.text


async def test_the_switcher_lists_exactly_the_tenants_reached(
    app: Litestar, tree: ConsoleTree, sign_in: SignIn
) -> None:
    client = await sign_in("wc-admin")
    page = await client.get("/console/t/wangcheng")
    options = _switcher(page.text)
    assert options[:2] == ["wangcheng", "gaotangling"]
    assert sorted(options[2:]) == ["leifenglu", "wangfulu"]


async def test_the_dashboard_shows_the_apis_roll_up(
    app: Litestar, client: AsyncTestClient[Litestar], tree: ConsoleTree, sign_in: SignIn
) -> None:
    headers = await login_headers(client, "wfl-admin")
    for slug in ("v1", "v2"):
        made = await client.post(
            "/api/v1/tenants/wangfulu/five-sector/volunteers",
            json={"name": "张三", "volunteer_number": slug},
            headers=headers,
        )
        assert made.status_code == 201, made.text
    console = await sign_in("wc-admin")
    page = await console.get("/console/t/wangcheng")
    metrics = (
        await client.get(
            "/api/v1/tenants/wangcheng/metrics", headers=await login_headers(client, "wc-admin")
        )
    ).json()
    shown = dict(
        re.findall(r'data-metric="([^"]+)">\s*<h3>.*?data-total="(-?\d+)"', page.text, re.S)
    )
    assert shown, "no figure on the dashboard"
    assert shown == {f["name"]: str(f["total"]) for f in metrics["figures"]}
    assert shown["five-sector.volunteers"] == "2"


async def test_switching_a_module_off_removes_its_entry_and_a_refusal_reads_in_chinese(
    app: Litestar, tree: ConsoleTree, sign_in: SignIn
) -> None:
    admin = await sign_in("wc-admin")
    community = await sign_in("wfl-admin")
    before = await community.get("/console/t/wangfulu")
    assert 'data-module="five-sector"' in before.text
    matrix = await admin.get("/console/t/wangcheng/modules")
    assert 'data-tenant="wangfulu"' in matrix.text
    switched = await admin.post(
        "/console/t/wangcheng/modules/wangfulu/five-sector",
        data={"csrf_token": csrf_of(matrix.text), "what": "choice", "enabled": "false"},
        follow_redirects=False,
    )
    assert switched.status_code == 303
    after = await community.get("/console/t/wangfulu")
    assert 'data-module="five-sector"' not in after.text
    assert (await community.get("/console/t/wangfulu/m/five-sector/volunteers")).status_code == 404
    # A community admin may not override the district's policy: refused, with the reason.
    await admin.post(
        "/console/t/wangcheng/modules/wangcheng/five-sector",
        data={"csrf_token": csrf_of(matrix.text), "what": "policy", "policy": "forbidden"},
    )
    own = await community.get("/console/t/wangfulu/modules")
    refused = await community.post(
        "/console/t/wangfulu/modules/wangfulu/five-sector",
        data={"csrf_token": csrf_of(own.text), "what": "choice", "enabled": "true"},
    )
    assert refused.status_code == 409
    assert "更改被拒绝" in refused.text
    assert "上级政策已决定该模块的状态" in refused.text


async def test_a_volunteer_is_created_and_credited_through_the_forms(
    app: Litestar, tree: ConsoleTree, sign_in: SignIn
) -> None:
    client = await sign_in("wfl-admin")
    base = "/console/t/wangfulu/m/five-sector/volunteers"
    form = await client.get(f"{base}/new")
    assert form.status_code == 200
    assert 'for="create-name"' in form.text
    assert 'name="csrf_token"' in form.text.split('class="generated"')[1]
    bad = await client.post(
        f"{base}/new",
        data={"csrf_token": csrf_of(form.text), "name": "李四", "volunteer_number": "   "},
    )
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text
    made = await client.post(
        f"{base}/new",
        data={
            "csrf_token": csrf_of(form.text),
            "name": "李四",
            "volunteer_number": "WFL-001",
            "skills": "助老\n理发",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    detail_url = made.headers["location"]
    detail = await client.get(detail_url)
    assert "李四" in detail.text
    assert "助老、理发" in detail.text
    credited = await client.post(
        f"{detail_url}/credit",
        data={
            "csrf_token": csrf_of(detail.text),
            "hours": "2.5",
            "served_on": "2026-01-15",
            "content": "陪伴老人",
            "verified_by": "王社工",
        },
        follow_redirects=False,
    )
    assert credited.status_code == 303, credited.text
    after = await client.get(detail_url)
    assert re.search(r'data-field="total_hours">2\.5<', after.text)
    assert "陪伴老人" in after.text
    listed = await client.get(base, params={"q": "李"})
    assert "WFL-001" in listed.text
    csv = await client.get(f"{base}/export/0")
    assert csv.status_code == 200
    assert "李四" in csv.content.decode("utf-8-sig")
    pdf = await client.get(f"{detail_url}/document/0")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


async def test_the_tree_is_searched_and_changed_within_reach(
    app: Litestar, tree: ConsoleTree, sign_in: SignIn
) -> None:
    client = await sign_in("wc-admin")
    found = await client.get("/console/t/wangcheng/tree", params={"q": "雷锋"})
    table = found.text.split("<table>")[1]
    assert "雷锋路社区" in table
    assert "望府路社区" not in table
    node = await client.get("/console/t/wangcheng/tree/gaotangling")
    created = await client.post(
        "/console/t/wangcheng/tree/gaotangling/create",
        data={"csrf_token": csrf_of(node.text), "name": "新社区", "slug": "xin-shequ"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    renamed = await client.post(
        "/console/t/wangcheng/tree/xin-shequ/rename",
        data={"csrf_token": csrf_of(node.text), "name": "新康社区"},
        follow_redirects=False,
    )
    assert renamed.status_code == 303
    archived = await client.post(
        "/console/t/wangcheng/tree/xin-shequ/archive",
        data={"csrf_token": csrf_of(node.text)},
        follow_redirects=False,
    )
    assert archived.status_code == 303
    shown = await client.get("/console/t/wangcheng/tree", params={"status": "archived"})
    assert "新康社区" in shown.text.split("<table>")[1]
    community = await sign_in("wfl-admin")
    page = await community.get("/console/t/wangfulu/tree/wangfulu")
    outside = await community.post(
        "/console/t/wangfulu/tree/leifenglu/rename",
        data={"csrf_token": csrf_of(page.text), "name": "改名"},
    )
    assert outside.status_code == 404


async def test_english_is_one_click_away(app: Litestar, tree: ConsoleTree, sign_in: SignIn) -> None:
    client = await sign_in("wc-admin")
    chinese = await client.get("/console/t/wangcheng/modules")
    assert "模块管理" in chinese.text
    assert 'lang="zh-CN"' in chinese.text
    await client.get("/console/lang/en", params={"next": "/console/t/wangcheng/modules"})
    english = await client.get("/console/t/wangcheng/modules")
    assert 'lang="en"' in english.text
    assert "Modules" in english.text
    assert "Five-sector linkage" in english.text


async def test_a_platform_admin_switches_between_every_tree(
    tree: ConsoleTree, make_user: MakeUser, sign_in: SignIn
) -> None:
    await make_user("root-admin", [(None, "platform_admin")])
    client = await sign_in("root-admin")
    home = await client.get("/console", follow_redirects=False)
    assert home.headers["location"] == "/console/t/wangcheng"
    page = await client.get("/console/t/yuelu")
    assert page.status_code == 200
    options = _switcher(page.text)
    assert set(options) == {"wangcheng", "gaotangling", "wangfulu", "leifenglu", "yuelu"}
    assert options.index("gaotangling") == options.index("wangcheng") + 1
