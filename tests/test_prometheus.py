"""Prometheus metrics: requests by route template, status and module, with bounded labels."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from core.db import Database
from core.testing import make_tree


def samples(body: str, name: str) -> list[Any]:
    return [
        sample
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == name
    ]


def request_count(body: str, **labels: str) -> float:
    return sum(
        float(s.value)
        for s in samples(body, "gongzhi_http_requests_total")
        if all(s.labels.get(k) == v for k, v in labels.items())
    )


async def test_metrics_count_requests_by_route_template_status_module_and_tenant_level(
    admin_client: AsyncTestClient[Litestar], db: Database
) -> None:
    client = admin_client
    await make_tree(db, {"district": {"town": {}}})
    before = (await client.get("/metrics")).text
    route = "/api/v1/tenants/{tenant_key}/modules"
    assert (await client.get("/api/v1/tenants/town/modules")).status_code == 200
    assert (await client.get("/api/v1/tenants/district/modules")).status_code == 200
    assert (await client.get("/api/v1/tenants/no-such-tenant/modules")).status_code == 404
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    body = response.text
    ok = {"route": route, "method": "GET", "status": "200", "module": "core"}
    assert request_count(body, **ok) - request_count(before, **ok) == 2
    assert (
        request_count(body, **ok, tenant_level="town")
        - request_count(before, **ok, tenant_level="town")
        == 1
    )
    missing = {**ok, "status": "404", "tenant_level": "none"}
    assert request_count(body, **missing) - request_count(before, **missing) == 1
    # Raw paths never become labels: only templates do.
    assert not any(
        "town" in s.labels.get("route", "") for s in samples(body, "gongzhi_http_requests_total")
    )
    latency = [
        s
        for s in samples(body, "gongzhi_http_request_duration_seconds_count")
        if s.labels == {"route": route, "method": "GET", "module": "core"}
    ]
    assert latency
    assert latency[0].value >= 3


async def test_metrics_label_a_module_route_with_its_module(
    admin_client: AsyncTestClient[Litestar], db: Database
) -> None:
    client = admin_client
    await make_tree(db, {"district": {}})
    await client.get("/api/v1/tenants/district/five-sector/organisations")
    body = (await client.get("/metrics")).text
    assert any(
        s.labels["module"] == "five-sector" and "{tenant_key}" in s.labels["route"]
        for s in samples(body, "gongzhi_http_requests_total")
    )


async def test_the_metrics_endpoint_declares_the_text_exposition_in_the_openapi_schema(
    client: AsyncTestClient[Litestar],
) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    content = schema["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert list(content) == [CONTENT_TYPE_LATEST]
    assert content[CONTENT_TYPE_LATEST]["schema"]["type"] == "string"
