"""居民议事厅演示数据 / The deliberation hall's demonstration records for the demo district.

Loaded by ``gongzhi demo load`` through ``gongzhi_demo_load``: residents' topics on 社区服务 and
环境整治 in the communities of 高塘岭街道 and 乌山街道 (where the hall runs), at every stage of the
topic's life — fresh, under review, rejected and closed, published, voting with ballots coming
in, a tie sent back to deliberation, a blocked consent decision, results in implementation with
tasks on time and late, and one topic evaluated and closed after a 社区听证会 that met every
hearing rule (notice 30+ days ahead, the list 15+ days ahead, 18 representatives of whom 7 are
stakeholders, 15 present). Votes use each method, open and secret; one topic went from a
community to its town, another on to the district.

Rows are written as the services write them: each state change is a transition row with its
actor, time and reason; a secret ballot is a ballot row without its choice plus the choice's
counter; a closed vote's tally and outcome are computed by :func:`plugins.deliberation_hall.
rules.tally`; the module's events are emitted for each acceptance, announcement and result.
Everything is dated relative to ``context.today`` and drawn from the context's seeded
generator. When any topic exists under the demo root, the data is there already and nothing is
added.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core import DemoContext, Manifest, Tenant, emit, in_subtree, module_settings
from plugins.deliberation_hall import events, rules
from plugins.deliberation_hall.models import (
    Ballot,
    Escalation,
    Evaluation,
    Representative,
    SecretTally,
    Session,
    Task,
    TaskUpdate,
    Topic,
    Transition,
    Vote,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕春晓文斌俊凤琴云辉鹏飞丹萍婷雪慧"
STAFF = "社区居委会"
PATH = (
    "under_review",
    "accepted",
    "published",
    "in_deliberation",
    "voting",
    "result_published",
    "in_implementation",
    "evaluated",
    "closed",
)


@dataclass
class Step:
    """A topic's story: where it is raised, how far it goes, and what happens on the way."""

    slug: str
    title: str
    category: str
    description: str
    until: str
    """The last state of :data:`PATH` it reaches (after a vote sent back: in deliberation)."""
    ago: int
    session: str | None = None
    method: str = "majority"
    secret: bool = False
    choices: Mapping[str, int] = field(default_factory=dict)
    people: int = 9
    stakeholders: int = 3
    present: int = 8
    close_vote: bool = True
    back_to_deliberation: bool = False
    escalate_to: Sequence[str] = ()
    tasks: Sequence[tuple[str, str, int, int]] = ()
    evaluations: Sequence[int] = ()
    rejected: str | None = None


