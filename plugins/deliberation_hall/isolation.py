"""The deliberation hall's data for the tenant-isolation matrix (``Manifest.isolation``).

``create`` makes, through the module's own API at a tenant: a freshly collected topic; a topic
in voting whose meeting meets its rules and has an open vote (with a present representative
who has not voted, and one linked to the caller for ``/my-ballot``) and a second meeting with
no vote; and a topic whose passed result is in implementation, with a task.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from core import ApiCall, IsolationFixtures, IsolationTenant

_serial = itertools.count(1)
P = "/deliberation-hall"
NOTICE = "2026-01-02T00:00:00Z"
STARTS = "2026-03-02T01:00:00Z"
SETTINGS = {"modules": {"deliberation-hall": {"meeting_min_representatives": 1}}}
"""The tenant's own rule for meetings, so each fixture meeting needs one or two people."""


def _topic(n: int) -> dict[str, object]:
    return {
        "title": f"隔离测试议题{n}",
        "description": "楼道照明改造",
        "category": "社区服务",
        "proposer_name": "张阿姨",
        "proposer_contact": "13800000000",
        "cosigners": [{"name": "李叔", "contact": "13900000000"}],
    }


async def _move(call: ApiCall, topic_id: str, *targets: str) -> None:
    for to in targets:
        reason = "表决结果公示" if to == "result_published" else ""
        await call("POST", f"{P}/topics/{topic_id}/transitions", {"to": to, "reason": reason})


async def _voting_topic(call: ApiCall, n: int) -> str:
    topic = await call("POST", f"{P}/topics", _topic(n))
    await _move(
        call, topic["id"], "under_review", "accepted", "published", "in_deliberation", "voting"
    )
    return str(topic["id"])


async def _ready_meeting(call: ApiCall, topic_id: str, me: str | None = None) -> dict[str, Any]:
    """A meeting meeting its rules: notice in time, its representatives all present (two when
    one is the caller, else one: :func:`create` lowers the minimum to one)."""
    meeting = await call(
        "POST",
        f"{P}/topics/{topic_id}/sessions",
        {"kind": "meeting", "title": "议事会", "place": "社区议事厅", "starts_at": STARTS},
    )
    sid = meeting["id"]
    await call("POST", f"{P}/sessions/{sid}/notice", {"published_at": NOTICE})
    people = []
    for i in range(2 if me is not None else 1):
        body: dict[str, object] = {
            "name": f"代表{i}",
            "stakeholder": i == 0,
            "contact": "13700000000",
            "present": True,
        }
        if i == 0 and me is not None:
            body["user_id"] = me
        person = await call("POST", f"{P}/sessions/{sid}/representatives", body)
        people.append(str(person["id"]))
    return {"id": str(sid), "people": people}


async def create(call: ApiCall, tenant: IsolationTenant) -> Mapping[str, str]:
    """One of each resource at ``tenant``; ids by path-parameter name."""
    n = next(_serial)
    me = await call("GET", "/api/v1/me", None)
    await call("PATCH", f"/api/v1/tenants/{tenant.key}", {"settings": SETTINGS})
    collected = await call("POST", f"{P}/topics", _topic(n))
    voting = await _voting_topic(call, n)
    meeting = await _ready_meeting(call, voting, str(me["id"]))
    vote = await call(
        "POST",
        f"{P}/sessions/{meeting['id']}/votes",
        {"question": "是否同意改造", "method": "majority"},
    )
    quiet = await call(
        "POST",
        f"{P}/topics/{voting}/sessions",
        {"kind": "meeting", "title": "复议会", "place": "社区议事厅", "starts_at": STARTS},
    )
    done = await _voting_topic(call, n)
    passed = await _ready_meeting(call, done)
    decided = await call(
        "POST",
        f"{P}/sessions/{passed['id']}/votes",
        {"question": "是否同意", "method": "two_thirds", "secret": True},
    )
    for person in passed["people"]:
        await call(
            "POST",
            f"{P}/votes/{decided['id']}/ballots",
            {"representative_id": person, "choice": "yes"},
        )
    await call("POST", f"{P}/votes/{decided['id']}/close", None)
    await _move(call, done, "result_published", "in_implementation")
    task = await call(
        "POST",
        f"{P}/topics/{done}/tasks",
        {"title": "安装声控灯", "owner_name": "物业公司", "due_on": "2026-04-01"},
    )
    return {
        "topic_id": str(collected["id"]),
        "voting_topic_id": voting,
        "implementing_topic_id": done,
        "session_id": meeting["id"],
        "quiet_session_id": str(quiet["id"]),
        "representative_id": meeting["people"][1],
        "vote_id": str(vote["id"]),
        "task_id": str(task["id"]),
    }


FIXTURES = IsolationFixtures(
    create=create,
    bodies={
        f"POST {P}/topics": lambda ids: _topic(next(_serial)),
        f"POST {P}/topics/{{topic_id}}/transitions": lambda ids: {"to": "under_review"},
        f"POST {P}/topics/{{topic_id}}/escalations": lambda ids: {"reason": "涉及多个社区"},
        f"POST {P}/topics/{{topic_id}}/evaluations": lambda ids: {"score": 4},
        f"POST {P}/topics/{{topic_id}}/sessions": lambda ids: {
            "kind": "hearing",
            "title": "听证会",
            "place": "街道会议室",
            "starts_at": STARTS,
        },
        f"POST {P}/topics/{{topic_id}}/tasks": lambda ids: {
            "title": "回访居民",
            "owner_name": "社区居委会",
            "due_on": "2026-05-01",
        },
        f"POST {P}/sessions/{{session_id}}/notice": lambda ids: {"published_at": NOTICE},
        f"POST {P}/sessions/{{session_id}}/representatives": lambda ids: {
            "name": f"新代表{next(_serial)}",
            "stakeholder": True,
        },
        f"POST {P}/sessions/{{session_id}}/representatives/publication": lambda ids: {},
        f"POST {P}/sessions/{{session_id}}/representatives/{{representative_id}}/attendance": (
            lambda ids: {"present": False}
        ),
        f"POST {P}/sessions/{{session_id}}/record": lambda ids: {
            "minutes": "会议记录",
            "summary": "会议纪要",
        },
        f"POST {P}/sessions/{{session_id}}/votes": lambda ids: {
            "question": "是否同意",
            "method": "consent",
        },
        f"POST {P}/votes/{{vote_id}}/ballots": lambda ids: {
            "representative_id": ids["representative_id"],
            "choice": "yes",
        },
        f"POST {P}/votes/{{vote_id}}/my-ballot": lambda ids: {"choice": "no"},
        f"POST {P}/votes/{{vote_id}}/close": lambda ids: None,
        f"POST {P}/tasks/{{task_id}}/progress": lambda ids: {"progress": 50, "note": "已采购"},
    },
    path_ids={
        f"POST {P}/topics/{{topic_id}}/evaluations": {"topic_id": "implementing_topic_id"},
        f"POST {P}/topics/{{topic_id}}/tasks": {"topic_id": "implementing_topic_id"},
        f"POST {P}/topics/{{topic_id}}/sessions": {"topic_id": "voting_topic_id"},
        f"POST {P}/sessions/{{session_id}}/record": {"session_id": "quiet_session_id"},
        f"GET {P}/public/topics/{{topic_id}}": {"topic_id": "implementing_topic_id"},
    },
)
