"""Fixtures of the deliberation-hall tests: a small tree with the module required at both
districts, and helpers that drive a topic through the API.

望城区 (district) → 高塘岭街道 (town) → 望府路社区 and 金峰社区 (communities); 乔口镇 → 新康村;
岳麓区, an unrelated district with one community.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.modules.isolation_matrix import make_tenant
from core.modules.models import ModulePolicy
from core.tenancy.models import Tenant

Client = AsyncTestClient[Litestar]
MODULE = "deliberation-hall"
NOTICE = "2026-01-02T00:00:00Z"
STARTS = "2026-03-02T01:00:00Z"


@dataclass(frozen=True)
class Tree:
    district: Tenant
    town: Tenant
    community: Tenant
    neighbour: Tenant
    rural_town: Tenant
    village: Tenant
    other_district: Tenant
    other_community: Tenant


@pytest.fixture
async def tree(db: Database) -> Tree:
    district = make_tenant(None, "wangcheng", "district", "区", "望城区")
    town = make_tenant(district, "gaotangling", "town", "街道", "高塘岭街道")
    community = make_tenant(town, "wangfulu", "community", "社区", "望府路社区")
    neighbour = make_tenant(town, "jinfeng", "community", "社区", "金峰社区")
    rural_town = make_tenant(district, "qiaokou", "town", "镇", "乔口镇")
    village = make_tenant(rural_town, "xinkang", "community", "村", "新康村")
    other = make_tenant(None, "yuelu", "district", "区", "岳麓区")
    other_community = make_tenant(other, "yuelu-c1", "community", "社区", "某社区")
    tenants = (district, town, community, neighbour, rural_town, village, other, other_community)
    async with db.session(write=True) as session:
        for tenant in tenants:
            session.add(tenant)
            await session.flush()
        for root in (district, other):
            session.add(ModulePolicy(tenant_id=root.id, module=MODULE, policy="required"))
    return Tree(*tenants)


def url(tenant: Tenant | str, path: str) -> str:
    key = tenant if isinstance(tenant, str) else tenant.slug
    return f"/api/v1/tenants/{key}/{MODULE}{path}"


async def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code in (status, 201 if status == 200 else status), response.text
    return response.json() if response.content else None


async def post(client: Client, tenant: Tenant, path: str, body: Any = None) -> Any:
    return await ok(await client.post(url(tenant, path), json=body))


async def get(client: Client, tenant: Tenant, path: str, **params: Any) -> Any:
    return await ok(await client.get(url(tenant, path), params=params))


def topic_body(**extra: Any) -> dict[str, Any]:
    return {
        "title": "楼道照明改造",
        "description": "3栋楼道灯长期不亮，老人夜间出行不便",
        "category": "社区服务",
        "proposer_name": "张桂英",
        "proposer_contact": "13812345678",
        "cosigners": [{"name": "李建国", "contact": "13987654321"}],
        **extra,
    }


async def raise_topic(client: Client, tenant: Tenant, **extra: Any) -> str:
    return str((await post(client, tenant, "/topics", topic_body(**extra)))["id"])


async def move(client: Client, tenant: Tenant, topic: str, *targets: str) -> Any:
    body = None
    for to in targets:
        reason = (
            "结果公示"
            if to == "result_published"
            else ("理由" if to in ("rejected", "closed") else "")
        )
        body = await post(
            client, tenant, f"/topics/{topic}/transitions", {"to": to, "reason": reason}
        )
    return body


async def voting_topic(client: Client, tenant: Tenant, **extra: Any) -> str:
    topic = await raise_topic(client, tenant, **extra)
    await move(
        client, tenant, topic, "under_review", "accepted", "published", "in_deliberation", "voting"
    )
    return topic


async def meeting(
    client: Client,
    tenant: Tenant,
    topic: str,
    *,
    kind: str = "meeting",
    people: int = 5,
    stakeholders: int = 2,
    present: int | None = None,
    notice: str | None = NOTICE,
    list_at: str | None = None,
    users: dict[int, str] | None = None,
) -> tuple[str, list[str]]:
    """A session on ``topic`` with ``people`` representatives, the first ``present`` of them
    present (all by default)."""
    made = await post(
        client,
        tenant,
        f"/topics/{topic}/sessions",
        {"kind": kind, "title": "居民议事会", "place": "社区议事厅", "starts_at": STARTS},
    )
    sid = str(made["id"])
    if notice is not None:
        await post(client, tenant, f"/sessions/{sid}/notice", {"published_at": notice})
    ids = []
    for i in range(people):
        body: dict[str, Any] = {
            "name": f"代表{i:02d}",
            "stakeholder": i < stakeholders,
            "contact": f"1360000{i:04d}",
            "present": i < (people if present is None else present),
        }
        if users and i in users:
            body["user_id"] = users[i]
        ids.append(
            str((await post(client, tenant, f"/sessions/{sid}/representatives", body))["id"])
        )
    if list_at is not None:
        await post(
            client,
            tenant,
            f"/sessions/{sid}/representatives/publication",
            {"published_at": list_at},
        )
    return sid, ids


async def open_vote(
    client: Client, tenant: Tenant, session_id: str, method: str = "majority", secret: bool = False
) -> str:
    body = {"question": "是否同意该方案", "method": method, "secret": secret}
    return str((await post(client, tenant, f"/sessions/{session_id}/votes", body))["id"])


async def cast(
    client: Client, tenant: Tenant, vote: str, people: list[str], choices: list[str]
) -> None:
    for person, choice in zip(people, choices, strict=False):
        await post(
            client,
            tenant,
            f"/votes/{vote}/ballots",
            {"representative_id": person, "choice": choice},
        )


async def decided_topic(client: Client, tenant: Tenant, **extra: Any) -> str:
    """A topic whose passed result is published and in implementation."""
    topic = await voting_topic(client, tenant, **extra)
    sid, people = await meeting(client, tenant, topic)
    vote = await open_vote(client, tenant, sid)
    await cast(client, tenant, vote, people, ["yes"] * 5)
    await post(client, tenant, f"/votes/{vote}/close")
    await move(client, tenant, topic, "result_published", "in_implementation")
    return topic


def code_of(response: Any) -> str:
    """The problem's code: the last segment of its ``type`` URL."""
    return str(response.json()["type"]).rsplit("/", 1)[-1]
