"""The console's pages of people: members (invite, roles, reset, disable), one's own password
and the audit log, through the forms, as the API's rules allow."""

from __future__ import annotations

import csv
import io
import re

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.testing import companion_client
from tests.console.conftest import PASSWORD, ConsoleTree, SignIn, csrf_of

Browser = AsyncTestClient[Litestar]
ONE_TIME = re.compile(r"data-one-time-password>([A-Za-z0-9]+)<")
MEMBER_ID = re.compile(r'action="/console/t/[a-z-]+/members/([0-9a-f-]{36})/role"')


async def _post(browser: Browser, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Post a form of ``page`` to ``action`` with the page's CSRF token."""
    form = await browser.get(page)
    assert form.status_code == 200, form.text
    return await browser.post(
        action, data={"csrf_token": csrf_of(form.text), **data}, follow_redirects=False
    )


async def _sign_in(client: Browser, username: str, password: str) -> tuple[Browser, httpx.Response]:
    """A new browser, and the answer of its log-in form."""
    browser = companion_client(client)
    page = await browser.get("/console/login")
    answer = await browser.post(
        "/console/login",
        data={
            "csrf_token": csrf_of(page.text),
            "username": username,
            "password": password,
            "next": "/console",
        },
        follow_redirects=False,
    )
    return browser, answer


def _member_row(html: str, username: str) -> str:
    start = html.index(f'data-member="{username}"')
    return html[start : html.index("</tr>", start)]


async def test_an_invited_member_signs_in_with_the_one_time_password_and_must_change_it(
    client: Browser, tree: ConsoleTree, sign_in: SignIn
) -> None:
    admin = await sign_in("wfl-admin")
    members = f"/console/t/{tree.community}/members"
    invited = await _post(
        admin,
        members,
        members,
        {"username": "xiao-li", "display_name": "小李", "role": "staff", "password": ""},
    )
    assert invited.status_code == 200, invited.text
    html = invited.text
    found = ONE_TIME.search(html)
    assert found, "the one-time password is shown once"
    one_time = found.group(1)
    listed = (await admin.get(members)).text
    assert "小李" in _member_row(listed, "xiao-li")
    assert one_time not in listed

    newcomer, answer = await _sign_in(client, "xiao-li", one_time)
    assert answer.status_code == 303
    home = await newcomer.get("/console", follow_redirects=True)
    assert home.url.path == "/console/password", home.url
    assert "请先设置自己的密码" in home.text
    wrong = await _post(
        newcomer,
        "/console/password",
        "/console/password",
        {
            "current_password": "not-it-at-all",
            "new_password": "mine-now-123",
            "repeat_password": "mine-now-123",
        },
    )
    assert wrong.status_code == 422
    assert "当前密码不正确" in wrong.text
    differ = await _post(
        newcomer,
        "/console/password",
        "/console/password",
        {
            "current_password": one_time,
            "new_password": "mine-now-123",
            "repeat_password": "mine-now-456",
        },
    )
    assert differ.status_code == 422
    done = await _post(
        newcomer,
        "/console/password",
        "/console/password",
        {
            "current_password": one_time,
            "new_password": "mine-now-123",
            "repeat_password": "mine-now-123",
        },
    )
    assert done.status_code == 200, done.text
    assert "data-done" in done.text
    dashboard = await newcomer.get(f"/console/t/{tree.community}")
    assert dashboard.status_code == 200
    _, again = await _sign_in(client, "xiao-li", "mine-now-123")
    assert again.status_code == 303


async def test_roles_reset_and_disable_through_the_member_forms(
    client: Browser, tree: ConsoleTree, sign_in: SignIn
) -> None:
    admin = await sign_in("wc-admin")
    members = f"/console/t/{tree.community}/members"
    html = (await admin.get(members)).text
    row = _member_row(html, "wfl-admin")
    found = MEMBER_ID.search(row)
    assert found
    membership = found.group(1)
    base = f"{members}/{membership}"

    demoted = await _post(admin, members, f"{base}/role", {"role": "staff"})
    assert demoted.status_code == 303
    assert "工作人员" in _member_row((await admin.get(members)).text, "wfl-admin")

    reset = await _post(admin, members, f"{base}/reset", {})
    assert reset.status_code == 200
    one_time = ONE_TIME.search(reset.text)
    assert one_time
    _, old = await _sign_in(client, "wfl-admin", PASSWORD)
    assert old.status_code == 401

    disabled = await _post(admin, members, f"{base}/disable", {})
    assert disabled.status_code == 303
    assert "停用" in _member_row(
        (await admin.get(members, params={"status": "disabled"})).text, "wfl-admin"
    )
    _, refused = await _sign_in(client, "wfl-admin", one_time.group(1))
    assert refused.status_code == 401
    enabled = await _post(admin, members, f"{base}/enable", {})
    assert enabled.status_code == 303
    _, back = await _sign_in(client, "wfl-admin", one_time.group(1))
    assert back.status_code == 303

    # a refusal reads in Chinese: the district admin's own membership is not theirs to change
    own = MEMBER_ID.search(
        _member_row((await admin.get(f"/console/t/{tree.district}/members")).text, "wc-admin")
    )
    assert own
    refused_own = await _post(
        admin,
        f"/console/t/{tree.district}/members",
        f"/console/t/{tree.district}/members/{own.group(1)}/disable",
        {},
    )
    assert refused_own.status_code == 403
    assert "不能在此修改自己的账户" in refused_own.text


async def test_member_pages_are_404_outside_reach(tree: ConsoleTree, sign_in: SignIn) -> None:
    admin = await sign_in("lfl-admin")
    assert (await admin.get(f"/console/t/{tree.community}/members")).status_code == 404
    assert (await admin.get(f"/console/t/{tree.community}/audit")).status_code == 404
    own = await admin.get(f"/console/t/{tree.sibling}/members")
    assert own.status_code == 200
    assert 'data-member="lfl-admin"' in own.text


async def test_the_audit_log_filters_and_exports(tree: ConsoleTree, sign_in: SignIn) -> None:
    admin = await sign_in("wc-admin")
    members = f"/console/t/{tree.sibling}/members"
    invited = await _post(admin, members, members, {"username": "audit-me", "role": "member"})
    assert invited.status_code == 200
    log = await admin.get(
        f"/console/t/{tree.district}/audit", params={"action": "users.*", "tenant": tree.sibling}
    )
    assert log.status_code == 200
    assert 'data-action="users.create"' in log.text
    assert 'data-action="memberships.create"' not in log.text
    assert "audit-me" in log.text
    exported = await admin.get(
        f"/console/t/{tree.district}/audit/export/csv", params={"actor": "wc-admin"}
    )
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][0] == "时间"
    assert {row[3] for row in rows[1:]} == {"wc-admin"}
    assert {"users.create", "memberships.create"} <= {row[4] for row in rows[1:]}
    workbook = await admin.get(f"/console/t/{tree.district}/audit/export/xlsx")
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
