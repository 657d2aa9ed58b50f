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
from typing import Any

from litestar import Response, get
from litestar.types import Scope
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


_requests: dict[tuple[str, str, int, str, str], Any] = {}
_latencies: dict[tuple[str, str, str], Any] = {}


def record(scope: Scope, status: int, seconds: float) -> None:
    """Count a routed HTTP request answered with ``status`` after ``seconds``; a request that
    matched no route is not recorded.

    The labelled children are kept per label values (as bounded as the labels themselves):
    ``labels()`` validated and looked them up again on every request.
    """
    handler = scope.get("route_handler")
    template = scope.get("path_template")
    if handler is None or not template:
        return
    opt_module = handler.opt.get("module")
    module = opt_module if isinstance(opt_module, str) else CORE_MODULE
    route, method = str(template), str(scope.get("method", ""))
    level = getattr(scope.get("state", {}).get(RESOLVED_KEY), "level", None)
    tenant_level = level if isinstance(level, str) else NO_TENANT
    key = (route, method, status, module, tenant_level)
    counter = _requests.get(key)
    if counter is None:
        counter = _requests[key] = REQUESTS.labels(route, method, str(status), module, tenant_level)
    counter.inc()
    latency_key = (route, method, module)
    latency = _latencies.get(latency_key)
    if latency is None:
        latency = _latencies[latency_key] = LATENCY.labels(route, method, module)
    latency.observe(seconds)


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
