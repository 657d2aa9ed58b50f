"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

from typing import Literal

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from sqlalchemy import text

from core.migrate import orphans_reason, survey_async


class Liveness(msgspec.Struct, kw_only=True):
    status: Literal["ok"]


class Readiness(msgspec.Struct, kw_only=True):
    """``checks`` says, per dependency (``database``, ``migrations``), ``ok``/``at head`` or
    what is wrong."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, str]


@get("/health/live", include_in_schema=True, tags=["health"], summary="Process is up")
async def live() -> Liveness:
    """Answers 200 while the process can serve requests at all; touches no dependency."""
    return Liveness(status="ok")


@get(
    "/health/ready",
    tags=["health"],
    summary="Database reachable and migrated",
    responses={
        503: ResponseSpec(
            data_container=Readiness,
            generate_examples=False,
            description="未就绪 / Not ready: checks says why",
        )
    },
)
async def ready(state: State) -> Response[Readiness]:
    """200 when the database answers and every migration branch is at its head (or ahead of
    this code: a newer release of a known branch migrated it), else 503. A database holding
    revisions that no installed code knows (a plugin uninstalled without removing its branch)
    is not ready, and the reason names them."""
    checks: dict[str, str] = {}
    ok = True
    try:
        async with state.db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
        ok = False
    if ok:
        found = await survey_async(state.db.engine, state.plugin_locations)
        if found.orphans:
            checks["migrations"] = orphans_reason(found.orphans)
        elif found.behind:
            checks["migrations"] = f"behind: {', '.join(found.behind)}"
        else:
            checks["migrations"] = "at head"
        ok = not found.orphans and not found.behind
    return Response(
        Readiness(status="ok" if ok else "unavailable", checks=checks),
        status_code=200 if ok else 503,
    )


ROUTES = [live, ready]
