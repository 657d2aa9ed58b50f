"""The roll-up dashboard: the figures of ``GET /api/v1/tenants/{t}/metrics``, arranged.

The figures are the API's answer itself (summed by the database over the subtree and per
child), so the dashboard and the API can never disagree. The headline figures are those named
by the tenant setting ``console.headline`` (a list of metric names) on the tenant or its
nearest ancestor that sets it; names of modules not installed or not on are skipped.

A district shows some ninety figures, each with a bar per town and many with a line over the
months: the chart data goes to the browser once, as one JSON document (the children's names
and the months once, each figure's values by name) that ``console.js`` hands to ECharts, and
the page itself keeps each figure's numbers as a small table beside its chart. What the
template reads are :class:`Figure` objects with every value prepared, so rendering is a
straight pass over them.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar import Request
from markupsafe import Markup
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


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure as the dashboard shows it, in the page's language.

    ``rows`` are the children's names with their displayed values (empty when the tenant has
    no children), ``own`` what was recorded at the tenant itself (displayed, None when zero),
    ``months`` the trend's months with displayed values (empty without a monthly form).
    """

    name: str
    label: str
    unit: str
    total: int
    shown: str
    rows: list[tuple[str, str]]
    own: str | None
    months: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class ModuleFigures:
    module: str
    label: str
    figures: list[Figure]


@dataclass(frozen=True, slots=True)
class Board:
    """The dashboard's content; ``charts`` is the chart data, ready for a JSON script tag."""

    headline: list[Figure]
    modules: list[ModuleFigures]
    failed: list[str]
    charts: Markup


def _scale(unit: str) -> int:
    return 100 if unit == "fen" else 1


def charts_json(
    figures: list[dict[str, Any]], trends: dict[str, dict[str, Any]], lang: str
) -> Markup:
    """The chart data of every figure as one JSON document, safe inside ``<script>``.

    ``children`` and ``months`` are the axes (the same for every figure of one roll-up),
    ``bars`` and ``trends`` each figure's series by metric name: its title and its values in
    the unit shown (yuan for fen).
    """
    children = figures[0]["children"] if figures else []
    months = next(iter(trends.values()))["months"] if trends else []
    document = {
        "children": [c["name"] for c in children],
        "months": [m["month"] for m in months],
        "bars": {
            f["name"]: {
                "name": f["title_en"] if lang == "en" else f["title"],
                "data": [c["value"] / _scale(f["unit"]) for c in f["children"]],
            }
            for f in figures
            if f["children"]
        },
        "trends": {
            name: {
                "name": s["title_en"] if lang == "en" else s["title"],
                "data": [m["value"] / _scale(s["unit"]) for m in s["months"]],
            }
            for name, s in trends.items()
        },
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def build(
    page: PageContext,
    rollup: dict[str, Any],
    monthly: dict[str, Any] | None,
    headline: list[str],
) -> Board:
    """The dashboard's content: the ``headline`` figures (by name), then every module's
    figures with bars by child and, where the module records dates, a line over the months."""
    lang = page.lang
    figures = [in_yuan(f) for f in rollup["figures"]]
    names = {f["name"] for f in figures}
    trends = {
        s["name"]: in_yuan(s) for s in (monthly or {}).get("series", []) if s["name"] in names
    }
    shown: dict[str, Figure] = {}
    modules: dict[str, list[Figure]] = {}
    for f in figures:
        unit = f["unit"]
        trend = trends.get(f["name"])
        figure = Figure(
            name=f["name"],
            label=f["title_en"] if lang == "en" else f["title"],
            unit=unit,
            total=f["total"],
            shown=display(f["total"], unit),
            rows=[(c["name"], display(c["value"], unit)) for c in f["children"]],
            own=display(f["own"], unit) if f.get("own") else None,
            months=[(m["month"], display(m["value"], unit)) for m in trend["months"]]
            if trend
            else [],
        )
        shown[f["name"]] = figure
        modules.setdefault(f["module"], []).append(figure)
    titles = {m["module"]: (m["title_en"] if lang == "en" else m["title"]) for m in page.modules}
    return Board(
        headline=[shown[n] for n in headline if n in shown],
        modules=[
            ModuleFigures(name, titles.get(name, name), items)
            for name, items in sorted(modules.items())
        ],
        failed=list(rollup.get("failed", [])),
        charts=charts_json(figures, trends, lang),
    )


async def load(request: Request[Any, Any, Any], page: PageContext) -> tuple[Board | None, int]:
    """The dashboard of ``page``'s tenant and its status: the roll-up and the monthly series
    (``GET .../metrics`` and ``.../metrics/monthly``, asked at once, as independent calls) and
    the headline's names; no board, with the API's status, when the roll-up is refused."""
    answer, trend, names = await asyncio.gather(
        page.api.get(f"/api/v1/tenants/{page.key}/metrics"),
        page.api.get(f"/api/v1/tenants/{page.key}/metrics/monthly"),
        headline_names(request, page),
    )
    if not answer.ok:
        return None, answer.status
    return build(page, answer.json(), trend.json() if trend.ok else None, names), 200
