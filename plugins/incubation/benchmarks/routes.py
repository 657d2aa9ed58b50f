"""HTTP routes of benchmark organisations."""

from __future__ import annotations

import uuid

from litestar import get, post
from sqlalchemy.ext.asyncio import AsyncSession

from core import Page, Paging, Tenant, paginate
from plugins.incubation.benchmarks import services
from plugins.incubation.benchmarks.schemas import Benchmark, BenchmarkCreate, Showcase
from plugins.incubation.fields import answer
from plugins.incubation.permissions import MANAGE, READ


@get("/benchmarks", opt=READ)
async def list_benchmarks(tenant: Tenant, session: AsyncSession, paging: Paging) -> Page[Benchmark]:
    return await paginate(session, services.query(tenant), paging, lambda b: answer(b, Benchmark))


@post("/benchmarks", opt=MANAGE)
async def create_benchmark(
    tenant: Tenant, session: AsyncSession, data: BenchmarkCreate
) -> Benchmark:
    """Designate a benchmark organisation of a base, with its showcase story."""
    return answer(await services.create(session, tenant, data), Benchmark)


@get("/benchmarks/{benchmark_id:uuid}", opt=READ)
async def get_benchmark(tenant: Tenant, session: AsyncSession, benchmark_id: uuid.UUID) -> Showcase:
    """The benchmark's showcase profile."""
    return await services.showcase(session, tenant, benchmark_id)


ROUTES = [list_benchmarks, create_benchmark, get_benchmark]
