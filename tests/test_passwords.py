"""A user changes their own password: the current one is checked and throttled, the old one stops
working, every other login ends; a password an administrator gave must be replaced first."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from core.audit import AuditRecord
from core.db import Database
from core.identity.passwords import ONE_TIME_ALPHABET, ONE_TIME_LENGTH, one_time_password
from core.settings import Settings
from tests.conftest import DEFAULT_PASSWORD, MakeUser
from tests.tree import DEMO_TREE, add_tenants

Client = AsyncTestClient[Litestar]
LOGIN = "/api/v1/auth/login"
PASSWORD = "/api/v1/me/password"
NEW = "a-brand-new-secret"


async def _login(client: Client, username: str, password: str = DEFAULT_PASSWORD) -> Any:
    response = await client.post(LOGIN, json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def _bearer(pair: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def _actions(db: Database, target: str) -> list[str]:
    async with db.session() as session:
        rows = await session.scalars(
            select(AuditRecord.action)
            .where(AuditRecord.target_id == target)
            .order_by(AuditRecord.created_at)
        )
        return list(rows)


async def test_changing_ones_password_ends_every_other_login_and_the_old_password(
    client: Client, db: Database, make_user: MakeUser
) -> None:
    await add_tenants(db, DEMO_TREE)
    user_id = await make_user("li", [("d1-t1", "staff")])
    here = await _login(client, "li")
    elsewhere = await _login(client, "li")
    assert (
        await client.get("/api/v1/tenants/d1-t1/members", headers=_bearer(elsewhere))
    ).status_code == 200

    changed = await client.post(
        PASSWORD,
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW},
        headers=_bearer(here),
    )
    assert changed.status_code == 204, changed.text

    # the login that changed it goes on; the other one is over, refresh token included
    assert (
        await client.get("/api/v1/tenants/d1-t1/members", headers=_bearer(here))
    ).status_code == 200
    assert (await client.get("/api/v1/me", headers=_bearer(elsewhere))).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": elsewhere["refresh_token"]}
    )
    assert refreshed.status_code == 401
    kept = await client.post("/api/v1/auth/refresh", json={"refresh_token": here["refresh_token"]})
    assert kept.status_code == 200, kept.text

    old = await client.post(LOGIN, json={"username": "li", "password": DEFAULT_PASSWORD})
    assert old.status_code == 401
    assert (await _login(client, "li", NEW))["password_change_required"] is False
    assert "users.password_change" in await _actions(db, str(user_id))


async def test_a_wrong_or_unacceptable_password_is_refused_and_changes_nothing(
    client: Client, make_user: MakeUser
) -> None:
    await make_user("wu")
    headers = _bearer(await _login(client, "wu"))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"current_password": "not-my-password", "new_password": NEW}, "current_password"),
        ({"current_password": DEFAULT_PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": DEFAULT_PASSWORD, "new_password": DEFAULT_PASSWORD}, "new_password"),
        ({"current_password": DEFAULT_PASSWORD, "new_password": "x" * 1025}, "new_password"),
        ({"current_password": DEFAULT_PASSWORD}, "new_password"),
    ]
    for body, field in cases:
        response = await client.post(PASSWORD, json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        [error] = response.json()["errors"]
        assert error["field"] == field, body
        assert error["message"]
        assert error["message_en"]
    wrong = await client.post(PASSWORD, json=cases[0][0], headers=headers)
    assert wrong.json()["errors"][0]["message"] == "当前密码不正确"
    assert (await _login(client, "wu"))["access_token"]
    assert (await client.post(PASSWORD, json=cases[0][0])).status_code == 401


async def test_wrong_current_passwords_are_throttled_like_logins(
    client: Client, make_user: MakeUser, settings: Settings
) -> None:
    await make_user("zhao")
    headers = _bearer(await _login(client, "zhao"))
    wrong = {"current_password": "guess-guess", "new_password": NEW}
    for _ in range(settings.login_account_limit):
        assert (await client.post(PASSWORD, json=wrong, headers=headers)).status_code == 422
    blocked = await client.post(
        PASSWORD, json={"current_password": DEFAULT_PASSWORD, "new_password": NEW}, headers=headers
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1
    assert blocked.json()["retry_after"] >= 1
    # even the right current password waits, so the password is unchanged
    assert (await _login(client, "zhao"))["access_token"]


async def test_an_api_token_cannot_change_its_users_password(
    client: Client, db: Database, make_user: MakeUser
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1", "admin")])
    headers = _bearer(await _login(client, "boss"))
    token = await client.post(
        "/api/v1/tenants/d1/api-tokens",
        json={"name": "sync", "permissions": ["users:read"]},
        headers=headers,
    )
    bearer = {"Authorization": f"Bearer {token.json()['token']}"}
    response = await client.post(
        PASSWORD, json={"current_password": DEFAULT_PASSWORD, "new_password": NEW}, headers=bearer
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("/login-session-required")


async def test_an_invited_user_must_replace_the_one_time_password_before_anything_else(
    client: Client, db: Database, make_user: MakeUser
) -> None:
    await add_tenants(db, DEMO_TREE)
    await make_user("boss", [("d1", "admin")])
    boss = _bearer(await _login(client, "boss"))
    invited = await client.post(
        "/api/v1/tenants/d1-t1-c1/members",
        json={"username": "xin", "role": "staff", "display_name": "新社工"},
        headers=boss,
    )
    assert invited.status_code == 201, invited.text
    one_time = invited.json()["one_time_password"]
    assert len(one_time) == ONE_TIME_LENGTH
    assert invited.json()["user"]["password_change_required"] is True
    # shown once: the list never carries it
    listed = await client.get("/api/v1/tenants/d1-t1-c1/members", headers=boss)
    assert "one_time_password" not in listed.json()["items"][0]

    pair = await _login(client, "xin", one_time)
    assert pair["password_change_required"] is True
    xin = _bearer(pair)
    refused = await client.get("/api/v1/tenants/d1-t1-c1/members", headers=xin)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/password-change-required")
    me = await client.get("/api/v1/me", headers=xin)
    assert me.status_code == 200
    assert me.json()["password_change_required"] is True

    changed = await client.post(
        PASSWORD, json={"current_password": one_time, "new_password": NEW}, headers=xin
    )
    assert changed.status_code == 204, changed.text
    assert (await client.get("/api/v1/tenants/d1-t1-c1/members", headers=xin)).status_code == 200
    assert (await client.get("/api/v1/me", headers=xin)).json()["password_change_required"] is False


def test_one_time_passwords_are_long_random_and_unambiguous() -> None:
    seen = {one_time_password() for _ in range(200)}
    assert len(seen) == 200
    for password in seen:
        assert len(password) == ONE_TIME_LENGTH
        assert set(password) <= set(ONE_TIME_ALPHABET)
    assert not set("0O1lI") & set(ONE_TIME_ALPHABET)


async def test_anonymous_calls_of_caller_routes_leave_no_session_open(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    """Refused by the ``principal`` dependency after the request's session opened: the kernel
    ends that session with the request (one left open would hold a pooled connection, and on
    SQLite the process's writer lock, until garbage collection)."""
    for _ in range(2):
        assert (await client.post("/api/v1/auth/logout")).status_code == 401
        assert (await client.post(PASSWORD, json={"current_password": "x"})).status_code == 401
        assert (await client.get("/api/v1/me")).status_code == 401
    assert app.state.db.in_use() == 0
    await make_user("after")
    assert (await _login(client, "after"))["access_token"]
