"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

from core.migrate import orphans_reason, survey_async


@get("/health/live", include_in_schema=True, tags=["health"], summary="Process is up")
async def live() -> dict[str, str]:
    """Answers 200 while the process can serve requests at all; touches no dependency."""
    return {"status": "ok"}


@get("/health/ready", tags=["health"], summary="Database reachable and migrated")
async def ready(state: State) -> Response[dict[str, Any]]:
    """200 when the database answers and every migration branch is at its head (or ahead of
    this code: a newer release of a known branch migrated it), else 503. A database holding
    revisions that no installed code knows (a plugin uninstalled without removing its branch)
    is not ready, and the reason names them."""
    checks: dict[str, Any] = {}
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
        {"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503
    )


ROUTES = [live, ready]
