"""Abuse of the API: guessing passwords, replaying or forging tokens, using a disabled
account's tokens, oversized bodies, and writes that would leave no trace."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from core.audit import AuditRecord
from core.cli import main
from core.db import Database
from core.identity.authn import CACHE_TTL
from core.settings import Settings
from core.testing import DEFAULT_PASSWORD, TEST_SECRET
from tests.reliability.figures import count
from tests.reliability.isolation import TENANT_PREFIX, WRITE_METHODS, make_tenant

Client = AsyncTestClient[Litestar]
ME = "/api/v1/me"


async def _login(client: Client, username: str, password: str = DEFAULT_PASSWORD) -> Any:
    return await client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        headers={"Authorization": ""},
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_password_guessing_is_throttled_and_then_even_the_right_password_waits(
    client: Client, make_user: Any, settings: Settings
) -> None:
    await make_user("victim")
    for _ in range(settings.login_account_limit):
        wrong = await _login(client, "victim", "guess-123456")
        assert wrong.status_code == 401
        count("abuse cases tried")
    throttled = await _login(client, "victim", "guess-123456")
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    right = await _login(client, "victim")
    assert right.status_code == 429, "the right password must wait out the window too"
    count("abuse cases tried", 2)


async def test_a_token_is_refused_after_logout(client: Client, make_user: Any) -> None:
    await make_user("leaver")
    pair = (await _login(client, "leaver")).json()
    access = _bearer(pair["access_token"])
    assert (await client.get(ME, headers=access)).status_code == 200
    assert (await client.post("/api/v1/auth/logout", headers=access)).status_code == 204
    assert (await client.get(ME, headers=access)).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert refreshed.status_code == 401
    count("abuse cases tried", 2)


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_a_forged_or_altered_token_is_refused(
    client: Client, make_user: Any, settings: Settings
) -> None:
    user_id = await make_user("holder")
    other_id = await make_user("someone-else")
    token = (await _login(client, "holder")).json()["access_token"]
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    forged = {
        "changed signature": f"{header}.{payload}.{flipped}",
        "changed claims, old signature": (
            f"{header}.{_segment({**claims, 'sub': str(other_id)})}.{signature}"
        ),
        "unsigned (alg none)": f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "signed with another key": jwt.encode(claims, "x" * 48, algorithm="HS256"),
        "expired": jwt.encode(
            {**claims, "exp": int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())},
            TEST_SECRET,
            algorithm="HS256",
        ),
        "another audience": jwt.encode({**claims, "aud": "elsewhere"}, TEST_SECRET, "HS256"),
    }
    assert (await client.get(ME, headers=_bearer(token))).json()["id"] == str(user_id)
    for what, bad in forged.items():
        response = await client.get(ME, headers=_bearer(bad))
        assert response.status_code == 401, f"{what}: {response.status_code}"
        count("abuse cases tried")


async def test_a_disabled_users_tokens_stop_working(
    client: Client, make_user: Any, db: Database, database_url: str, monkeypatch: Any
) -> None:
    async with db.session(write=True) as session:
        session.add(make_tenant(None, "abuse-d", "district", "区"))
    await make_user("to-disable", [("abuse-d", "admin")])
    access = _bearer((await _login(client, "to-disable")).json()["access_token"])
    created = await client.post(
        f"{TENANT_PREFIX.format(tenant_key='abuse-d')}/api-tokens",
        json={"name": "导出", "permissions": ["tenants:read"]},
        headers=access,
    )
    assert created.status_code == 201, created.text
    api_token = _bearer(created.json()["token"])
    tenant_url = TENANT_PREFIX.format(tenant_key="abuse-d")
    assert (await client.get(tenant_url, headers=api_token)).status_code == 200

    monkeypatch.setenv("GONGZHI_DATABASE_URL", database_url)
    monkeypatch.setenv("GONGZHI_SECRET_KEY", TEST_SECRET)
    result = await asyncio.to_thread(CliRunner().invoke, main, ["users", "disable", "to-disable"])
    assert result.exit_code == 0, result.output

    deadline = time.monotonic() + CACHE_TTL + 2
    statuses: tuple[int, int] = (0, 0)
    while time.monotonic() < deadline:
        statuses = (
            (await client.get(ME, headers=access)).status_code,
            (await client.get(tenant_url, headers=api_token)).status_code,
        )
        if statuses == (401, 401):
            break
        await asyncio.sleep(0.2)
    assert statuses == (401, 401), f"tokens still work {CACHE_TTL}s after disabling: {statuses}"
    assert (await _login(client, "to-disable")).status_code == 401
    count("abuse cases tried", 3)


async def _asgi_post(app: Litestar, path: str, chunks: list[bytes], length: int | None) -> Any:
    """POST ``chunks`` straight to the ASGI app; the status and how many chunks it pulled."""
    headers = [(b"content-type", b"application/json")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled < len(chunks):
            pulled += 1
            return {
                "type": "http.request",
                "body": chunks[pulled - 1],
                "more_body": pulled < len(chunks),
            }
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, pulled


async def test_oversized_bodies_are_refused_before_they_are_read(
    app: Litestar, settings: Settings, db: Database
) -> None:
    chunk = b"x" * 65_536
    total = 4 * settings.max_body_bytes
    chunks = [chunk] * (total // len(chunk))
    status, pulled = await _asgi_post(app, "/api/v1/auth/login", chunks, total)
    assert status == 413
    assert pulled == 0, "a body announced too large must not be read at all"
    status, pulled = await _asgi_post(app, "/api/v1/auth/login", chunks, None)
    assert status == 413
    assert pulled * len(chunk) <= settings.max_body_bytes + len(chunk), (
        "an unannounced body must be cut off once it passes the limit"
    )
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(AuditRecord)) == 0
    count("abuse cases tried", 2)


async def test_every_write_outside_the_tenant_tree_leaves_an_audit_record(
    app: Litestar, client: Client, make_user: Any, db: Database
) -> None:
    """The tenant routes' writes are checked by the isolation matrix; these are the rest."""
    schema = app.openapi_schema.to_schema()
    writes = sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        if not path.startswith(TENANT_PREFIX)
        for method in item
        if method.upper() in WRITE_METHODS
    )
    assert writes == [
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/refresh"),
        ("POST", "/api/v1/me/password"),
    ], "a new write outside the tenant tree: add it to this test"
    await make_user("writer")
    login = await _login(client, "writer")
    pair = login.json()
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert refresh.status_code == 200, refresh.text
    password = await client.post(
        "/api/v1/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "writer-new-password"},
        headers=_bearer(refresh.json()["access_token"]),
    )
    assert password.status_code == 204, password.text
    logout = await client.post(
        "/api/v1/auth/logout", headers=_bearer(refresh.json()["access_token"])
    )
    assert logout.status_code == 204
    async with db.session() as session:
        for response in (login, refresh, password, logout):
            found = await session.scalar(
                select(func.count())
                .select_from(AuditRecord)
                .where(AuditRecord.request_id == response.headers["x-request-id"])
            )
            assert found, f"{response.request.url.path} left no audit record"
            count("writes with an audit record")
