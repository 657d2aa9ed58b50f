"""The five-sector module's data for the tenant-isolation matrix (``Manifest.isolation``).

``create`` makes one of everything at a tenant through the module's own API, so the matrix
probes real rows: an organisation ready to be filed, one registered long enough to be rated,
a volunteer (linked to the caller, for ``/me/volunteer-record``) with a ledger entry, an activity with a volunteer signed up, a money resource, a
social worker and an urban-rural pairing between two of the tenant's children.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date

from core import ApiCall, IsolationFixtures, IsolationTenant
from plugins.five_sector import rules

_serial = itertools.count(1)
TODAY = date(2026, 3, 2)


def _p(path: str) -> str:
    return f"/five-sector{path}"


async def create(call: ApiCall, tenant: IsolationTenant) -> Mapping[str, str]:
    """One of each resource at ``tenant``; ids by path-parameter name."""
    n = next(_serial)
    org = await call("POST", _p("/organisations"), _organisation(n))
    registered = await call(
        "POST",
        _p("/organisations"),
        {
            "name": f"隔离测试协会{n}",
            "kind": "social_group",
            "category": "其他",
            "uscc": rules.make_uscc("5", "1", "430112", f"MJ{n:06d}"),
        },
    )
    await call(
        "POST",
        _p(f"/organisations/{registered['id']}/transitions"),
        {"to": "registered", "reason": "民政局登记", "registered_on": "2020-01-02"},
    )
    await call(
        "POST",
        _p("/social-workers"),
        {"name": f"社工{n}", "certificate_level": "social_worker"},
    )
    me = await call("GET", "/api/v1/me", None)
    volunteer = await call(
        "POST",
        _p("/volunteers"),
        {"name": f"志愿者{n}", "volunteer_number": f"ISO-{n:05d}", "user_id": me["id"]},
    )
    entry = await call("POST", _p(f"/volunteers/{volunteer['id']}/entries"), _entry())
    activity = await call("POST", _p("/activities"), _activity(n))
    participant = await call(
        "POST",
        _p(f"/activities/{activity['id']}/participants"),
        {"role": "volunteer", "volunteer_id": volunteer["id"]},
    )
    resource = await call(
        "POST",
        _p("/charity-resources"),
        {
            "kind": "money",
            "donor_kind": "person",
            "donor_name": "李女士",
            "description": "助老基金",
            "quantity": 100_000,
            "received_on": TODAY.isoformat(),
        },
    )
    ids = {
        "organisation_id": str(org["id"]),
        "registered_organisation_id": str(registered["id"]),
        "volunteer_id": str(volunteer["id"]),
        "entry_id": str(entry["id"]),
        "activity_id": str(activity["id"]),
        "participant_id": str(participant["id"]),
        "resource_id": str(resource["id"]),
    }
    urban, rural = tenant.children.get("社区", ()), tenant.children.get("村", ())
    if len(urban) >= 2 and rural:
        pairing = await call("POST", _p("/pairings"), _pairing(urban[0], rural[0]))
        ids["pairing_id"] = str(pairing["id"])
        ids["spare_urban"], ids["rural"] = urban[1], rural[0]
    return ids


def _pairing(urban: str, rural: str) -> dict[str, object]:
    return {"urban": urban, "rural": rural, "started_on": TODAY.isoformat(), "goals": ["结对"]}


def _organisation(n: int) -> dict[str, object]:
    return {
        "name": f"隔离测试社区社会组织{n}",
        "kind": "community",
        "category": "服务类",
        "founders_count": 3,
        "members_count": 12,
        "charter_document": "章程.pdf",
        "address": "望府路1号",
    }


def _entry() -> dict[str, object]:
    return {
        "hours": "2",
        "served_on": TODAY.isoformat(),
        "content": "助老",
        "verified_by": "王主任",
    }


def _activity(n: int) -> dict[str, object]:
    return {
        "title": f"隔离测试活动{n}",
        "category": "服务类",
        "place": "社区活动室",
        "starts_at": "2026-03-02T01:00:00Z",
        "ends_at": "2026-03-02T03:00:00Z",
        "capacity": 20,
    }


FIXTURES = IsolationFixtures(
    create=create,
    bodies={
        "POST /five-sector/organisations": lambda ids: _organisation(next(_serial)),
        "PATCH /five-sector/organisations/{organisation_id}": lambda ids: {"name": "改名后的组织"},
        "POST /five-sector/organisations/{organisation_id}/transitions": lambda ids: {
            "to": "filed",
            "reason": "街道备案",
            "filing_number": f"WC-2026-{next(_serial):04d}",
            "filed_on": TODAY.isoformat(),
        },
        "POST /five-sector/organisations/{organisation_id}/rating": lambda ids: {
            "rating": 4,
            "rated_on": TODAY.isoformat(),
        },
        "POST /five-sector/social-workers": lambda ids: {
            "name": "新社工",
            "certificate_level": "assistant",
        },
        "POST /five-sector/volunteers": lambda ids: {
            "name": "新志愿者",
            "volunteer_number": f"NEW-{next(_serial):05d}",
        },
        "POST /five-sector/volunteers/{volunteer_id}/entries": lambda ids: _entry(),
        "POST /five-sector/volunteers/{volunteer_id}/entries/{entry_id}/reversal": lambda ids: {
            "reason": "录入错误",
            "verified_by": "王主任",
        },
        "POST /five-sector/activities": lambda ids: _activity(next(_serial)),
        "POST /five-sector/activities/{activity_id}/participants": lambda ids: {
            "role": "beneficiary",
            "name": "张奶奶",
        },
        "POST /five-sector/activities/{activity_id}/participants/{participant_id}/check-in": (
            lambda ids: None
        ),
        "POST /five-sector/activities/{activity_id}/close": lambda ids: {"verified_by": "王主任"},
        "POST /five-sector/charity-resources": lambda ids: {
            "kind": "goods",
            "donor_kind": "enterprise",
            "donor_name": "某超市",
            "description": "大米",
            "quantity": 50,
            "unit": "袋",
            "received_on": TODAY.isoformat(),
            "organisation_id": ids["organisation_id"],
        },
        "POST /five-sector/charity-resources/{resource_id}/allocations": lambda ids: {
            "amount": 1000,
            "activity_id": ids["activity_id"],
        },
        "POST /five-sector/pairings": lambda ids: _pairing(ids["spare_urban"], ids["rural"]),
        "POST /five-sector/pairings/{pairing_id}/activities": lambda ids: _activity(next(_serial)),
    },
    path_ids={
        "POST /five-sector/organisations/{organisation_id}/rating": {
            "organisation_id": "registered_organisation_id"
        }
    },
)
