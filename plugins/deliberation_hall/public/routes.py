"""HTTP routes of the public view, readable by anyone, without a login, where a tenant switched
its ``public_view`` setting on (see :mod:`plugins.deliberation_hall.public.access`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, paginate
from plugins.deliberation_hall.permissions import READ
from plugins.deliberation_hall.public import services
from plugins.deliberation_hall.public.access import DEPENDENCIES, PUBLIC_SETTING, PublicScope
from plugins.deliberation_hall.public.schemas import PublicTopic, PublicTopicDetail
from plugins.deliberation_hall.topics.schemas import State


class PublicController(Controller):
    """``/public/...``: open to every reader where the tenant opened its page; staff may
    preview it before."""

    path = "/public"
    opt = {**READ, "public": PUBLIC_SETTING}  # noqa: RUF012
    dependencies = dict(DEPENDENCIES)  # noqa: RUF012

    @get("/topics", summary="Published topics (public)")
    async def list_topics(
        self,
        session: AsyncSession,
        public: PublicScope,
        paging: Paging,
        category: str | None = None,
        topic_state: Annotated[State | None, Parameter(query="state")] = None,
    ) -> Page[PublicTopic]:
        """Published topics of the tenant's subtree, newest first, public fields only."""
        stmt = services.query(public, category, topic_state)
        return await paginate(session, stmt, paging, services.answerer(public))

    @get("/topics/{topic_id:uuid}", summary="A published topic with its sessions, votes and tasks")
    async def get_topic(
        self, session: AsyncSession, public: PublicScope, topic_id: uuid.UUID
    ) -> PublicTopicDetail:
        return await services.detail(session, public, topic_id)


ROUTES = [PublicController]
