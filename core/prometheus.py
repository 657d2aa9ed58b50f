"""Prometheus metrics of the HTTP API, served at ``/metrics``.

Requests are counted by route *template* (``/api/v1/tenants/{tenant_key}/modules``, never the
raw path), method, status and module, with a latency histogram by route, method and module.
Tenants appear only as their level (``district``, ``town``...), a label with as many values as
the configured tree has levels: a label per tenant would grow without bound. Paths that match no
route are not recorded for the same reason.

With several worker processes (``gongzhi serve --workers N``) each process writes its samples to
files in ``PROMETHEUS_MULTIPROC_DIR``, which ``gongzhi serve`` creates empty before starting the
workers; ``/metrics`` then adds up every worker's files, whichever worker answers the scrape.
"""

from __future__ import annotations

import os
import time
from typing import Any

from litestar import Response, get
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

from core.tenancy.resolve import RESOLVED_KEY

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CORE_MODULE = "core"
NO_TENANT = "none"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "gongzhi_http_requests",
    "HTTP requests answered, by route template, method, status, module and tenant level",
    ["route", "method", "status", "module", "tenant_level"],
)
LATENCY = Histogram(
    "gongzhi_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and module",
    ["route", "method", "module"],
    buckets=LATENCY_BUCKETS,
)


def _labels(scope: Scope) -> tuple[str, str, str] | None:
    handler = scope.get("route_handler")
    template = scope.get("path_template")
    if handler is None or not template:
        return None
    module = handler.opt.get("module")
    return (
        str(template),
        str(scope.get("method", "")),
        module if isinstance(module, str) else CORE_MODULE,
    )


def _tenant_level(scope: Scope) -> str:
    tenant = scope.get("state", {}).get(RESOLVED_KEY)
    level = getattr(tenant, "level", None)
    return level if isinstance(level, str) else NO_TENANT


class MetricsMiddleware:
    """Record every routed HTTP request's status and latency (pure ASGI, after routing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        labels = _labels(scope) if scope["type"] == "http" else None  # type: ignore[comparison-overlap]
        if labels is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route, method, module = labels
            REQUESTS.labels(route, method, str(status), module, _tenant_level(scope)).inc()
            LATENCY.labels(route, method, module).observe(time.perf_counter() - started)


def exposition() -> bytes:
    """The text exposition of every metric: this process's, or all workers' in multi-process
    mode."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@get(
    "/metrics",
    sync_to_thread=False,
    media_type=CONTENT_TYPE_LATEST,
    tags=["monitoring"],
    summary="Prometheus 指标 / Prometheus text exposition",
)
def metrics() -> Response[str]:
    """Prometheus scrape endpoint: the text exposition format, declared as its media type."""
    return Response(exposition().decode(), media_type=CONTENT_TYPE_LATEST)


ROUTES: list[Any] = [metrics]