STORIES = (
    Step("wangfulu", "3栋楼道照明改造", "社区服务", "3栋楼道灯长期不亮，老人夜间上下楼不便，建议更换声控灯。",
         "in_implementation", 70, "meeting", "majority", False, {"yes": 7, "no": 1}, 9, 3, 8,
         tasks=(("采购安装声控灯", "物业服务中心", 20, 100), ("完工后回访住户", "网格员", -10, 40)),
         evaluations=(5, 4, 5, 4)),
    Step("wangfulu", "小区垃圾分类投放点调整", "环境整治",
         "现投放点紧邻住户窗口，夏季异味大，建议移至小区东侧空地并加装洗手池。",
         "closed", 120, "hearing", "two_thirds", True, {"yes": 12, "no": 2, "abstain": 1},
         18, 7, 15, tasks=(("新建东侧投放点", "环卫所", 40, 100), ("拆除原投放点", "物业服务中心", 30, 100)),
         evaluations=(5, 5, 4, 5, 3, 4)),
    Step("wangfulu", "增设电动车集中充电桩", "社区服务", "楼道飞线充电隐患大，建议在小区北门增设集中充电桩。",
         "collected", 3),
    Step("xinkang", "沟渠清淤与护坡", "环境整治", "新康片区排水沟渠淤塞，雨季易内涝，建议清淤并修复护坡。",
         "voting", 45, "meeting", "consent", False,
         {"agree": 6, "abstain": 1, "disagree": 0, "block": 1}, 9, 4, 8, back_to_deliberation=True),
    Step("xinkang", "广场舞音量与时间协调", "环境整治", "晚间广场舞音量过大影响休息，建议约定时段和音量。",
         "under_review", 6),
    Step("leifenglu", "老旧小区加装电梯", "社区服务", "6栋住户多为老人，建议加装电梯，涉及资金分摊与规划审批。",
         "voting", 60, "meeting", "majority", False, {"yes": 5, "no": 5}, 11, 5, 10,
         back_to_deliberation=True, escalate_to=("gaotangling",)),
    Step("donghulu", "地面停车位重新划线", "社区服务", "车位划线不清导致乱停，建议重新划线编号。",
         "closed", 25, rejected="属物业服务合同约定事项，已转物业公司办理"),
    Step("donghulu", "沿河垃圾清理", "环境整治", "沿河步道垃圾较多，建议组织清理并增设垃圾桶。",
         "published", 12),
    Step("xujiaqiao", "开设社区长者食堂", "社区服务", "社区老人多，建议利用党群服务中心一楼开设长者食堂。",
         "in_implementation", 80, "meeting", "consent", False,
         {"agree": 7, "abstain": 1, "disagree": 1, "block": 0}, 10, 4, 9,
         tasks=(("场地改造", "街道社区服务中心", -5, 60), ("引入餐饮服务机构", STAFF, 30, 20)),
         evaluations=(4, 3)),
    Step("xujiaqiao", "背街小巷环境整治", "环境整治", "徐家桥背街小巷杂物堆放、路面破损，建议集中整治。",
         "voting", 30, "meeting", "majority", False, {"yes": 4, "no": 1, "abstain": 1}, 9, 3, 8,
         close_vote=False),
    Step("renhe", "公共绿地补种", "环境整治", "小区绿地多处裸土，建议补种并设置护栏。", "accepted", 9),
    Step("renhe", "健身器材维修更换", "社区服务", "健身路径器材老化，存在安全隐患，需统筹资金维修更换。",
         "published", 50, escalate_to=("wushan", "wangcheng")),
    Step("wangwanglu", "设置智能快递柜", "社区服务", "快递堆放门岗，建议设置智能快递柜。", "collected", 2),
)  # fmt: skip


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


