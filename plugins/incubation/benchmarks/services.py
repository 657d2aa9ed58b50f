"""Benchmark organisations and their showcase."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Tenant, in_subtree
from plugins.incubation.bases import services as bases
from plugins.incubation.benchmarks.schemas import Benchmark as BenchmarkOut
from plugins.incubation.benchmarks.schemas import BenchmarkCreate, Showcase
from plugins.incubation.fields import answer, clean, get_in_subtree, not_in_future
from plugins.incubation.incubatees import services as incubatees
from plugins.incubation.models import Benchmark, BrandProject, Scorecard
from plugins.incubation.orgs import name_organisation


async def create(session: AsyncSession, tenant: Tenant, body: BenchmarkCreate) -> Benchmark:
    base = await bases.get(session, tenant, body.base_id)
    home = await session.get(Tenant, base.tenant_id)
    assert home is not None
    if body.incubatee_id is not None:
        inc = await incubatees.get(session, home, body.incubatee_id)
        org_id, name, inc_id = inc.organisation_id, inc.organisation_name, inc.id
    else:
        named = await name_organisation(session, home, body.organisation_id, body.organisation_name)
        org_id, name, inc_id = named.id, named.name, None
    taken = await session.scalar(
        select(Benchmark.id).where(
            Benchmark.tenant_id == base.tenant_id, Benchmark.organisation_name == name
        )
    )
    if taken is not None:
        raise Conflict(
            f"{name} 已是标杆组织",
            title_en=f"{name} is a benchmark already",
            code="benchmark-exists",
        )
    row = Benchmark(
        tenant_id=base.tenant_id,
        base_id=base.id,
        organisation_id=org_id,
        organisation_name=name,
        incubatee_id=inc_id,
        designated_on=not_in_future("designated_on", body.designated_on),
        headline=clean(body.headline),
        story=clean(body.story),
        highlights=[clean(h) for h in body.highlights],
    )
    session.add(row)
    await session.flush()
    return row


def query(tenant: Tenant) -> Select[Benchmark]:
    return (
        select(Benchmark)
        .where(in_subtree(Benchmark.tenant_id, tenant))
        .order_by(Benchmark.designated_on.desc(), Benchmark.organisation_name, Benchmark.id)
    )


async def showcase(session: AsyncSession, tenant: Tenant, benchmark_id: uuid.UUID) -> Showcase:
    row = await get_in_subtree(session, Benchmark, tenant, benchmark_id, "标杆组织")
    stage: str | None = None
    growth: int | None = None
    if row.incubatee_id is not None:
        inc = await incubatees.get(session, tenant, row.incubatee_id)
        stage = inc.stage
        totals = dict(
            (
                await session.execute(
                    select(Scorecard.kind, Scorecard.total).where(
                        Scorecard.tenant_id == inc.tenant_id, Scorecard.incubatee_id == inc.id
                    )
                )
            ).all()
        )
        if "intake" in totals and "graduation" in totals:
            growth = int(totals["graduation"]) - int(totals["intake"])
    brands = await session.scalars(
        select(BrandProject)
        .where(in_subtree(BrandProject.tenant_id, tenant))
        .order_by(BrandProject.name)
    )
    behind = [
        b.name
        for b in brands
        if any(
            o.get("name") == row.organisation_name
            or (row.organisation_id and o.get("organisation_id") == str(row.organisation_id))
            for o in b.organisations
        )
    ]
    return Showcase(
        **msgspec.structs.asdict(answer(row, BenchmarkOut)),
        stage=stage,
        capacity_growth=growth,
        brand_projects=behind,
    )
