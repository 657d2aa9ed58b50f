"""The incubation module's data for the tenant-isolation matrix (``Manifest.isolation``).

``create`` makes one of everything at tenant A (a town) through the module's own API: a town
centre with a staff member and a cohort, an incubatee at resource matching with a record of
every stage and both scorecards, a mentor paired with it and a meeting, a second incubatee
ready to move on, a benchmark, a project and a brand project. Names carry a serial, since the
matrix calls ``create`` again for every write.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from core import ApiCall, IsolationFixtures, IsolationTenant

_serial = itertools.count(1)
DAY = "2026-03-02"
SCORES = {"governance": 8, "project_design": 9, "fundraising": 6, "delivery": 10, "evaluation": 7}


def _p(path: str) -> str:
    return f"/incubation{path}"


def _survey() -> dict[str, Any]:
    return {
        "surveyed_on": DAY,
        "surveyor": "王社工",
        "answers": [{"question": "最需要的支持", "answer": "项目设计"}],
        "findings": "缺少项目设计能力",
    }


def _training() -> dict[str, Any]:
    return {
        "title": "项目设计工作坊",
        "courses": ["项目设计", "财务管理"],
        "sessions": [{"held_on": DAY, "topic": "需求分析", "attendance": 12}],
    }


def _visit() -> dict[str, Any]:
    return {
        "visited_on": DAY,
        "visitor": "李督导",
        "issues": ["台账不全"],
        "follow_ups": [{"action": "补齐台账", "due_on": "2026-04-01"}],
    }


def _match() -> dict[str, Any]:
    return {
        "kind": "enterprise_support",
        "provider": "某企业",
        "description": "活动场地",
        "matched_on": DAY,
        "outcome": "secured",
    }


async def create(call: ApiCall, tenant: IsolationTenant) -> Mapping[str, str]:
    """One of each resource at ``tenant``; ids by path-parameter name."""
    n = next(_serial)
    base = await call(
        "POST",
        _p("/bases"),
        {"kind": "town_centre", "name": f"隔离测试促进中心{n}", "established_on": DAY},
    )
    await call(
        "POST", _p(f"/bases/{base['id']}/staff"), {"name": "王社工", "role": "social_worker"}
    )
    cohort = await call(
        "POST", _p("/cohorts"), {"base_id": base["id"], "name": f"第{n}批", "intake_on": DAY}
    )
    inc = await call(
        "POST",
        _p("/incubatees"),
        {
            "cohort_id": cohort["id"],
            "organisation_name": f"隔离测试组织{n}",
            "leader_name": "张会长",
            "admitted_on": DAY,
        },
    )
    fresh = await call(
        "POST",
        _p("/incubatees"),
        {"cohort_id": cohort["id"], "organisation_name": f"隔离测试新组织{n}", "admitted_on": DAY},
    )
    i = f"/incubatees/{inc['id']}"
    await call("POST", _p(f"/incubatees/{fresh['id']}/surveys"), _survey())
    await call(
        "POST", _p(f"{i}/scorecards"), {"kind": "intake", "scored_on": DAY, "scores": SCORES}
    )
    await call("POST", _p(f"{i}/surveys"), _survey())
    await call("POST", _p(f"{i}/stage"), {"to": "training"})
    training = await call("POST", _p(f"{i}/trainings"), _training())
    await call("POST", _p(f"{i}/stage"), {"to": "supervision"})
    await call("POST", _p(f"{i}/supervision-visits"), _visit())
    await call("POST", _p(f"{i}/stage"), {"to": "resource_matching"})
    await call("POST", _p(f"{i}/resource-matches"), _match())
    graduation = {"kind": "graduation", "scored_on": DAY, "scores": {**SCORES, "delivery": 15}}
    await call("POST", _p(f"{i}/scorecards"), graduation)
    mentor = await call(
        "POST", _p("/mentors"), {"base_id": base["id"], "name": "刘书记", "title": "社区党委书记"}
    )
    pairing = await call(
        "POST",
        _p(f"/mentors/{mentor['id']}/pairings"),
        {"incubatee_id": inc["id"], "started_on": DAY},
    )
    spare = await call(
        "POST", _p("/mentors"), {"base_id": base["id"], "name": "陈书记", "title": "村党支部书记"}
    )
    await call(
        "POST",
        _p(f"/mentors/{mentor['id']}/pairings/{pairing['id']}/meetings"),
        {"met_on": DAY, "topic": "理事会建设"},
    )
    benchmark = await call("POST", _p("/benchmarks"), _benchmark(base["id"], inc["id"]))
    project = await call("POST", _p(f"{i}/projects"), {"title": f"隔离测试项目{n}"})
    brand = await call("POST", _p("/brand-projects"), _brand(n))
    return {
        "base_id": str(base["id"]),
        "cohort_id": str(cohort["id"]),
        "incubatee_id": str(inc["id"]),
        "fresh_incubatee_id": str(fresh["id"]),
        "training_id": str(training["id"]),
        "mentor_id": str(mentor["id"]),
        "spare_mentor_id": str(spare["id"]),
        "mentorship_id": str(pairing["id"]),
        "benchmark_id": str(benchmark["id"]),
        "incubation_project_id": str(project["id"]),
        "brand_project_id": str(brand["id"]),
    }


def _benchmark(base_id: str, incubatee_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "base_id": base_id,
        "designated_on": DAY,
        "headline": "社区治理好帮手",
        "story": "从需求调研到资源对接的成长故事",
        "highlights": ["服务3000人次"],
    }
    if incubatee_id:
        body["incubatee_id"] = incubatee_id
    else:
        body["organisation_name"] = f"隔离测试标杆{next(_serial)}"
    return body


def _brand(n: int) -> dict[str, Any]:
    return {
        "name": f"隔离测试品牌{n}",
        "story": "品牌故事",
        "figures": [{"label": "服务人次", "value": 3200, "unit": "人次"}],
        "organisations": [{"name": f"隔离测试组织{n}"}],
    }


FIXTURES = IsolationFixtures(
    create=create,
    bodies={
        "POST /incubation/bases": lambda ids: {
            "kind": "town_centre",
            "name": f"新促进中心{next(_serial)}",
            "established_on": DAY,
        },
        "POST /incubation/bases/{base_id}/staff": lambda ids: {"name": "赵专家", "role": "expert"},
        "POST /incubation/cohorts": lambda ids: {
            "base_id": ids["base_id"],
            "name": f"新批次{next(_serial)}",
            "intake_on": DAY,
        },
        "POST /incubation/incubatees": lambda ids: {
            "cohort_id": ids["cohort_id"],
            "organisation_name": f"新入孵组织{next(_serial)}",
        },
        "POST /incubation/incubatees/{incubatee_id}/stage": lambda ids: {"to": "graduated"},
        "POST /incubation/incubatees/{incubatee_id}/stage-override": lambda ids: {
            "to": "supervision",
            "reason": "已在其他平台完成培训",
        },
        "POST /incubation/incubatees/{incubatee_id}/surveys": lambda ids: _survey(),
        "POST /incubation/incubatees/{incubatee_id}/trainings": lambda ids: _training(),
        "POST /incubation/incubatees/{incubatee_id}/trainings/{training_id}/sessions": lambda ids: {
            "held_on": DAY,
            "topic": "财务制度",
            "attendance": 9,
        },
        "POST /incubation/incubatees/{incubatee_id}/supervision-visits": lambda ids: _visit(),
        "POST /incubation/incubatees/{incubatee_id}/resource-matches": lambda ids: _match(),
        "POST /incubation/incubatees/{incubatee_id}/scorecards": lambda ids: {
            "kind": "intake",
            "scored_on": DAY,
            "scores": SCORES,
        },
        "POST /incubation/incubatees/{incubatee_id}/projects": lambda ids: {
            "title": "新项目",
            "funding_reference": "WC-2026-001",
        },
        "POST /incubation/mentors": lambda ids: {
            "base_id": ids["base_id"],
            "name": "周书记",
            "title": "社区党委书记",
        },
        "POST /incubation/mentors/{mentor_id}/pairings": lambda ids: {
            "incubatee_id": ids["fresh_incubatee_id"],
            "leader_name": "孙理事长",
            "started_on": DAY,
        },
        "POST /incubation/mentors/{mentor_id}/pairings/{mentorship_id}/end": lambda ids: {
            "ended_on": DAY,
            "reason": "结业",
        },
        "POST /incubation/mentors/{mentor_id}/pairings/{mentorship_id}/meetings": lambda ids: {
            "met_on": DAY,
            "topic": "筹款计划",
        },
        "POST /incubation/benchmarks": lambda ids: _benchmark(ids["base_id"], None),
        "POST /incubation/brand-projects": lambda ids: _brand(next(_serial)),
    },
    path_ids={
        "POST /incubation/incubatees/{incubatee_id}/stage-override": {
            "incubatee_id": "fresh_incubatee_id"
        },
        "POST /incubation/incubatees/{incubatee_id}/scorecards": {
            "incubatee_id": "fresh_incubatee_id"
        },
        "POST /incubation/mentors/{mentor_id}/pairings": {"mentor_id": "spare_mentor_id"},
    },
)
