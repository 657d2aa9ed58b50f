"""The one request middleware gives what the three it replaced gave: the request id (header,
problem details, log context), the caller (401 before the tenant is looked up, a revoked token
refused at once), the metrics and one access line per request."""

from __future__ import annotations

import asyncio
import contextvars
import json
import re
import uuid
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import structlog
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from core.app import create_app
from core.db import Database
from core.identity.authn import cached_principal
from core.logging import (
    add_timestamp,
    bind,
    configure_logging,
    end_request,
    merge_request_context,
    merge_structlog_context,
    new_request_id,
    request_id_of,
    start_request,
)
from core.settings import Settings
from core.testing import create_user, login_headers, make_tree

HEX_ID = re.compile(r"^[0-9a-f]{32}$")
MODULES = "/api/v1/tenants/{}/modules"


def test_a_fresh_request_id_has_the_form_of_a_random_uuid() -> None:
    ids = {new_request_id() for _ in range(200)}
    assert len(ids) == 200
    for value in ids:
        assert HEX_ID.match(value)
        parsed = uuid.UUID(hex=value)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_the_client_s_request_id_is_kept_only_when_valid() -> None:
    assert request_id_of([(b"x-request-id", b"client-id.0001")]) == "client-id.0001"
    assert request_id_of([(b"x-request-id", b"a"), (b"x-request-id", b"last_one_wins")]) == (
        "last_one_wins"
    )
    for bad in (b"short", b"has space in it", b"x" * 65, b""):
        assert HEX_ID.match(request_id_of([(b"x-request-id", bad)]))
    assert HEX_ID.match(request_id_of([]))


async def test_the_log_context_is_the_request_s_shared_with_its_tasks_and_ends_with_it() -> None:
    start_request("ctx-line-0001")
    bind(tenant="district")

    async def started_by_the_request() -> MutableMapping[str, Any]:
        bind(module="five-sector")
        return merge_request_context(None, "info", {"event": "inside"})

    inside = await asyncio.create_task(started_by_the_request())
    assert inside == {
        "event": "inside",
        "request_id": "ctx-line-0001",
        "tenant": "district",
        "module": "five-sector",
    }
    own = merge_request_context(None, "info", {"event": "x", "tenant": "town-b"})
    assert own["tenant"] == "town-b", "a line's own value gives way to the context's"
    assert own["module"] == "five-sector"
    end_request("GET", "/", 200, 0.001)
    assert merge_request_context(None, "info", {"event": "after"}) == {"event": "after"}
    start_request("ctx-line-0002")
    assert merge_request_context(None, "info", {}) == {"request_id": "ctx-line-0002"}
    end_request("GET", "/", 200, 0.001)


def test_a_line_s_time_stamp_is_the_utc_time_to_the_microsecond() -> None:
    """The stamp reads as structlog's ISO stamp in UTC does, its second formatted once and
    reused only within that second."""
    before = datetime.now(UTC)
    stamps = [add_timestamp(None, "info", {})["timestamp"] for _ in range(3)]
    after = datetime.now(UTC)
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", stamp), stamp
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        assert before - timedelta(milliseconds=1) <= when <= after + timedelta(milliseconds=1)
    assert stamps == sorted(stamps)


def test_structlog_s_bound_values_reach_a_line_as_structlog_merges_them() -> None:
    """The kernel's processor for values bound with ``structlog.contextvars`` gives what
    structlog's own gives: bound values added, unbound ones not, the line's own values kept,
    and nothing of another context."""
    structlog.contextvars.clear_contextvars()
    try:
        structlog.contextvars.bind_contextvars(job="nightly", tenant="bound", gone="x")
        structlog.contextvars.unbind_contextvars("gone")
        line = {"event": "e", "tenant": "own"}
        ours = merge_structlog_context(None, "info", dict(line))
        theirs = structlog.contextvars.merge_contextvars(None, "info", dict(line))
        assert ours == theirs == {"event": "e", "tenant": "own", "job": "nightly"}

        seen: list[Any] = []
        contextvars.Context().run(lambda: seen.append(merge_structlog_context(None, "i", {})))
        assert seen == [{}]
    finally:
        structlog.contextvars.clear_contextvars()


