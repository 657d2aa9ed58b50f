"""HTTP routes of implementation tasks."""

from __future__ import annotations

import uuid
from typing import Literal

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Caller, Page, Paging, Tenant, paginate
from plugins.deliberation_hall.permissions import MANAGE, READ
from plugins.deliberation_hall.tasks import services
from plugins.deliberation_hall.tasks.schemas import ProgressCreate, Task, TaskCreate, TaskDetail


@post("/topics/{topic_id:uuid}/tasks", opt=MANAGE)
async def create_task(
    tenant: Tenant, session: AsyncSession, caller: Caller, topic_id: uuid.UUID, data: TaskCreate
) -> Task:
    """An implementation task with its owner and due date, on a topic whose result passed."""
    return services.answer(await services.create(session, tenant, caller, topic_id, data))


@get("/tasks", opt=READ)
async def list_tasks(
    tenant: Tenant,
    session: AsyncSession,
    paging: Paging,
    topic_id: uuid.UUID | None = None,
    status: Literal["open", "done"] | None = None,
) -> Page[Task]:
    return await paginate(
        session, services.query(tenant, topic_id, status), paging, services.answer
    )


@get("/tasks/{task_id:uuid}", opt=READ)
async def get_task(tenant: Tenant, session: AsyncSession, task_id: uuid.UUID) -> TaskDetail:
    return await services.detail(session, await services.visible_task(session, tenant, task_id))


@post("/tasks/{task_id:uuid}/progress", opt=MANAGE)
async def report_progress(
    tenant: Tenant, session: AsyncSession, caller: Caller, task_id: uuid.UUID, data: ProgressCreate
) -> TaskDetail:
    """A progress report; 100 marks the task done."""
    task = await services.report(session, tenant, caller, task_id, data)
    return await services.detail(session, task)


ROUTES = [create_task, list_tasks, get_task, report_progress]
