"""The funding module's data for the tenant-isolation matrix (``Manifest.isolation``).

``create`` switches the public report on at the tenant and makes, through the module's own API,
a call and one application in each state a write needs: a draft, a submitted one, one under
panel review, one with its agreement signed, and one in progress with its first tranche paid.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from core import ApiCall, IsolationFixtures, IsolationTenant
from plugins.funding.clock import today

_serial = itertools.count(1)


def _p(path: str) -> str:
    return f"/funding{path}"


def _call(n: int) -> dict[str, Any]:
    day = today()
    return {
        "title": f"隔离测试公益创投{n}",
        "funder_kind": "foundation",
        "funder_name": "示范公益基金会",
        "pool_fen": 1_000_000,
        "opens_on": (day - timedelta(days=1)).isoformat(),
        "closes_on": (day + timedelta(days=30)).isoformat(),
    }


def _application(n: int) -> dict[str, Any]:
    return {
        "title": f"隔离测试项目{n}",
        "category": "为老服务",
        "applicants": [{"name": f"隔离测试协会{n}", "registration": "registered"}],
        "budget_lines": [{"item": "活动物资", "amount_fen": 10_000}],
    }


async def create(call: ApiCall, tenant: IsolationTenant) -> Mapping[str, str]:
    """One of each resource at ``tenant``; ids by path-parameter name."""
    n = next(_serial)
    current = await call("GET", "", None)
    settings = dict(current.get("settings") or {})
    modules = dict(settings.get("modules") or {})
    modules["funding"] = {**dict(modules.get("funding") or {}), "transparency": True}
    await call("PATCH", "", {"settings": {**settings, "modules": modules}})
    funding_call = await call("POST", _p("/calls"), _call(n))
    call_id = funding_call["id"]

    async def application(*steps: str) -> str:
        made = await call("POST", _p(f"/calls/{call_id}/applications"), _application(n))
        for step in steps:
            if step == "submitted":
                await call("POST", _p(f"/applications/{made['id']}/submit"), None)
            else:
                await call("POST", _p(f"/applications/{made['id']}/transitions"), {"to": step})
        return str(made["id"])

    to_review = ("submitted", "screened", "under_review")
    to_signed = (*to_review, "published", "approved", "agreement_signed")
    running = await application(*to_signed)
    entry = await call(
        "POST",
        _p(f"/applications/{running}/disbursements"),
        {"tranche": 1, "disbursed_on": today().isoformat()},
    )
    return {
        "call_id": str(call_id),
        "application_id": running,
        "entry_id": str(entry["id"]),
        "draft_id": await application(),
        "submitted_id": await application("submitted"),
        "review_id": await application(*to_review),
        "signed_id": await application(*to_signed),
    }


FIXTURES = IsolationFixtures(
    create=create,
    bodies={
        "POST /funding/calls": lambda ids: _call(next(_serial)),
        "POST /funding/calls/{call_id}/applications": lambda ids: _application(next(_serial)),
        "POST /funding/applications/{application_id}/submit": lambda ids: None,
        "POST /funding/applications/{application_id}/transitions": lambda ids: {"to": "screened"},
        "POST /funding/applications/{application_id}/evaluations": lambda ids: {
            "stage": "midterm",
            "passed": True,
            "evaluated_on": today().isoformat(),
        },
        "POST /funding/applications/{application_id}/conflicts": lambda ids: {
            "reason": "申报单位负责人是本人亲属"
        },
        "POST /funding/applications/{application_id}/scores": lambda ids: {
            "scores": {"need": 80, "design": 75, "capacity": 90, "budget": 70}
        },
        "POST /funding/applications/{application_id}/disbursements": lambda ids: {
            "tranche": 1,
            "disbursed_on": today().isoformat(),
        },
        "POST /funding/applications/{application_id}/returns": lambda ids: {
            "amount_fen": 100,
            "returned_on": today().isoformat(),
            "reason": "结余退回",
        },
        "POST /funding/ledger/{entry_id}/reversal": lambda ids: {"reason": "重复拨付"},
    },
    path_ids={
        "POST /funding/applications/{application_id}/submit": {"application_id": "draft_id"},
        "POST /funding/applications/{application_id}/transitions": {
            "application_id": "submitted_id"
        },
        "POST /funding/applications/{application_id}/conflicts": {"application_id": "review_id"},
        "POST /funding/applications/{application_id}/scores": {"application_id": "review_id"},
        "POST /funding/applications/{application_id}/disbursements": {
            "application_id": "signed_id"
        },
    },
)
