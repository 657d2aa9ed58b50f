"""Five-sector's events follow their declared contracts (plugins/five_sector/events.py)."""

from __future__ import annotations

import uuid

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from core.db import Database
from core.modules.events import Event
from core.modules.models import OutboxEvent
from plugins.five_sector.events import ActivityClosed, ServiceHoursRecorded
from tests.plugins.five_sector.conftest import Tree, url
from tests.plugins.five_sector.test_volunteers import activity, check_in, new_volunteer, sign_up

Client = AsyncTestClient[Litestar]


async def test_closing_an_activity_emits_who_was_credited(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    volunteer = await new_volunteer(admin_client, tree.urban, "V1")
    act = await activity(admin_client, tree.urban)
    participant = await sign_up(
        admin_client, tree.urban, act, role="volunteer", volunteer_id=volunteer
    )
    assert await check_in(admin_client, tree.urban, act, participant) == 200
    closed = await admin_client.post(
        url(tree.urban, f"/activities/{act}/close"), json={"verified_by": "王主任"}
    )
    assert closed.status_code == 200, closed.text
    async with db.session() as session:
        rows = list(await session.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at)))
    by_type = {r.type: r for r in rows}
    assert {r.source for r in rows} == {"five-sector"}
    row = by_type["five-sector.activity-closed"]
    event = Event(row.id, row.type, row.source, row.tenant_id, dict(row.payload))
    payload = event.payload_as(ActivityClosed)
    assert payload.activity_id == uuid.UUID(act)
    assert payload.tenant_id == tree.urban.id
    assert [(p.volunteer_id, p.user_id, p.minutes) for p in payload.participants] == [
        (uuid.UUID(volunteer), None, 210)
    ]
    hours = by_type["five-sector.service-hours-recorded"]
    credited = Event(hours.id, hours.type, hours.source, hours.tenant_id, dict(hours.payload))
    assert credited.payload_as(ServiceHoursRecorded).minutes == 210
