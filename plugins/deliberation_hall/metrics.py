"""Roll-up figures of the deliberation hall.

Each figure is ``(tenant_id, value)`` per tenant over the module's own tables, attributed to
the tenant that raised the topic (an escalated topic still counts where it was raised); the
core sums them up the tree. Averages are two sums, so they add up across tiers: days to result
= ``days_to_result`` / ``results_published``, satisfaction = ``satisfaction_points`` /
``evaluations``, implementation on time = ``tasks_done_on_time`` / ``tasks_done``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from core import MetricQuery
from plugins.deliberation_hall import states
from plugins.deliberation_hall.clock import now
from plugins.deliberation_hall.models import (
    TOPIC_STATES,
    Evaluation,
    Representative,
    Session,
    Task,
    Topic,
)

P = "deliberation-hall"


def _topics_in(state: str) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        return (
            select(Topic.tenant_id, func.count())
            .where(Topic.state == state)
            .group_by(Topic.tenant_id)
        )

    return query


def _topics() -> Select[Any, Any]:
    return select(Topic.tenant_id, func.count()).group_by(Topic.tenant_id)


def _results() -> Select[Any, Any]:
    return (
        select(Topic.tenant_id, func.count())
        .where(Topic.result_published_at.is_not(None))
        .group_by(Topic.tenant_id)
    )


class days_between(FunctionElement[int]):  # noqa: N801 - an SQL function, named like one
    """Whole days from the first timestamp to the second, in SQL on both databases."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(floor(extract(epoch FROM ({end}) - ({start})) / 86400) AS INTEGER)"


def _days_to_result() -> Select[Any, Any]:
    days = days_between(Topic.collected_at, Topic.result_published_at)
    return (
        select(Topic.tenant_id, func.sum(days))
        .where(Topic.result_published_at.is_not(None))
        .group_by(Topic.tenant_id)
    )


def _tasks_done(on_time: bool) -> Callable[[], Select[Any, Any]]:
    def query() -> Select[Any, Any]:
        stmt = select(Task.tenant_id, func.count()).where(Task.status == "done")
        if on_time:
            stmt = stmt.where(Task.done_on <= Task.due_on)
        return stmt.group_by(Task.tenant_id)

    return query


def _evaluations() -> Select[Any, Any]:
    return select(Evaluation.tenant_id, func.count()).group_by(Evaluation.tenant_id)


def _satisfaction_points() -> Select[Any, Any]:
    return select(Evaluation.tenant_id, func.sum(Evaluation.score)).group_by(Evaluation.tenant_id)


def _hearings_held() -> Select[Any, Any]:
    return (
        select(Session.tenant_id, func.count())
        .where(Session.kind == "hearing", Session.status == "held")
        .group_by(Session.tenant_id)
    )


def _summaries_overdue() -> Select[Any, Any]:
    """Hearings whose summary is late: still missing at its due time, or recorded after it
    (as :func:`plugins.deliberation_hall.sessions.services.summary_overdue` says of one).

    The core builds a metric's statement once per process, so the moment compared with is a
    parameter whose value is read from the clock each time the statement runs."""
    at = bindparam("dh_overdue_at", callable_=lambda: now(), type_=Session.summary_due_at.type)
    return (
        select(Session.tenant_id, func.count())
        .where(
            Session.kind == "hearing",
            Session.summary_due_at.is_not(None),
            or_(
                and_(Session.status == "held", Session.held_at >= Session.summary_due_at),
                and_(Session.status != "held", Session.summary_due_at <= at),
            ),
        )
        .group_by(Session.tenant_id)
    )


def _participants() -> Select[Any, Any]:
    return (
        select(Representative.tenant_id, func.count())
        .where(Representative.present.is_(True))
        .group_by(Representative.tenant_id)
    )


METRICS = (
    MetricQuery(f"{P}.topics", "议题", "Topics", "count", _topics),
    *(
        MetricQuery(
            f"{P}.topics_{state}",
            f"议题（{states.TITLES[state][0]}）",
            f"Topics {states.TITLES[state][1].lower()}",
            "count",
            _topics_in(state),
        )
        for state in TOPIC_STATES
    ),
    MetricQuery(
        f"{P}.results_published", "已公布结果的议题", "Topics with a result", "count", _results
    ),
    MetricQuery(
        f"{P}.days_to_result",
        "从收集到公布结果的天数合计",
        "Days from collection to result, summed",
        "count",
        _days_to_result,
    ),
    MetricQuery(f"{P}.tasks_done", "已完成落实任务", "Tasks done", "count", _tasks_done(False)),
    MetricQuery(
        f"{P}.tasks_done_on_time",
        "按期完成的落实任务",
        "Tasks done on time",
        "count",
        _tasks_done(True),
    ),
    MetricQuery(
        f"{P}.evaluations", "满意度评议", "Satisfaction evaluations", "count", _evaluations
    ),
    MetricQuery(
        f"{P}.satisfaction_points",
        "满意度评分合计",
        "Satisfaction scores, summed",
        "count",
        _satisfaction_points,
    ),
    MetricQuery(f"{P}.hearings_held", "已召开听证会", "Hearings held", "count", _hearings_held),
    MetricQuery(
        f"{P}.hearing_summaries_overdue",
        "听证会纪要逾期",
        "Hearing summaries overdue",
        "count",
        _summaries_overdue,
    ),
    MetricQuery(
        f"{P}.participants",
        "参会居民人次",
        "Residents taking part (person-times)",
        "person_times",
        _participants,
    ),
)
