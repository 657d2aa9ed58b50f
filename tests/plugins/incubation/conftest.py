"""Fixtures of the incubation tests: a small tree with the module required at both districts,
helpers that drive the API, and an in-test ``funding`` module that emits the approval event
exactly as the contract between the two modules says (incubation never imports funding).
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from litestar import Litestar, post
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from core import EventContract, Manifest, Permission, Tenant, emit, hookimpl
from core.db import Database
from core.modules.isolation_matrix import make_tenant
from core.modules.models import ModulePolicy

Client = AsyncTestClient[Litestar]
DAY = "2026-03-02"
SCORES = {"governance": 8, "project_design": 9, "fundraising": 6, "delivery": 10, "evaluation": 7}


@dataclass(frozen=True)
class Tree:
    """望城区 (district base) with 高塘岭街道 (望府路社区) and 乔口镇; 岳麓区 apart."""

    district: Tenant
    town: Tenant
    community: Tenant
    other_town: Tenant
    other_district: Tenant


async def build_tree(db: Database, modules: tuple[str, ...]) -> Tree:
    district = make_tenant(None, "wangcheng", "district", "区", "望城区")
    town = make_tenant(district, "gaotangling", "town", "街道", "高塘岭街道")
    community = make_tenant(town, "wangfulu", "community", "社区", "望府路社区")
    other_town = make_tenant(district, "qiaokou", "town", "镇", "乔口镇")
    other = make_tenant(None, "yuelu", "district", "区", "岳麓区")
    async with db.session(write=True) as session:
        for tenant in (district, town, community, other_town, other):
            session.add(tenant)
            await session.flush()
        for root in (district, other):
            for module in modules:
                session.add(ModulePolicy(tenant_id=root.id, module=module, policy="required"))
    return Tree(district, town, community, other_town, other)


@pytest.fixture
async def tree(db: Database) -> Tree:
    return await build_tree(db, ("incubation",))


def url(tenant: Tenant | str, path: str) -> str:
    key = tenant if isinstance(tenant, str) else tenant.slug
    return f"/api/v1/tenants/{key}/incubation{path}"


async def ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def new_base(
    client: Client, tenant: Tenant, kind: str = "town_centre", name: str = ""
) -> str:
    body = {
        "kind": kind,
        "name": name or f"{tenant.name}社区社会组织发展促进中心",
        "established_on": DAY,
    }
    return str((await ok(await client.post(url(tenant, "/bases"), json=body)))["id"])


async def new_cohort(client: Client, tenant: Tenant, base: str, name: str = "第一批") -> str:
    body = {"base_id": base, "name": name, "intake_on": DAY}
    return str((await ok(await client.post(url(tenant, "/cohorts"), json=body)))["id"])


async def admit(client: Client, tenant: Tenant, cohort: str, **fields: Any) -> dict[str, Any]:
    body = {"cohort_id": cohort, "admitted_on": DAY, **fields}
    return dict(await ok(await client.post(url(tenant, "/incubatees"), json=body)))


async def move(client: Client, tenant: Tenant, incubatee: str, to: str, **extra: Any) -> Any:
    return await client.post(
        url(tenant, f"/incubatees/{incubatee}/stage"), json={"to": to, **extra}
    )


SURVEY = {
    "surveyed_on": DAY,
    "surveyor": "王社工",
    "answers": [{"question": "最需要的支持", "answer": "项目设计"}],
    "findings": "缺少项目设计能力",
}
TRAINING = {
    "title": "项目设计工作坊",
    "courses": ["项目设计"],
    "sessions": [{"held_on": DAY, "topic": "需求分析", "attendance": 12}],
}
VISIT = {"visited_on": DAY, "visitor": "李督导", "issues": ["台账不全"], "follow_ups": []}
MATCH = {
    "kind": "charity_resource",
    "provider": "望城区慈善会",
    "description": "助老物资",
    "matched_on": DAY,
    "outcome": "secured",
    "amount_fen": 50_000,
}
RECORDS = {
    "needs_survey": ("/surveys", SURVEY),
    "training": ("/trainings", TRAINING),
    "supervision": ("/supervision-visits", VISIT),
    "resource_matching": ("/resource-matches", MATCH),
}


async def through_chain(client: Client, tenant: Tenant, incubatee: str, until: str) -> None:
    """Record each stage and move on, up to and including entering ``until``."""
    order = [*RECORDS, "graduated"]
    for stage, nxt in itertools.pairwise(order):
        path, body = RECORDS[stage]
        await ok(await client.post(url(tenant, f"/incubatees/{incubatee}{path}"), json=body))
        await ok(await move(client, tenant, incubatee, nxt), 200)
        if nxt == until:
            return


async def score(
    client: Client, tenant: Tenant, incubatee: str, kind: str, scores: dict[str, int]
) -> Any:
    body = {"kind": kind, "scored_on": DAY, "scores": scores}
    return await client.post(url(tenant, f"/incubatees/{incubatee}/scorecards"), json=body)


# --- the in-test funding module ------------------------------------------------------------


class ApplicationApproved(msgspec.Struct, frozen=True, kw_only=True):
    """funding's payload, field for field as the contract between the modules states it."""

    application_id: uuid.UUID
    call_id: uuid.UUID
    call_title: str
    funder_kind: str
    funder_name: str
    approved_fen: int
    joint: bool
    application_tenant_id: uuid.UUID
    organisation_ids: list[uuid.UUID]
    applicant_names: list[str]


class Approval(msgspec.Struct, kw_only=True):
    application_id: uuid.UUID
    approved_fen: int
    organisation_ids: list[uuid.UUID] = msgspec.field(default_factory=list)
    applicant_names: list[str] = msgspec.field(default_factory=list)


class Emitted(msgspec.Struct, kw_only=True):
    event_id: uuid.UUID


@post("/approve", opt={"permission": "funding:write"}, status_code=200)
async def approve(tenant: Tenant, session: AsyncSession, data: Approval) -> Emitted:
    event = await emit(
        session,
        "funding.application-approved",
        tenant_id=tenant.id,
        payload=ApplicationApproved(
            application_id=data.application_id,
            call_id=uuid.uuid4(),
            call_title="2026年公益创投",
            funder_kind="foundation",
            funder_name="湖南省某基金会",
            approved_fen=data.approved_fen,
            joint=len(data.applicant_names) > 1,
            application_tenant_id=tenant.id,
            organisation_ids=data.organisation_ids,
            applicant_names=data.applicant_names,
        ),
    )
    return Emitted(event_id=event.id)


class FundingStandIn:
    """A module named ``funding`` that declares the contract's event and emits it on demand."""

    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return Manifest(
            name="funding",
            title="公益创投（测试）",
            title_en="Funding (test stand-in)",
            version="0.0.1",
            permissions=[
                Permission("funding:write", "审批", "Approve", frozenset({"admin"}), "funding")
            ],
            routes=[approve],
            events=[
                EventContract(
                    "funding.application-approved", ApplicationApproved, "资助申请获批", "Approved"
                )
            ],
        )
