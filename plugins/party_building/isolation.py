"""The party-building module's data for the tenant-isolation matrix (``Manifest.isolation``).

``create`` makes one of everything at a tenant through the module's own API: an organisation
with a unit, an instructor, a full and a probationary member (the caller's own record among
them, for ``/me/membership``), a pioneer team with a linked activity and a hand-entered service,
a meeting, a supervision visit with a follow-up, a training and a work plan with an indicator.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping

from core import ApiCall, IsolationFixtures, IsolationTenant

_serial = itertools.count(1)
DAY = "2026-03-02"


def _p(path: str) -> str:
    return f"/party-building{path}"


def _organisation(n: int, parent: str | None = None) -> dict[str, object]:
    return {
        "name": f"隔离测试党支部{n}",
        "kind": "branch",
        "parent_id": parent,
        "secretary_name": "王书记",
        "established_on": "2025-01-01",
        "units": [{"organisation_name": f"隔离测试社会组织{n}"}],
    }


def _member(org: str, status: str, n: int, user: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "party_organisation_id": org,
        "name": f"党员{n}",
        "status": status,
        "phone": "13800000000",
        "joined_on": "2024-01-10" if status == "full" else "2025-06-01",
        "show_identity": True,
        "model_post": "党员示范岗",
    }
    if status == "full":
        body["converted_on"] = "2025-01-10"
    if user is not None:
        body["user_id"] = user
    return body


def _plan(n: int) -> dict[str, object]:
    return {
        "year": 2026,
        "title": f"隔离测试工作计划{n}",
        "method": "136工作法",
        "is_template": True,
        "pillars": [{"key": "core", "group": "一核", "name": "党建引领"}],
        "indicators": [{"pillar": "core", "name": "覆盖率", "unit": "%", "target": 100}],
    }


async def create(call: ApiCall, tenant: IsolationTenant) -> Mapping[str, str]:
    """One of each resource at ``tenant``; ids by path-parameter name."""
    n = next(_serial)
    org = await call("POST", _p("/organisations"), _organisation(n))
    spare = await call("POST", _p("/organisations"), _organisation(next(_serial), org["id"]))
    me = await call("GET", "/api/v1/me", None)
    member = await call("POST", _p("/members"), _member(org["id"], "probationary", n, me["id"]))
    full = await call("POST", _p("/members"), _member(org["id"], "full", next(_serial)))
    await call(
        "POST",
        _p("/instructors"),
        {"name": "张指导员", "organisation_name": f"无党组织的社会组织{n}", "assigned_on": DAY},
    )
    team = await call(
        "POST",
        _p("/pioneer-teams"),
        {
            "name": f"隔离测试先锋队{n}",
            "theme": "助老",
            "leader_name": "李队长",
            "party_organisation_id": org["id"],
            "member_ids": [full["id"]],
        },
    )
    await call("POST", _p(f"/pioneer-teams/{team['id']}/activities"), _link())
    await call("POST", _p(f"/pioneer-teams/{team['id']}/services"), _service())
    meeting = await call("POST", _p("/meetings"), _meeting(org["id"], full["id"]))
    visit = await call("POST", _p("/supervision-visits"), _visit(org["id"]))
    await call("POST", _p("/trainings"), _training())
    plan = await call("POST", _p("/work-plans"), _plan(n))
    return {
        "party_organisation_id": str(org["id"]),
        "spare_party_organisation_id": str(spare["id"]),
        "party_member_id": str(member["id"]),
        "full_party_member_id": str(full["id"]),
        "pioneer_team_id": str(team["id"]),
        "party_meeting_id": str(meeting["id"]),
        "supervision_visit_id": str(visit["id"]),
        "supervision_follow_up_id": str(visit["follow_ups"][0]["id"]),
        "work_plan_id": str(plan["id"]),
        "plan_indicator_id": str(plan["indicators"][0]["id"]),
    }


def _link() -> dict[str, object]:
    return {"activity_id": str(uuid.uuid4()), "title": "助老活动"}


def _service() -> dict[str, object]:
    return {
        "title": "敬老院助老",
        "served_on": DAY,
        "member_person_times": 5,
        "other_person_times": 12,
    }


def _meeting(org: str, attendee: str) -> dict[str, object]:
    return {
        "party_organisation_id": org,
        "type": "party_assembly",
        "held_on": DAY,
        "topic": "学习会",
        "attendee_ids": [attendee],
    }


def _visit(org: str) -> dict[str, object]:
    return {
        "party_organisation_id": org,
        "visited_unit": "隔离测试社会组织",
        "visited_on": DAY,
        "supervisor": "赵督导",
        "findings": "组织生活不规范",
        "follow_ups": [{"action": "补开党员大会", "due_on": "2026-04-01"}],
    }


def _training() -> dict[str, object]:
    return {
        "title": "党务培训",
        "held_on": DAY,
        "trainer": "钱老师",
        "invited_count": 10,
        "attendee_names": ["王一", "李二"],
    }


FIXTURES = IsolationFixtures(
    create=create,
    bodies={
        "POST /party-building/organisations": lambda ids: _organisation(next(_serial)),
        "PATCH /party-building/organisations/{party_organisation_id}": lambda ids: {
            "secretary_name": "新书记"
        },
        "POST /party-building/organisations/{party_organisation_id}/units": lambda ids: {
            "organisation_name": f"新覆盖单位{next(_serial)}"
        },
        "POST /party-building/instructors": lambda ids: {
            "name": "新指导员",
            "organisation_name": f"新单位{next(_serial)}",
            "assigned_on": DAY,
        },
        "POST /party-building/members": lambda ids: _member(
            ids["party_organisation_id"], "full", next(_serial)
        ),
        "PATCH /party-building/members/{party_member_id}": lambda ids: {"show_identity": False},
        "POST /party-building/members/{party_member_id}/conversion": lambda ids: {
            "converted_on": "2026-06-01"
        },
        "POST /party-building/members/{party_member_id}/transfers": lambda ids: {
            "to_organisation_id": ids["spare_party_organisation_id"],
            "transferred_on": DAY,
            "reason": "工作调动",
        },
        "POST /party-building/pioneer-teams": lambda ids: {
            "name": f"新先锋队{next(_serial)}",
            "theme": "环保",
            "leader_name": "周队长",
        },
        "POST /party-building/pioneer-teams/{pioneer_team_id}/activities": lambda ids: _link(),
        "POST /party-building/pioneer-teams/{pioneer_team_id}/services": lambda ids: _service(),
        "POST /party-building/meetings": lambda ids: _meeting(
            ids["party_organisation_id"], ids["full_party_member_id"]
        ),
        "POST /party-building/supervision-visits": lambda ids: _visit(ids["party_organisation_id"]),
        "POST /party-building/supervision-visits/{supervision_visit_id}/follow-ups": lambda ids: {
            "action": "整改台账",
            "due_on": "2026-05-01",
        },
        "POST /party-building/supervision-visits/{supervision_visit_id}/follow-ups/{supervision_follow_up_id}/done": (
            lambda ids: {"done_on": DAY, "outcome": "已整改"}
        ),
        "POST /party-building/trainings": lambda ids: _training(),
        "POST /party-building/work-plans": lambda ids: _plan(next(_serial)),
        "POST /party-building/work-plans/{work_plan_id}/copy": lambda ids: {
            "year": 2027,
            "title": f"复制的计划{next(_serial)}",
        },
        "POST /party-building/work-plans/{work_plan_id}/indicators": lambda ids: {
            "pillar": "core",
            "name": f"新指标{next(_serial)}",
            "unit": "个",
            "target": 5,
        },
        "POST /party-building/work-plans/{work_plan_id}/indicators/{plan_indicator_id}/progress": (
            lambda ids: {"amount": 10, "recorded_on": DAY}
        ),
    },
)
