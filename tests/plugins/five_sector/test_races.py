"""Concurrency: two closes of one activity credit hours once; two allocations racing for the
last yuan leave the balance at zero. Each contender runs in its own session (transaction)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from core import Conflict
from core.db import Database
from core.tenancy.models import Tenant
from plugins.five_sector.activities import services as activities
from plugins.five_sector.activities.schemas import ActivityClose, ActivityCreate, SignUp
from plugins.five_sector.charity import services as charity
from plugins.five_sector.charity.schemas import AllocationCreate, ResourceCreate
from plugins.five_sector.metrics import INVARIANTS
from plugins.five_sector.models import CharityResource, ServiceEntry
from plugins.five_sector.volunteers import services as volunteer_services
from plugins.five_sector.volunteers.schemas import VolunteerCreate
from tests.plugins.five_sector.conftest import Tree


async def _tenant(session: Any, tenant_id: uuid.UUID) -> Tenant:
    tenant: Tenant = (
        await session.execute(select(Tenant).where(Tenant.id == tenant_id))
    ).scalar_one()
    return tenant


async def _attempt(db: Database, tenant_id: uuid.UUID, action: Any) -> str:
    try:
        async with db.session(write=True) as session:
            await action(session, await _tenant(session, tenant_id))
    except Conflict:
        return "conflict"
    return "ok"


async def test_two_concurrent_closes_credit_hours_once(db: Database, tree: Tree) -> None:
    start = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
    async with db.session(write=True) as session:
        tenant = await _tenant(session, tree.urban.id)
        volunteers = [
            await volunteer_services.create(
                session, tenant, VolunteerCreate(name=f"志愿者{i}", volunteer_number=f"R{i}")
            )
            for i in range(3)
        ]
        activity = await activities.create(
            session,
            tenant,
            ActivityCreate(
                title="巡河",
                category="环保",
                place="沩水",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            ),
        )
        for volunteer in volunteers:
            participant = await activities.sign_up(
                session, tenant, activity.id, SignUp(role="volunteer", volunteer_id=volunteer.id)
            )
            await activities.check_in(session, tenant, activity.id, participant.id)

    async def close(session: Any, tenant: Tenant) -> None:
        await activities.close(session, tenant, activity.id, ActivityClose(verified_by="甲"))

    outcomes = await asyncio.gather(*(_attempt(db, tree.urban.id, close) for _ in range(2)))
    assert sorted(outcomes) == ["conflict", "ok"]
    async with db.session() as session:
        credited = (
            await session.execute(
                select(func.count(), func.sum(ServiceEntry.minutes)).where(
                    ServiceEntry.activity_id == activity.id
                )
            )
        ).one()
        assert tuple(credited) == (3, 360)
        for invariant in INVARIANTS:
            assert await invariant(session) == []


async def test_two_allocations_racing_for_the_last_yuan_leave_zero(
    db: Database, tree: Tree
) -> None:
    async with db.session(write=True) as session:
        tenant = await _tenant(session, tree.town.id)
        resource = await charity.create(
            session,
            tenant,
            ResourceCreate(kind="money", donor_kind="person", donor_name="爱心人士",
                           description="捐款", quantity=100, received_on=datetime.now(UTC).date()),
        )  # fmt: skip

    async def take_last_yuan(session: Any, tenant: Tenant) -> None:
        await charity.allocate(
            session, tenant, resource.id, AllocationCreate(amount=100, project="慰问")
        )

    outcomes = await asyncio.gather(*(_attempt(db, tree.town.id, take_last_yuan) for _ in range(2)))
    assert sorted(outcomes) == ["conflict", "ok"]
    async with db.session() as session:
        balance = (
            await session.execute(
                select(CharityResource.balance).where(CharityResource.id == resource.id)
            )
        ).scalar_one()
        assert balance == 0
        for invariant in INVARIANTS:
            assert await invariant(session) == []


async def test_two_sign_ups_racing_for_the_last_place_admit_one(db: Database, tree: Tree) -> None:
    start = datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
    async with db.session(write=True) as session:
        tenant = await _tenant(session, tree.urban.id)
        activity = await activities.create(
            session,
            tenant,
            ActivityCreate(title="插花课", category="文体", place="活动室", starts_at=start,
                           ends_at=start + timedelta(hours=1), capacity=1),
        )  # fmt: skip

    def join(name: str) -> Any:
        async def action(session: Any, tenant: Tenant) -> None:
            await activities.sign_up(
                session, tenant, activity.id, SignUp(role="beneficiary", name=name)
            )

        return action

    outcomes = await asyncio.gather(
        _attempt(db, tree.urban.id, join("甲")), _attempt(db, tree.urban.id, join("乙"))
    )
    assert sorted(outcomes) == ["conflict", "ok"]
