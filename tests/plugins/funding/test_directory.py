"""Applicants named through the organisation directory when a keeping module (five-sector) is
on: the id is checked within the subtree, the name and registration copied, and the approval
event carries the directory ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.db import SYSTEM, Database
from core.modules.models import ModulePolicy, OutboxEvent
from plugins.funding.clock import today
from tests.plugins.funding.conftest import (
    TO_REVIEW,
    Client,
    Tree,
    application_body,
    call_body,
    post_ok,
    url,
    walk,
)


async def _organisation(client: Client, at: str, name: str, *, filed: bool) -> str:
    made = await post_ok(
        client,
        f"/api/v1/tenants/{at}/five-sector/organisations",
        {"name": name, "kind": "community", "category": "服务类", "founders_count": 3,
         "members_count": 12, "charter_document": "章程.pdf", "address": "望府路1号"},
    )  # fmt: skip
    if filed:
        await post_ok(
            client,
            f"/api/v1/tenants/{at}/five-sector/organisations/{made['id']}/transitions",
            {"to": "filed", "reason": "街道备案", "filing_number": f"WC-{name}",
             "filed_on": today().isoformat()},
        )  # fmt: skip
    return str(made["id"])


async def test_applicants_are_checked_and_named_through_the_directory(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    async with db.session(write=True) as session:
        for root in (tree.district, tree.other_district):
            session.add(ModulePolicy(tenant_id=root.id, module="five-sector", policy="required"))
    filed = await _organisation(admin_client, "wangfulu", "银龄帮帮团", filed=True)
    partner = await _organisation(admin_client, "gaotangling", "高塘岭社工站", filed=True)
    incubating = await _organisation(admin_client, "wangfulu", "广场舞队", filed=False)
    elsewhere = await _organisation(admin_client, "yuelu-c1", "岳麓志愿队", filed=True)
    call = await post_ok(admin_client, url(tree.district, "/calls"), call_body())
    path = url(tree.town, f"/calls/{call['id']}/applications")

    def by_id(*ids: str) -> dict[str, Any]:
        return application_body(applicants=[{"organisation_id": i} for i in ids])

    response = await admin_client.post(path, json=by_id(filed, elsewhere))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "applicants[1].organisation_id"
    response = await admin_client.post(path, json=by_id(incubating))
    assert response.json()["errors"][0]["field"] == "applicants[0].registration"
    joint = await post_ok(admin_client, path, by_id(filed, partner))
    assert joint["applicant_names"] == ["银龄帮帮团", "高塘岭社工站"]
    assert joint["applicant_registrations"] == ["filed", "filed"]
    assert joint["organisation_ids"] == [filed, partner]
    assert joint["joint"] is True
    # Named plainly where the directory is on: still accepted, with no id.
    plain = await post_ok(admin_client, path, application_body())
    assert plain["organisation_ids"] == []
    await walk(admin_client, tree.district, joint["id"], *TO_REVIEW, "published", "approved")
    async with db.session(context=SYSTEM) as session:
        (event,) = (
            await session.execute(
                select(OutboxEvent).where(OutboxEvent.type == "funding.application-approved")
            )
        ).scalars()
    assert event.payload["organisation_ids"] == [filed, partner]
    assert event.payload["joint"] is True
    assert event.payload["application_tenant_id"] == str(tree.town.id)