class Writer:
    """Writes one story's rows with the services' shapes, dated from ``start``."""

    def __init__(self, context: DemoContext, config: Mapping[str, Any]) -> None:
        self.context = context
        self.session = context.session
        self.config = config
        self.used: set[str] = set()

    def name(self) -> str:
        while True:
            r = self.context.random
            candidate = r.choice(SURNAMES) + "".join(
                r.choice(GIVEN) for _ in range(r.choice((1, 2)))
            )
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate

    def contact(self) -> str:
        return "1" + "".join(str(self.context.random.randint(0, 9)) for _ in range(10))

    async def move(
        self, topic: Topic, to: str, at: datetime, acting: Tenant, reason: str = ""
    ) -> None:
        self.session.add(
            Transition(tenant_id=topic.tenant_id, topic_id=topic.id, from_state=topic.state,
                       to_state=to, reason=reason, actor_id=None, actor_name=f"{acting.name}工作人员",
                       acting_tenant_id=acting.id, at=at)
        )  # fmt: skip
        topic.state = to
        if to == "published":
            topic.published_at = at
        if to == "accepted":
            await emit(self.session, events.TOPIC_ACCEPTED, tenant_id=topic.tenant_id,
                       payload=events.TopicAccepted(topic_id=topic.id, tenant_id=topic.tenant_id,
                                                    title=topic.title, category=topic.category,
                                                    accepted_at=at))  # fmt: skip

    async def story(self, step: Step, tenants: Mapping[str, Tenant]) -> None:
        home = tenants[step.slug]
        today = self.context.today
        day = today - timedelta(days=step.ago)
        handler = home
        topic = Topic(
            id=uuid.UUID(int=self.context.random.getrandbits(128), version=4),
            tenant_id=home.id, handling_tenant_id=home.id, title=step.title,
            description=step.description, category=step.category, proposer_kind="resident",
            proposer_name=self.name(), proposer_contact=self.contact(), proposer_user_id=None,
            organisation_id=None, cosigners=[{"name": self.name(), "contact": self.contact()}
                                             for _ in range(self.context.random.randint(2, 6))],
            attachments=[], state="collected", collected_at=_at(day), created_by=None,
        )  # fmt: skip
        self.session.add(topic)
        await self.session.flush()
        path = ("under_review", "rejected", "closed") if step.rejected else PATH
        stop = path.index(step.until) + 1 if step.until in path else 0
        for index, to in enumerate(path[:stop]):
            day = min(day + timedelta(days=2 + index), today)
            if to == "in_deliberation" and step.escalate_to:
                handler = await self.escalate(topic, step, tenants, _at(day))
            if to == "voting" and step.session:
                await self.move(topic, to, _at(day), handler)
                vote, day = await self.meeting(topic, step, handler, day)
                if step.back_to_deliberation:
                    reason = (
                        f"表决结果：{rules.OUTCOME_TITLES[vote.outcome or 'failed'][0]}，继续协商"
                    )
                    await self.move(topic, "in_deliberation", _at(day, 16), handler, reason)
                    break
            elif to == "result_published":
                await self.publish_result(topic, handler, _at(day))
            elif to == "in_implementation":
                await self.move(topic, to, _at(day), handler)
                await self.tasks(topic, step, day)
            else:
                reason = step.rejected if to in ("rejected", "closed") and step.rejected else ""
                if to == "closed" and not reason:
                    reason = "落实完成，居民评议满意"
                await self.move(topic, to, _at(day), handler, reason)
        if step.escalate_to and topic.handling_tenant_id == home.id:
            await self.escalate(topic, step, tenants, _at(min(day + timedelta(days=1), today)))

    async def escalate(
        self, topic: Topic, step: Step, tenants: Mapping[str, Tenant], at: datetime
    ) -> Tenant:
        current = tenants[step.slug]
        reasons = ("涉及资金与多部门协调，社区难以独立解决", "需区级统筹专项资金")
        for index, slug in enumerate(step.escalate_to):
            up = tenants[slug]
            self.session.add(
                Escalation(tenant_id=topic.tenant_id, topic_id=topic.id, from_tenant_id=current.id,
                           to_tenant_id=up.id, reason=reasons[min(index, 1)], actor_id=None,
                           actor_name=f"{current.name}工作人员", at=at + timedelta(days=index))
            )  # fmt: skip
            topic.handling_tenant_id = up.id
            current = up
        return current

    async def meeting(
        self, topic: Topic, step: Step, handler: Tenant, day: date
    ) -> tuple[Vote, date]:
        """The session announced on ``day`` and held once its notice period ran, with its
        vote; returns the vote and the day it was held."""
        kind = step.session or "meeting"
        effective = rules.session_rules(self.config, kind)
        notice = _at(day, 9)
        held_on = min(day + timedelta(days=effective["notice_days"] + 3), self.context.today)
        starts = _at(held_on, 19 if kind == "meeting" else 9)
        listed = starts - timedelta(days=effective["list_days"] + 2)
        title = "社区听证会" if kind == "hearing" else "居民议事会"
        found = Session(
            tenant_id=topic.tenant_id, topic_id=topic.id, kind=kind, title=f"{title}：{topic.title}",
            place=f"{handler.name}议事厅", starts_at=starts, convened_by_tenant_id=handler.id,
            notice_published_at=notice,
            representatives_published_at=listed if effective["list_days"] else None,
            status="planned", created_by=None,
            summary_due_at=rules.summary_due_at(starts, self.config) if kind == "hearing" else None,
        )  # fmt: skip
        self.session.add(found)
        await self.session.flush()
        await emit(self.session, events.SESSION_ANNOUNCED, tenant_id=topic.tenant_id,
                   payload=events.SessionAnnounced(session_id=found.id, topic_id=topic.id,
                                                   tenant_id=topic.tenant_id, kind=kind,
                                                   title=found.title, place=found.place,
                                                   starts_at=starts, notice_published_at=notice))  # fmt: skip
        people = []
        for i in range(step.people):
            person = Representative(
                tenant_id=topic.tenant_id, session_id=found.id, name=self.name(),
                stakeholder=i < step.stakeholders, contact=self.contact(), user_id=None,
                present=i < step.present, added_at=listed - timedelta(days=1),
            )  # fmt: skip
            self.session.add(person)
            people.append(person)
        await self.session.flush()
        facts = rules.SessionFacts(kind, starts, notice, found.representatives_published_at,
                                   step.people, step.stakeholders, step.present)  # fmt: skip
        assert rules.session_breaches(facts, effective) == [], (topic.title, effective)
        vote = Vote(
            tenant_id=topic.tenant_id, session_id=found.id, topic_id=topic.id,
            question=f"是否同意「{topic.title}」方案", method=step.method, secret=step.secret,
            status="open", opened_at=starts + timedelta(hours=1), representatives=step.people,
            tally={},
        )  # fmt: skip
        self.session.add(vote)
        await self.session.flush()
        choices = [c for c, n in step.choices.items() for _ in range(n)]
        present = [p for p in people if p.present]
        for person, choice in zip(present, choices, strict=False):
            self.session.add(
                Ballot(tenant_id=topic.tenant_id, vote_id=vote.id, representative_id=person.id,
                       choice=None if step.secret else choice,
                       cast_at=vote.opened_at + timedelta(minutes=5), recorded_by=None)
            )  # fmt: skip
        if step.secret:
            for choice in rules.METHOD_CHOICES[step.method]:
                count = step.choices.get(choice, 0)
                self.session.add(
                    SecretTally(tenant_id=topic.tenant_id, vote_id=vote.id, choice=choice, count=count)
                )  # fmt: skip
        if step.close_vote:
            result = rules.tally(
                step.method, choices, step.present, step.people, effective["quorum"]
            )
            vote.status, vote.closed_at = "closed", vote.opened_at + timedelta(minutes=30)
            vote.present, vote.tally, vote.outcome = step.present, result.counts, result.outcome
            found.status, found.held_at = "held", starts + timedelta(hours=2)
            found.minutes = f"{title}到会代表{step.present}人，就「{topic.title}」充分发言后表决。"
            found.summary = f"表决结果：{rules.OUTCOME_TITLES[result.outcome][0]}。"
        await self.session.flush()
        return vote, held_on

    async def publish_result(self, topic: Topic, handler: Tenant, at: datetime) -> None:
        vote = (
            await self.session.execute(
                select(Vote).where(Vote.topic_id == topic.id, Vote.status == "closed")
            )
        ).scalar_one()
        summary = f"「{topic.title}」经表决通过，进入落实。"
        await self.move(topic, "result_published", at, handler, summary)
        topic.outcome, topic.result_summary, topic.result_published_at = vote.outcome, summary, at
        await emit(self.session, events.RESULT_PUBLISHED, tenant_id=topic.tenant_id,
                   payload=events.ResultPublished(topic_id=topic.id, tenant_id=topic.tenant_id,
                                                  title=topic.title, outcome=vote.outcome or "",
                                                  summary=summary, published_at=at))  # fmt: skip

    async def tasks(self, topic: Topic, step: Step, day: date) -> None:
        for title, owner, due_in, progress in step.tasks:
            due = self.context.today + timedelta(days=due_in)
            done_on = min(due - timedelta(days=3), self.context.today) if progress == 100 else None
            task = Task(
                tenant_id=topic.tenant_id, topic_id=topic.id, title=title, owner_name=owner,
                due_on=due, status="done" if progress == 100 else "open", progress=progress,
                done_on=done_on, created_by=None,
            )  # fmt: skip
            self.session.add(task)
            await self.session.flush()
            for share in sorted({progress // 2, progress} - {0}):
                at = _at(min(day + timedelta(days=share // 10 + 1), self.context.today))
                if share == 100 and done_on is not None:
                    at = _at(done_on)
                self.session.add(TaskUpdate(tenant_id=topic.tenant_id, task_id=task.id, progress=share,
                                            note="已完成" if share == 100 else f"完成约{share}%",
                                            actor_id=None, at=at))  # fmt: skip
        for score in step.evaluations:
            self.session.add(
                Evaluation(tenant_id=topic.tenant_id, topic_id=topic.id,
                           user_id=uuid.UUID(int=self.context.random.getrandbits(128), version=4),
                           score=score, comment=None, at=_at(self.context.today))
            )  # fmt: skip


async def load(context: DemoContext, manifest: Manifest) -> None:
    """Add the stories under ``context.root`` unless a topic exists there already."""
    session = context.session
    if await session.scalar(
        select(Topic.id).where(in_subtree(Topic.tenant_id, context.root)).limit(1)
    ):
        return
    tenants = context.tenants
    config = await module_settings(session, context.root, manifest)
    writer = Writer(context, config)
    for step in STORIES:
        needed = (step.slug, *step.escalate_to)
        if all(slug in tenants for slug in needed):
            await writer.story(step, tenants)
    await session.flush()