def test_the_access_line_written_directly_is_the_line_structlog_writes(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """In JSON at ``INFO`` the access line skips structlog's chain; it must be the line the
    chain writes (keys, order, values, the time stamp's form, the request's and structlog's
    context); once structlog is configured otherwise, its chain writes the line again."""
    kept = structlog.get_config()
    configure_logging(settings.with_(log_level="INFO", log_format="json"))
    capsys.readouterr()

    def written() -> dict[str, Any]:
        start_request("same-line-0001")
        bind(tenant="district", user="sun")
        structlog.contextvars.bind_contextvars(job="nightly")
        try:
            end_request("GET", "/api/v1/tenants/district/modules", 200, 0.0012345)
        finally:
            structlog.contextvars.clear_contextvars()
        [line] = capsys.readouterr().err.splitlines()
        parsed: dict[str, Any] = json.loads(line)
        return parsed

    direct = written()
    structlog.configure(processors=list(structlog.get_config()["processors"]))
    through_structlog = written()
    assert list(direct) == list(through_structlog)
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
    assert stamp.match(direct.pop("timestamp"))
    assert stamp.match(through_structlog.pop("timestamp"))
    assert (
        direct
        == through_structlog
        == {
            "method": "GET",
            "path": "/api/v1/tenants/district/modules",
            "status": 200,
            "duration_ms": 1.23,
            "event": "request",
            "request_id": "same-line-0001",
            "tenant": "district",
            "user": "sun",
            "job": "nightly",
            "level": "info",
        }
    )
    configure_logging(settings.with_(log_level="WARNING", log_format="json"))
    start_request("quiet-0001")
    end_request("GET", "/", 200, 0.001)
    assert capsys.readouterr().err == "", "below the configured level nothing is written"
    configure_logging(settings)
    structlog.configure(**kept)


async def test_the_request_id_reaches_the_answer_and_its_problem(
    admin_client: AsyncTestClient[Litestar], db: Database
) -> None:
    await make_tree(db, {"district": {}})
    kept = await admin_client.get(
        MODULES.format("district"), headers={"X-Request-ID": "trace-0001-abc"}
    )
    assert kept.status_code == 200
    assert kept.headers["x-request-id"] == "trace-0001-abc"
    fresh = await admin_client.get(MODULES.format("nowhere"), headers={"X-Request-ID": "bad id"})
    assert fresh.status_code == 404
    assert HEX_ID.match(fresh.headers["x-request-id"])
    assert fresh.json()["request_id"] == fresh.headers["x-request-id"]


async def test_a_tenant_route_without_credentials_is_401_before_the_tenant_is_looked_up(
    client: AsyncTestClient[Litestar], db: Database
) -> None:
    await make_tree(db, {"district": {}})
    for headers, detail in (
        ({}, "no bearer token"),
        ({"Authorization": "Bearer not-a-token"}, "invalid or expired token"),
    ):
        for tenant in ("district", "no-such-tenant"):
            response = await client.get(MODULES.format(tenant), headers=headers)
            assert response.status_code == 401
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["detail"] == detail
            assert HEX_ID.match(response.headers["x-request-id"])
            assert response.json()["request_id"] == response.headers["x-request-id"]


async def test_a_refused_anonymous_request_is_logged_and_counted_as_401(
    client: AsyncTestClient[Litestar], db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 401 of a tenant route without credentials was answered outside the request's own
    layer: its access line and metrics read 500, which an operator's alert on server errors
    would count."""
    await make_tree(db, {"district": {}})
    labels = {"route": "/api/v1/tenants/{tenant_key}/modules", "method": "GET"}
    before = _count((await client.get("/metrics")).text, status="401", **labels)
    errors = _count((await client.get("/metrics")).text, status="500", **labels)
    capsys.readouterr()
    assert (await client.get(MODULES.format("district"))).status_code == 401
    metrics = (await client.get("/metrics")).text
    assert _count(metrics, status="401", **labels) - before == 1
    assert _count(metrics, status="500", **labels) == errors


async def test_a_known_token_is_answered_from_the_cache_until_its_session_is_revoked(
    settings: Settings, db: Database
) -> None:
    await make_tree(db, {"district": {}})
    await create_user(db, settings, "qian", [("district", "admin")])
    app = create_app(settings)
    app.state.principal_cache.ttl = 60.0
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "qian")
        token = headers["Authorization"].removeprefix("Bearer ")
        cache = app.state.principal_cache
        assert (await client.get(MODULES.format("district"), headers=headers)).status_code == 200
        found, principal = cached_principal(settings, cache, token)
        assert found
        assert principal is not None
        assert principal.username == "qian"
        assert cached_principal(settings, cache, "not-a-token") == (True, None)
        assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
        assert cached_principal(settings, cache, token) == (False, None)
        refused = await client.get(MODULES.format("district"), headers=headers)
        assert refused.status_code == 401
        assert cached_principal(settings, cache, token) == (True, None)


def _count(body: str, **labels: str) -> float:
    return sum(
        float(sample.value)
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "gongzhi_http_requests_total"
        and all(sample.labels.get(k) == v for k, v in labels.items())
    )


async def test_repeated_requests_add_to_the_same_series(
    admin_client: AsyncTestClient[Litestar], db: Database
) -> None:
    await make_tree(db, {"district": {}})
    labels = {
        "route": "/api/v1/tenants/{tenant_key}/modules",
        "method": "GET",
        "status": "200",
        "module": "core",
        "tenant_level": "district",
    }
    before = _count((await admin_client.get("/metrics")).text, **labels)
    for _ in range(3):
        assert (await admin_client.get(MODULES.format("district"))).status_code == 200
    assert _count((await admin_client.get("/metrics")).text, **labels) - before == 3


async def test_every_routed_request_writes_one_access_line(
    settings: Settings, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_tree(db, {"district": {}})
    await create_user(db, settings, "sun", [("district", "admin")])
    app = create_app(settings.with_(log_level="INFO", log_format="json"))
    async with AsyncTestClient(app=app) as client:
        headers = await login_headers(client, "sun")
        capsys.readouterr()
        response = await client.get(
            MODULES.format("district"), headers={**headers, "X-Request-ID": "access-line-01"}
        )
        assert response.status_code == 200
        anonymous = await client.get("/api/v1/me", headers={"Authorization": ""})
        assert anonymous.status_code == 401
    lines: list[dict[str, Any]] = []
    for line in capsys.readouterr().err.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    access = [line for line in lines if line.get("event") == "request"]
    assert len(access) == 2, lines
    read, me = access
    assert {k: read[k] for k in ("method", "path", "status", "request_id", "tenant", "user")} == {
        "method": "GET",
        "path": "/api/v1/tenants/district/modules",
        "status": 200,
        "request_id": "access-line-01",
        "tenant": "district",
        "user": "sun",
    }
    assert read["level"] == "info"
    assert isinstance(read["duration_ms"], float | int)
    assert "timestamp" in read
    assert me["status"] == 401
    assert me["path"] == "/api/v1/me"
    assert me["request_id"] == anonymous.headers["x-request-id"]
    assert "user" not in me
    assert "tenant" not in me
