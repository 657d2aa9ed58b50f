"""Adding modules' figures up the tenant tree, in SQL.

For a tenant with path ``P``, every row of a module's metric query is attributed to the child of
the tenant it falls under by the first ``len(P) + 33`` characters of its tenant's path (one
``/<32 hex>`` segment below ``P``), so a whole district is a handful of GROUP BY queries however
many communities it has. On PostgreSQL a tenant's child is looked up in a ``jsonb`` object built
once per statement from the subtree rather than joined, so no plan depends on the subtree's
size, which the planner cannot see in the narrowing array (:func:`_by_child`).

A module's roll-up statement is built once per process and dialect, with the tenant's path, the
upper bound of its subtree's path range and the length of a child's path as parameters:
building the statement of a module with many figures costs far more than running it, and one
statement object keeps SQLAlchemy's compiled form (its cache key is memoised on the object), so
each roll-up only binds the tenant and runs. The parameters are bound, not written into the
SQL text, so the text is the same for every tenant and PostgreSQL, after its first five
executions on a connection, may plan it once and reuse the plan for any tenant: planning the
statement with every branch's policies took 13–30 ms at full size, more than running a
district's. That is safe because nothing in the plan depends on the subtree's size (the child
lookup above; the narrowing array's length was never known to the planner); a generic plan and
a province's own plan had the same shape and time (docs/benchmarks.md, ``make bench-scale``).
The monthly figures (:func:`monthly`), whose semi-join to the subtree does depend on its size,
still render the path into the text (``literal_execute``) and are planned per tenant.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import structlog
from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    CompoundSelect,
    DateTime,
    Integer,
    Select,
    String,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core.modules.host import PluginHost
from core.modules.metrics import MetricQuery
from core.modules.reach import modules_on_below
from core.tenancy.models import Tenant

QUERY_TIMEOUT = 10.0
SEGMENT = 33
log = structlog.get_logger("gongzhi.metrics")

ROLLUP_PATH = "rollup_path"
ROLLUP_UPPER = "rollup_upper"
ROLLUP_LENGTH = "rollup_length"
STATEMENTS = 512
"""How many built roll-up statements a process keeps (one per module and dialect, and per
figure of a module whose batch failed)."""


def _param(
    name: str, kind: type[String] | type[Integer], *, literal: bool = False
) -> BindParameter[Any]:
    return bindparam(name, type_=kind, literal_execute=literal)


def _in_subtree(dialect: str, *, literal: bool = False) -> ColumnElement[bool]:
    """SQL: a ``tenants`` row lies in the subtree of the tenant bound as :data:`ROLLUP_PATH`
    (that tenant included).

    On PostgreSQL the test is the byte range ``[path, upper)`` of the ``text_pattern_ops``
    index on ``tenants.path``, ``upper`` (:data:`ROLLUP_UPPER`) being ``path`` with its last
    character's successor: exactly the paths that start with ``path``. Its comparisons are
    leakproof, so under the tenants table's row-level security they stay an index range ahead
    of the policy, where ``LIKE`` (not leakproof) is a filter after a scan of every tenant; and
    with the range alone, not beside an equivalent ``LIKE``, the planner's estimate of the
    subtree's size is the histogram's (a ``LIKE`` next to it counted the same restriction twice
    and estimated a district's 225 tenants as 4, which chose nested loops a province could not
    afford).
    """
    path = _param(ROLLUP_PATH, String, literal=literal)
    if dialect != "postgresql":
        return Tenant.path.startswith(path)
    upper = _param(ROLLUP_UPPER, String, literal=literal)
    return and_(Tenant.path.op("~>=~")(path), Tenant.path.op("~<~")(upper))


def _params(tenant: Tenant) -> dict[str, Any]:
    """The parameters of a roll-up statement at ``tenant``."""
    upper = tenant.path[:-1] + chr(ord(tenant.path[-1]) + 1)
    return {
        ROLLUP_PATH: tenant.path,
        ROLLUP_UPPER: upper,
        ROLLUP_LENGTH: len(tenant.path) + SEGMENT,
    }


def _subtree(dialect: str) -> CTE:
    """The subtree of the bound tenant once per roll-up: each tenant id with the path of the
    child it falls under (the first :data:`ROLLUP_LENGTH` characters of its path, the tenant's
    own path for the tenant itself)."""
    child = func.substr(Tenant.path, 1, _param(ROLLUP_LENGTH, Integer))
    return (
        select(Tenant.id.label("id"), child.label("child"))
        .where(_in_subtree(dialect))
        .cte("rollup_subtree")
    )


def _children(subtree: CTE) -> CTE:
    """PostgreSQL: one row holding the subtree's child paths by tenant id, as a ``jsonb``
    object built once per statement."""
    pairs = func.jsonb_object_agg(cast(subtree.c.id, Text), subtree.c.child)
    return select(pairs.label("child_of")).cte("rollup_children")


def _by_child(metric: MetricQuery, subtree: CTE, children: CTE | None, dialect: str) -> Select[Any]:
    """``metric``'s rows in the subtree, summed per child path.

    The metric query is narrowed to the subtree's tenant ids before it is grouped, so a district
    reads the district's rows (through the ``tenant_id`` indexes), not the whole country's; the
    subtree is read once per statement however many metrics share it.

    On PostgreSQL the narrowing is ``tenant_id = ANY (ARRAY(<subtree ids>))``: one index scan
    whose keys are the subtree's ids, computed once. With ``IN (<subtree>)`` instead, the
    planner read a module table whole under row-level security: a semi-join through the index
    is a nested loop, and the planner charges every probe the start-up cost of the policy's
    sub-plans (the subtree, the visible activities), which PostgreSQL pays once per statement;
    so it preferred a scan of the ten-million-row ledger that evaluates the policy on every row.

    On PostgreSQL each tenant's child is then looked up in the ``jsonb`` object of
    :func:`_children` instead of joining the per-tenant sums to the subtree: the planner cannot
    know how many ids the array holds (it estimated a province's 333,500 ledger entries at 165)
    and, from that guess, may join a province's 20,000 sums to its 21,664 tenants by a nested
    loop (67 s at full size once the policies' subtree reads were cheap). A lookup per sum has
    no such choice, so no plan of the statement depends on the subtree's size.
    """
    query = metric.query()
    tenant_of = query.selected_columns[0]
    if dialect != "postgresql" or children is None:
        sub = query.where(tenant_of.in_(select(subtree.c.id))).subquery()
        tenant_col, value_col = list(sub.c)[:2]
        return (
            select(subtree.c.child, func.sum(value_col).label("value"))
            .select_from(sub)
            .join(subtree, subtree.c.id == tenant_col)
            .group_by(subtree.c.child)
        )
    ids = func.array(select(subtree.c.id).scalar_subquery())
    sub = query.where(tenant_of == any_(ids)).subquery()
    tenant_col, value_col = list(sub.c)[:2]
    child_of = select(children.c.child_of).scalar_subquery()
    named = select(
        child_of.op("->>", return_type=String)(cast(tenant_col, Text)).label("child"),
        value_col.label("value"),
    ).subquery()
    return select(named.c.child, func.sum(named.c.value).label("value")).group_by(named.c.child)


def _statement_ctes(dialect: str) -> tuple[CTE, CTE | None]:
    subtree = _subtree(dialect)
    return subtree, _children(subtree) if dialect == "postgresql" else None


@functools.lru_cache(maxsize=STATEMENTS)
def _batch(metrics: tuple[MetricQuery, ...], dialect: str) -> CompoundSelect[Any]:
    """All of ``metrics`` as one ``UNION ALL``, each row tagged with its metric's index."""
    subtree, children = _statement_ctes(dialect)
    return union_all(
        *(
            _by_child(metric, subtree, children, dialect).add_columns(
                literal(index).label("metric")
            )
            for index, metric in enumerate(metrics)
        )
    )


@functools.lru_cache(maxsize=STATEMENTS)
def _single(metric: MetricQuery, dialect: str) -> Select[Any]:
    return _by_child(metric, *_statement_ctes(dialect), dialect)


async def _run(
    session: AsyncSession,
    stmt: Select[Any] | CompoundSelect[Any],
    queries: int = 1,
    params: dict[str, Any] | None = None,
) -> list[Any]:
    """Rows of ``stmt`` (``queries`` metric queries) within ``QUERY_TIMEOUT`` per query."""
    async with session.begin_nested():
        timeout = QUERY_TIMEOUT * queries
        return list((await asyncio.wait_for(session.execute(stmt, params), timeout)).all())


async def _module_values(
    session: AsyncSession, name: str, metrics: Sequence[MetricQuery], tenant: Tenant
) -> list[dict[str, int] | None]:
    """Per metric, the values by child path; ``None`` for a metric whose query failed.

    All of a module's metrics go to the database as one ``UNION ALL`` (one round trip instead of
    three per metric); only when that fails is each metric run on its own, so one broken query
    still costs just its own figure.
    """
    dialect = session.get_bind().dialect.name
    params = _params(tenant)
    try:
        rows = (
            await _run(session, _batch(tuple(metrics), dialect), len(metrics), params)
            if metrics
            else []
        )
    except Exception:
        log.warning("metrics_batch_failed", plugin=name)
    else:
        values: list[dict[str, int] | None] = [{} for _ in metrics]
        for path, value, index in rows:
            values[index][path] = int(value or 0)
        return values
    singles: list[dict[str, int] | None] = []
    for metric in metrics:
        try:
            rows = await _run(session, _single(metric, dialect), 1, params)
        except Exception:
            log.exception("metric_failed", plugin=name, metric=metric.name)
            singles.append(None)
            continue
        singles.append({path: int(value or 0) for path, value in rows})
    return singles


async def _without_jit(session: AsyncSession) -> None:
    """Turn PostgreSQL's JIT compilation off for the rest of the transaction.

    Under row-level security every table a roll-up reads brings its policies' sub-plans, and
    the planner's cost of such a statement (a module's ``UNION ALL`` of every metric, or the
    test of which modules are on below) passes ``jit_above_cost`` while the statement itself
    runs in milliseconds: compiling it took 22 s for a district's statement of 1,456
    expressions. The roll-up's statements read through indexes and gain nothing from JIT.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL jit = off"))


async def rollup(
    session: AsyncSession, host: PluginHost, tenant: Tenant, modules: frozenset[str]
) -> dict[str, Any]:
    """Every figure over ``tenant``'s subtree (total, own rows, and per child) of ``modules``
    (those on at ``tenant``) and of every module that is on anywhere below it.

    A town whose communities use a module sees its figures though the town itself has not
    switched it on; a module off everywhere in the subtree shows nothing.
    """
    await _without_jit(session)
    modules = await modules_on_below(session, host.manifests, tenant, modules)
    children = (
        await session.execute(
            select(Tenant.path, Tenant.slug, Tenant.name, Tenant.status)
            .where(Tenant.parent_id == tenant.id)
            .order_by(Tenant.division_code, Tenant.slug)
        )
    ).all()
    figures: list[dict[str, Any]] = []
    failed: list[str] = []
    for name in sorted(modules):
        plugin = host.plugin_of(name)
        if plugin is None:
            continue
        metrics = list(plugin.metrics)
        for metric, by_path in zip(
            metrics, await _module_values(session, name, metrics, tenant), strict=True
        ):
            if by_path is None:
                failed.append(metric.name)
                continue
            figures.append(
                {
                    "name": metric.name,
                    "module": name,
                    "title": metric.title,
                    "title_en": metric.title_en,
                    "unit": metric.unit,
                    "total": sum(by_path.values()),
                    "own": by_path.get(tenant.path, 0),
                    "children": [
                        {
                            "slug": slug,
                            "name": cname,
                            "status": status,
                            "value": by_path.get(path, 0),
                        }
                        for path, slug, cname, status in children
                    ],
                }
            )
    return {"tenant": tenant.slug, "figures": figures, "failed": failed}


def _month(column: Any, dialect: str) -> Any:
    """``YYYY-MM`` of a date or time column, in SQL."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


def _since(column: Any, start: date) -> date | datetime:
    """``start`` as the column compares: a UTC midnight for a time column, else the date."""
    kind = getattr(column.type, "impl_instance", column.type)
    if isinstance(kind, DateTime):
        return datetime(start.year, start.month, start.day, tzinfo=UTC)
    return start


def first_month(today: date, months: int) -> date:
    """The first day of the month ``months - 1`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


async def monthly(
    session: AsyncSession,
    host: PluginHost,
    tenant: Tenant,
    modules: frozenset[str],
    *,
    today: date,
    months: int = 12,
) -> dict[str, Any]:
    """Per figure that offers a monthly form (``MetricQuery.monthly``), its sums over
    ``tenant``'s subtree for each of the ``months`` calendar months up to ``today``'s (months
    without records are 0), for the same modules as :func:`rollup`."""
    await _without_jit(session)
    modules = await modules_on_below(session, host.manifests, tenant, modules)
    dialect = session.get_bind().dialect.name
    start = first_month(today, months)
    labels = [
        f"{(start.year * 12 + start.month - 1 + i) // 12:04d}-"
        f"{(start.year * 12 + start.month - 1 + i) % 12 + 1:02d}"
        for i in range(months)
    ]
    series: list[dict[str, Any]] = []
    failed: list[str] = []
    subtree = select(Tenant.id).where(_in_subtree(dialect, literal=True))
    params = _params(tenant)
    for name in sorted(modules):
        plugin = host.plugin_of(name)
        if plugin is None:
            continue
        for metric in plugin.metrics:
            if metric.monthly is None:
                continue
            query = metric.monthly()
            tenant_col, when_col = list(query.selected_columns)[:2]
            narrowed = query.where(tenant_col.in_(subtree), when_col >= _since(when_col, start))
            when, value = list(narrowed.subquery().c)[1:3]
            month = _month(when, dialect)
            stmt = select(month.label("month"), func.sum(value)).group_by(month)
            try:
                rows = await _run(session, stmt, 1, params)
            except Exception:
                log.exception("metric_failed", plugin=name, metric=metric.name)
                failed.append(metric.name)
                continue
            found = {str(m): round(float(v or 0)) for m, v in rows}
            series.append(
                {
                    "name": metric.name,
                    "module": name,
                    "title": metric.title,
                    "title_en": metric.title_en,
                    "unit": metric.unit,
                    "months": [{"month": m, "value": found.get(m, 0)} for m in labels],
                }
            )
    return {"tenant": tenant.slug, "series": series, "failed": failed}
