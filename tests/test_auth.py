"""Logging in, refreshing, logging out, and every way a token or a login is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from core.db import Database
from core.identity.models import LoginSession, User
from core.settings import Settings
from tests.conftest import DEFAULT_PASSWORD, LoginAs, MakeUser

Client = AsyncTestClient[Litestar]
LOGIN = "/api/v1/auth/login"


async def _login(client: Client, username: str, password: str = DEFAULT_PASSWORD) -> dict[str, Any]:
    response = await client.post(LOGIN, json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_login_returns_bearer_tokens_and_me_shows_memberships(
    client: Client, make_user: MakeUser
) -> None:
    await make_user("wang", [(None, "platform_admin")], display_name="王芳")
    body = await _login(client, "wang")
    assert set(body) == {
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "password_change_required",
    }
    assert body["token_type"] == "bearer"
    assert body["password_change_required"] is False
    assert body["expires_in"] == 900
    me = await client.get("/api/v1/me", headers=_bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "wang"
    assert me.json()["display_name"] == "王芳"
    assert [m["role"] for m in me.json()["memberships"]] == ["platform_admin"]
    assert me.json()["memberships"][0]["tenant"] is None


async def test_me_without_a_token_is_401_problem(client: Client) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_unknown_user_and_wrong_password_get_the_same_answer(
    client: Client, make_user: MakeUser
) -> None:
    await make_user("li")
    unknown = await client.post(LOGIN, json={"username": "nobody", "password": "whatever-1"})
    wrong = await client.post(LOGIN, json={"username": "li", "password": "whatever-1"})
    assert unknown.status_code == wrong.status_code == 401

    def strip(body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k != "request_id"}

    assert strip(unknown.json()) == strip(wrong.json())


async def test_disabled_user_cannot_log_in_and_their_token_stops_working(
    app: Litestar, client: Client, make_user: MakeUser, db: Database
) -> None:
    user_id = await make_user("zhao", [(None, "platform_admin")])
    token = (await _login(client, "zhao"))["access_token"]
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 200
    async with db.session(write=True) as session:
        user = await session.get(User, user_id)
        assert user is not None
        user.status = "disabled"
    # another process disabled the user: this process's cache keeps the principal at most 2 s
    app.state.principal_cache.clear()
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 401
    refused = await client.post(LOGIN, json={"username": "zhao", "password": DEFAULT_PASSWORD})
    assert refused.status_code == 401
    assert refused.json()["type"].endswith("invalid-credentials")


async def test_refresh_rotates_and_reusing_an_old_refresh_token_revokes_the_session(
    client: Client, make_user: MakeUser
) -> None:
    await make_user("sun")
    first = await _login(client, "sun")
    second = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/v1/me", headers=_bearer(rotated["access_token"]))).is_success

    reuse = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reuse.status_code == 401
    # theft detected: the whole login session is gone, including the newest tokens
    after = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert after.status_code == 401
    me = await client.get("/api/v1/me", headers=_bearer(rotated["access_token"]))
    assert me.status_code == 401


async def test_refresh_tokens_are_stored_hashed(
    client: Client, make_user: MakeUser, db: Database
) -> None:
    await make_user("qian")
    body = await _login(client, "qian")
    async with db.session() as session:
        hashes = list(await session.scalars(select(LoginSession.token_hash)))
    assert len(hashes) == 1
    assert body["refresh_token"] not in hashes[0]


async def test_logout_revokes_access_and_refresh_tokens(
    client: Client, make_user: MakeUser
) -> None:
    await make_user("zhou")
    body = await _login(client, "zhou")
    headers = _bearer(body["access_token"])
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": body["refresh_token"]}
    )
    assert refresh.status_code == 401


async def test_logout_needs_a_token(client: Client) -> None:
    assert (await client.post("/api/v1/auth/logout")).status_code == 401


def _claims(token: str, settings: Settings) -> dict[str, Any]:
    return dict(
        jwt.decode(token, settings.secret_key, algorithms=["HS256"], audience=settings.audience)
    )


async def test_expired_altered_and_foreign_tokens_are_refused(
    client: Client, make_user: MakeUser, settings: Settings
) -> None:
    await make_user("wu")
    token = (await _login(client, "wu"))["access_token"]
    claims = _claims(token, settings)
    expired = jwt.encode(
        {**claims, "exp": int((datetime.now(UTC) - timedelta(seconds=5)).timestamp())},
        settings.secret_key,
        algorithm="HS256",
    )
    wrong_audience = jwt.encode({**claims, "aud": "other"}, settings.secret_key, algorithm="HS256")
    wrong_issuer = jwt.encode({**claims, "iss": "other"}, settings.secret_key, algorithm="HS256")
    wrong_key = jwt.encode(claims, "x" * 40, algorithm="HS256")
    head, payload, signature = token.split(".")
    altered = f"{head}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    other_user = jwt.encode(
        {**claims, "sub": str(uuid.uuid4())}, settings.secret_key, algorithm="HS256"
    )
    for bad in (expired, wrong_audience, wrong_issuer, wrong_key, altered, other_user, "garbage"):
        response = await client.get("/api/v1/me", headers=_bearer(bad))
        assert response.status_code == 401, bad
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 200


async def test_failed_logins_are_limited_per_account_with_retry_after(
    client: Client, make_user: MakeUser
) -> None:
    await make_user("zheng")
    for _ in range(5):
        response = await client.post(LOGIN, json={"username": "zheng", "password": "wrong-pass"})
        assert response.status_code == 401
    blocked = await client.post(LOGIN, json={"username": "zheng", "password": DEFAULT_PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert blocked.headers["content-type"].startswith("application/problem+json")
    # another account from the same address is not yet limited
    await make_user("feng")
    assert (
        await client.post(LOGIN, json={"username": "feng", "password": DEFAULT_PASSWORD})
    ).is_success


async def test_failed_logins_are_limited_per_client_address(
    client: Client, make_user: MakeUser
) -> None:
    await make_user("chen")
    for i in range(20):
        response = await client.post(LOGIN, json={"username": f"ghost{i}", "password": "nope-nope"})
        assert response.status_code == 401
    blocked = await client.post(LOGIN, json={"username": "chen", "password": DEFAULT_PASSWORD})
    assert blocked.status_code == 429
    assert "retry-after" in blocked.headers


async def test_bad_login_input_is_a_clear_4xx_and_writes_nothing(
    client: Client, make_user: MakeUser, db: Database
) -> None:
    await make_user("han")
    cases = [
        (b"{not json", 400),
        (b'{"username": "han"}', 422),
        (b'{"username": "han", "password": "x", "extra": 1}', 422),
        (b'{"username": 5, "password": "x"}', 422),
    ]
    for raw, status in cases:
        response = await client.post(
            LOGIN, content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == status, (raw, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    long = await client.post(LOGIN, json={"username": "han", "password": "x" * 1025})
    assert long.status_code == 422
    huge = await client.post(LOGIN, json={"username": "han", "password": "x" * 1_048_576})
    assert huge.status_code in (413, 422)
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(LoginSession)) == 0


async def test_login_as_fixture_gives_working_headers(
    login_as: LoginAs, make_user: MakeUser, client: Client
) -> None:
    await make_user("yang")
    headers = await login_as("yang")
    assert (await client.get("/api/v1/me", headers=headers)).json()["username"] == "yang"
