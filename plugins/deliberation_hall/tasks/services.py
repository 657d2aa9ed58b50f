"""Implementation tasks: created once a topic's result passed, reported on until done.

``on_time`` is whether a done task was done by its due date (a figure the district rolls
up); ``overdue`` whether an open one is past it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Conflict, NotFound, Tenant, in_subtree, row_in_subtree
from plugins.deliberation_hall.access import ensure_handles, visible_topic
from plugins.deliberation_hall.clock import now, today
from plugins.deliberation_hall.models import Task, TaskUpdate
from plugins.deliberation_hall.tasks import schemas

TASK_STATES = ("result_published", "in_implementation")


def answer(task: Task) -> schemas.Task:
    return schemas.Task(**_fields(task))


def _fields(task: Task) -> dict[str, Any]:
    done = task.status == "done"
    return {
        "id": task.id,
        "tenant_id": task.tenant_id,
        "topic_id": task.topic_id,
        "title": task.title,
        "owner_name": task.owner_name,
        "due_on": task.due_on,
        "status": task.status,
        "progress": task.progress,
        "done_on": task.done_on,
        "overdue": not done and today() > task.due_on,
        "on_time": (task.done_on is not None and task.done_on <= task.due_on) if done else None,
    }


async def create(
    session: AsyncSession,
    tenant: Tenant,
    caller: Caller,
    topic_id: uuid.UUID,
    body: schemas.TaskCreate,
) -> Task:
    topic = await visible_topic(session, tenant, topic_id)
    await ensure_handles(session, tenant, topic)
    if topic.state not in TASK_STATES or topic.outcome != "passed":
        raise Conflict(
            "只有表决通过并已公布结果的议题可以安排落实任务",
            title_en="Tasks belong to a topic whose passed result was published",
            code="topic-not-implementable",
        )
    task = Task(
        tenant_id=topic.tenant_id,
        topic_id=topic.id,
        title=body.title.strip(),
        owner_name=body.owner_name.strip(),
        due_on=body.due_on,
        status="open",
        progress=0,
        created_by=caller.id,
    )
    session.add(task)
    await session.flush()
    return task


async def visible_task(
    session: AsyncSession, tenant: Tenant, task_id: uuid.UUID, *, lock: bool = False
) -> Task:
    query = select(Task).where(Task.id == task_id, row_in_subtree(Task.tenant_id, tenant))
    if lock:
        query = query.with_for_update(of=Task)
    task = (await session.execute(query)).scalar_one_or_none()
    if task is None:
        raise NotFound("落实任务")
    return task


async def report(
    session: AsyncSession,
    tenant: Tenant,
    caller: Caller,
    task_id: uuid.UUID,
    body: schemas.ProgressCreate,
) -> Task:
    task = await visible_task(session, tenant, task_id, lock=True)
    topic = await visible_topic(session, tenant, task.topic_id)
    await ensure_handles(session, tenant, topic)
    if task.status == "done":
        raise Conflict("任务已完成", title_en="The task is done", code="task-done")
    at = now()
    session.add(
        TaskUpdate(
            tenant_id=task.tenant_id,
            task_id=task.id,
            progress=body.progress,
            note=body.note.strip(),
            actor_id=caller.id,
            at=at,
        )
    )
    task.progress = body.progress
    if body.progress == 100:
        task.status = "done"
        task.done_on = at.date()
    await session.flush()
    return task


async def detail(session: AsyncSession, task: Task) -> schemas.TaskDetail:
    updates = await session.scalars(
        select(TaskUpdate).where(TaskUpdate.task_id == task.id).order_by(TaskUpdate.at)
    )
    return schemas.TaskDetail(
        **_fields(task),
        updates=[schemas.ProgressOut(progress=u.progress, note=u.note, at=u.at) for u in updates],
    )


def query(
    tenant: Tenant, topic_id: uuid.UUID | None = None, status: str | None = None
) -> Select[Task]:
    stmt = select(Task).where(in_subtree(Task.tenant_id, tenant))
    if topic_id is not None:
        stmt = stmt.where(Task.topic_id == topic_id)
    if status is not None:
        stmt = stmt.where(Task.status == status)
    return stmt.order_by(Task.due_on, Task.id)
