"""The roll-up dashboard: the figures of ``GET /api/v1/tenants/{t}/metrics``, arranged.

The figures are the API's answer itself (summed by the database over the subtree and per
child), so the dashboard and the API can never disagree. The headline figures are those named
by the tenant setting ``console.headline`` (a list of metric names) on the tenant or its
nearest ancestor that sets it; names of modules not installed or not on are skipped.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from litestar import Request
from sqlalchemy import select

from core.db import SYSTEM, Database
from core.tenancy.models import Tenant

if TYPE_CHECKING:
    from core.console.pages import PageContext


async def headline_names(request: Request[Any, Any, Any], page: PageContext) -> list[str]:
    """``console.headline`` of the tenant or its nearest ancestor that sets it."""
    chain = [a["id"] for a in page.tenant.get("ancestors") or []] + [page.tenant["id"]]
    db: Database = request.app.state.db
    async with db.session(context=SYSTEM) as session:
        rows: dict[Any, Any] = dict(
            (
                await session.execute(
                    select(Tenant.id, Tenant.settings).where(
                        Tenant.id.in_([uuid.UUID(str(i)) for i in chain])
                    )
                )
            ).all()
        )
    for tenant_id in reversed(chain):
        settings = rows.get(uuid.UUID(str(tenant_id))) or {}
        console = settings.get("console") if isinstance(settings, dict) else None
        names = console.get("headline") if isinstance(console, dict) else None
        if isinstance(names, list):
            return [str(n) for n in names]
    return []


def display(value: int, unit: str) -> str:
    """A figure as people read it: fen as yuan with two decimals, others with separators."""
    if unit == "fen":
        sign = "-" if value < 0 else ""
        yuan, fen = divmod(abs(value), 100)
        return f"{sign}{yuan:,}.{fen:02d}"
    return f"{value:,}"


def in_yuan(figure: dict[str, Any]) -> dict[str, Any]:
    """A fen figure's titles speak of yuan, as its displayed value does."""
    if figure["unit"] != "fen":
        return figure
    return {
        **figure,
        "title": figure["title"].replace("（分）", "（元）"),
        "title_en": figure["title_en"].replace("(fen)", "(yuan)"),
    }


def chart_of(figure: dict[str, Any], lang: str) -> str:
    """The ECharts option (JSON) of a figure's bars by child tenant."""
    children = figure["children"]
    scale = 100 if figure["unit"] == "fen" else 1
    return json.dumps(
        {
            "grid": {"left": 8, "right": 8, "top": 16, "bottom": 8, "containLabel": True},
            "tooltip": {"trigger": "axis"},
            "xAxis": {
                "type": "category",
                "data": [c["name"] for c in children],
                "axisLabel": {"interval": 0, "rotate": 30 if len(children) > 4 else 0},
            },
            "yAxis": {"type": "value"},
            "series": [
                {
                    "type": "bar",
                    "name": figure["title_en"] if lang == "en" else figure["title"],
                    "data": [c["value"] / scale for c in children],
                    "itemStyle": {"color": "#b3261e"},
                }
            ],
        },
        ensure_ascii=False,
    )


def trend_of(series: dict[str, Any], lang: str) -> str:
    """The ECharts option (JSON) of a figure's line over months."""
    scale = 100 if series["unit"] == "fen" else 1
    return json.dumps(
        {
            "grid": {"left": 8, "right": 8, "top": 16, "bottom": 8, "containLabel": True},
            "tooltip": {"trigger": "axis"},
            "xAxis": {"type": "category", "data": [m["month"] for m in series["months"]]},
            "yAxis": {"type": "value"},
            "series": [
                {
                    "type": "line",
                    "name": series["title_en"] if lang == "en" else series["title"],
                    "data": [m["value"] / scale for m in series["months"]],
                    "itemStyle": {"color": "#0b4fb3"},
                }
            ],
        },
        ensure_ascii=False,
    )


async def board(
    request: Request[Any, Any, Any],
    page: PageContext,
    rollup: dict[str, Any],
    monthly: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The dashboard's content: headline figures, then every module's figures with bars by
    child and, where the module records dates, a line over the last months."""
    figures = [in_yuan(f) for f in rollup["figures"]]
    trends = {s["name"]: s for s in (monthly or {}).get("series", [])}
    by_name = {f["name"]: f for f in figures}
    headline = [by_name[n] for n in await headline_names(request, page) if n in by_name]
    modules: dict[str, list[dict[str, Any]]] = {}
    for figure in figures:
        modules.setdefault(figure["module"], []).append(
            {
                **figure,
                "shown": display(figure["total"], figure["unit"]),
                "chart": chart_of(figure, page.lang) if figure["children"] else None,
                "trend": trend_of(trends[figure["name"]], page.lang)
                if figure["name"] in trends
                else None,
                "months": trends[figure["name"]]["months"] if figure["name"] in trends else [],
                "rows": [
                    {**c, "shown": display(c["value"], figure["unit"])} for c in figure["children"]
                ],
            }
        )
    titles = {m["module"]: (m["title"], m["title_en"]) for m in page.modules}
    return {
        "headline": [{**f, "shown": display(f["total"], f["unit"])} for f in headline],
        "modules": [
            {"module": name, "title": titles.get(name, (name, name)), "figures": items}
            for name, items in sorted(modules.items())
        ],
        "failed": rollup.get("failed", []),
    }
