"""社会组织培育演示数据 / The incubation module's demonstration records for a district.

Loaded by ``gongzhi demo load`` through ``gongzhi_demo_load`` (after five-sector's, whose
organisations it names): the district's 培育服务基地 with its social workers and experts, a
社区社会组织发展促进中心 in every town (each incubated by the district base, most of them
graduated), 58 organisations incubated across three yearly cohorts and every stage (some
graduated), each with the records of the stages it passed, its stage history and intake (and,
graduated, graduation) scorecards; resource matches, mentors paired one-to-one with meetings,
benchmark organisations, projects, and the brand projects 新向阳志愿服务 and 城市新农人.

Organisations are named from the organisation directory (five-sector's register) when it is on
at the district, preferring community organisations and never the towns' own promotion
centres; plain names fill up when it is off or has too few. Rows are written as the services
write them, from the context's seeded generator and dated relative to ``context.today``. When
the district already has a base, nothing is added.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import select

from core import (
    DemoContext,
    Manifest,
    Tenant,
    list_organisations,
    module_settings,
    organisation_directory_on,
)
from plugins.incubation.models import (
    CHAIN,
    Benchmark,
    BrandProject,
    Cohort,
    Incubatee,
    IncubationBase,
    Mentor,
    MentorMeeting,
    Mentorship,
    Project,
    ResourceMatch,
    Scorecard,
    Staff,
    StageChange,
    SupervisionVisit,
    Survey,
    Training,
)

ORGANISATIONS = 58
R = TypeVar("R")
HUB = "社区社会组织发展促进中心"
STAFF = (
    ("social_worker", "专业社工"),
    ("social_worker", "专业社工"),
    ("social_worker", "中级社工师"),
    ("expert", "资深专家（社会组织治理）"),
    ("expert", "资深专家（项目设计）"),
    ("expert", "资深专家（财务管理）"),
    ("manager", "基地负责人"),
)
MENTOR_TITLES = (
    "社区党委书记",
    "村党总支书记",
    "街道党工委委员",
    "社区党委书记",
    "两新组织综合党委书记",
    "社区党委书记",
    "村党支部书记",
    "社区党总支书记",
)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕春晓文斌"
PLAIN = (
    "{t}邻里互助会",
    "{t}银龄帮帮团",
    "{t}四点半课堂志愿服务队",
    "{t}居民议事会",
    "{t}花鼓戏艺术团",
    "{t}环保志愿者联盟",
)
QUESTIONS = (
    ("组织目前最需要哪方面的支持？", ("项目设计", "筹款渠道", "财务规范", "志愿者管理")),
    ("组织有几名稳定的骨干成员？", ("3名", "5名", "8名", "10名以上")),
    ("过去一年开展了多少次服务活动？", ("4次", "10次", "20次以上")),
)
FINDINGS = (
    "骨干稳定但缺少项目化运作经验，需重点提升项目设计能力。",
    "服务需求明确，财务制度不健全，需规范内部治理。",
    "志愿者积极性高，缺乏稳定的资金来源，需对接慈善资源。",
)
COURSES = ("社会组织内部治理", "公益项目设计", "财务管理与信息公开", "志愿者招募与激励", "项目评估")
ISSUES = ("活动台账不完整", "理事会未按章程召开", "项目预算执行偏慢", "服务对象反馈收集不足")
PROVIDERS = (
    ("charity_resource", "长沙市望城区慈善会", "助老物资与活动经费", 300_000),
    ("funding_call", "湖南省社会组织发展基金会", "社区公益微创投资助", 2_000_000),
    ("enterprise_support", "望城区新康米业有限公司", "爱心大米与活动场地", None),
    ("charity_resource", "长沙市慈善会", "困境儿童关爱项目经费", 500_000),
    ("enterprise_support", "长沙铜官窑文化旅游有限公司", "非遗体验场地与材料", None),
)
BRANDS = (
    (
        "新向阳志愿服务",
        "新向阳志愿服务由社区党组织牵头、培育基地孵化的志愿服务队联合发起，围绕助老、助学、"
        "环境整治开展常态化志愿服务，形成“党员带头、居民参与、社会组织承接”的服务模式。",
        (("志愿服务队", 12, "支"), ("注册志愿者", 860, "人"), ("服务人次", 5200, "人次")),
        ("新向阳", "志愿", "四点半"),
    ),
    (
        "城市新农人",
        "城市新农人项目链接城市社区与涉农社区，组织城市居民参与农耕体验、助农销售和乡村"
        "儿童关爱，由培育基地孵化的社区社会组织与合作社共同运营。",
        (("参与家庭", 320, "户"), ("助农销售额", 18_600_000, "分"), ("农耕体验活动", 46, "场")),
        ("新农人", "助农", "环保"),
    ),
)


LEVELS: dict[type, int] = {
    IncubationBase: 0,
    Staff: 1,
    Cohort: 1,
    Mentor: 1,
    Incubatee: 2,
    MentorMeeting: 4,
}
"""Write order of the demo's rows: a row's parents are at lower levels (the rest are at 3)."""


@dataclass
class _Org:
    id: uuid.UUID | None
    name: str
    tenant_id: uuid.UUID | None


class _Loader:
    def __init__(self, context: DemoContext, rubric: list[dict[str, Any]]) -> None:
        self.rubric = [(str(d["key"]), int(d["max"])) for d in rubric]
        self.session = context.session
        self.root = context.root
        self.rng: random.Random = context.random
        self.today = context.today
        self.towns = sorted(
            (t for t in context.tenants.values() if t.level == "town"), key=lambda t: t.path
        )
        self.bases: dict[uuid.UUID, IncubationBase] = {}
        self.pending: dict[int, list[Any]] = {}
        self.incubatees: list[Incubatee] = []

    def person(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given

    def at(self, day: date) -> datetime:
        return datetime.combine(day, time(2, 0), tzinfo=UTC)

    def add(self, row: R) -> R:
        """Keep ``row`` to be written with its level (see :meth:`flush`)."""
        self.pending.setdefault(LEVELS.get(type(row), 3), []).append(row)
        return row

    async def flush(self) -> None:
        """Write the kept rows parents first: the tables have foreign keys but no ORM
        relationships, so the unit of work is not left to order them."""
        for level in sorted(self.pending):
            self.session.add_all(self.pending[level])
            await self.session.flush()
        self.pending.clear()

    def base(self, tenant: Tenant, kind: str, name: str, years_ago: int) -> IncubationBase:
        base = self.add(
            IncubationBase(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                kind=kind,
                name=name,
                established_on=self.today
                - timedelta(days=365 * years_ago + self.rng.randint(0, 200)),
                address=f"{tenant.name}党群服务中心",
                description=(
                    "区级社会组织培育服务基地，培育街镇促进中心并提供全链条孵化服务"
                    if kind == "district_base"
                    else "街镇级社区社会组织发展促进中心，孵化辖区社区社会组织"
                ),
            )
        )
        self.bases[tenant.id] = base
        staff = STAFF if kind == "district_base" else STAFF[:2]
        for role, title in staff:
            self.add(
                Staff(
                    tenant_id=tenant.id, base_id=base.id, name=self.person(), role=role, title=title
                )
            )
        return base

    def cohort(self, base: IncubationBase, name: str, intake_on: date) -> Cohort:
        return self.add(
            Cohort(
                id=uuid.uuid4(),
                tenant_id=base.tenant_id,
                base_id=base.id,
                name=name,
                intake_on=intake_on,
            )
        )

    def incubatee(
        self, cohort: Cohort, org: _Org, stage: str, *, centre: IncubationBase | None = None
    ) -> Incubatee:
        """An incubatee moved from the needs survey to ``stage``, with the records, history and
        scorecards the services would have written on the way."""
        admitted = cohort.intake_on
        inc = self.add(
            Incubatee(
                id=uuid.uuid4(),
                tenant_id=cohort.tenant_id,
                cohort_id=cohort.id,
                base_id=cohort.base_id,
                kind="town_centre" if centre else "organisation",
                organisation_id=org.id,
                organisation_name=org.name,
                organisation_tenant_id=org.tenant_id,
                centre_base_id=centre.id if centre else None,
                leader_name=self.person(),
                admitted_on=admitted,
                stage=CHAIN[0],
                stage_changed_at=self.at(admitted),
            )
        )
        self.history(inc, None, CHAIN[0], admitted, "入孵")
        order = [*CHAIN, "graduated"]
        span = max((self.today - admitted).days, 5)
        step = max(span // 6, 1)
        day = admitted
        for current, nxt in itertools.pairwise(order):
            self.record(inc, current, day)
            if order.index(nxt) > order.index(stage):
                break
            day = min(day + timedelta(days=self.rng.randint(max(step // 2, 1), step)), self.today)
            self.history(inc, current, nxt, day, None)
            inc.stage, inc.stage_changed_at = nxt, self.at(day)
        self.scorecards(inc, admitted, day if inc.stage == "graduated" else None)
        self.incubatees.append(inc)
        return inc

    def history(
        self, inc: Incubatee, frm: str | None, to: str, day: date, reason: str | None
    ) -> None:
        self.add(
            StageChange(
                tenant_id=inc.tenant_id,
                incubatee_id=inc.id,
                from_stage=frm,
                to_stage=to,
                reason=reason,
                override=False,
                missing=[],
                changed_at=self.at(day),
            )
        )

    def record(self, inc: Incubatee, stage: str, day: date) -> None:
        common = {"tenant_id": inc.tenant_id, "incubatee_id": inc.id}
        if stage == "needs_survey":
            self.add(
                Survey(
                    **common,
                    surveyed_on=day,
                    surveyor=self.person(),
                    answers=[{"question": q, "answer": self.rng.choice(a)} for q, a in QUESTIONS],
                    findings=self.rng.choice(FINDINGS),
                )
            )
        elif stage == "training":
            sessions = [
                {
                    "held_on": (day + timedelta(days=7 * n)).isoformat(),
                    "topic": course,
                    "attendance": self.rng.randint(6, 25),
                }
                for n, course in enumerate(self.rng.sample(COURSES, 3))
                if day + timedelta(days=7 * n) <= self.today
            ]
            self.add(
                Training(
                    **common,
                    title=f"{inc.organisation_name}定制培训计划",
                    courses=[s["topic"] for s in sessions] or [COURSES[0]],
                    sessions=sessions,
                )
            )
        elif stage == "supervision":
            self.add(
                SupervisionVisit(
                    **common,
                    visited_on=day,
                    visitor=self.person(),
                    issues=[self.rng.choice(ISSUES)],
                    follow_ups=[
                        {
                            "action": "按督导意见整改并报送台账",
                            "due_on": (day + timedelta(days=30)).isoformat(),
                            "done": day + timedelta(days=30) < self.today,
                        }
                    ],
                )
            )
        else:
            for kind, provider, description, amount in self.rng.sample(PROVIDERS, 2):
                self.add(
                    ResourceMatch(
                        **common,
                        kind=kind,
                        provider=provider,
                        description=description,
                        amount_fen=amount,
                        outcome=self.rng.choice(("secured", "secured", "offered")),
                        matched_on=day,
                        source="manual",
                    )
                )

    def scorecards(self, inc: Incubatee, intake_on: date, graduated_on: date | None) -> None:
        intake = {d: self.rng.randint(top * 3 // 10, top * 6 // 10) for d, top in self.rubric}
        tops = dict(self.rubric)
        cards = [("intake", intake_on, intake)]
        if graduated_on is not None:
            cards.append(
                (
                    "graduation",
                    graduated_on,
                    {d: min(tops[d], v + self.rng.randint(1, 6)) for d, v in intake.items()},
                )
            )
        for kind, day, scores in cards:
            self.add(
                Scorecard(
                    tenant_id=inc.tenant_id,
                    incubatee_id=inc.id,
                    kind=kind,
                    scored_on=day,
                    scores=scores,
                    total=sum(scores.values()),
                    rubric=[{"key": d, "max": top} for d, top in self.rubric],
                    scored_by=self.person(),
                )
            )

    async def organisations(self) -> list[_Org]:
        """58 organisations: the directory's community organisations first (not the towns' own
        promotion centres), then its others, then plain names."""
        found: list[_Org] = []
        if await organisation_directory_on(self.session, self.root):
            refs = [
                r
                for r in await list_organisations(self.session, self.root, limit=200)
                if HUB not in r.name
            ]
            preferred = [r for r in refs if r.tenant_id != self.root.id]
            rest = [r for r in refs if r.tenant_id == self.root.id]
            found = [_Org(r.id, r.name, r.tenant_id) for r in [*preferred, *rest]][:ORGANISATIONS]
        taken = {o.name for o in found}
        for n in range(ORGANISATIONS * 4):
            if len(found) >= ORGANISATIONS:
                break
            town = self.towns[n % len(self.towns)] if self.towns else self.root
            name = PLAIN[(n // max(len(self.towns), 1)) % len(PLAIN)].format(t=town.name)
            if name not in taken:
                taken.add(name)
                found.append(_Org(None, name, None))
        return found

    def base_for(self, org: _Org, tenants: dict[uuid.UUID, Tenant]) -> IncubationBase:
        home = tenants.get(org.tenant_id) if org.tenant_id else None
        if home is not None:
            for town in self.towns:
                if home.path.startswith(town.path):
                    return self.bases[town.id]
            return self.bases[self.root.id]
        return self.rng.choice(list(self.bases.values()))


async def load(context: DemoContext, manifest: Manifest) -> None:
    session = context.session
    if await session.scalar(
        select(IncubationBase.id).where(IncubationBase.tenant_id == context.root.id)
    ):
        return
    config = await module_settings(session, context.root, manifest)
    loader = _Loader(context, list(config["rubric"]))
    today = context.today
    district = loader.base(
        context.root, "district_base", f"{context.root.name}社会组织培育服务基地", 6
    )
    hubs = loader.cohort(district, "街镇枢纽培育批次", today - timedelta(days=900))
    for town in loader.towns:
        centre = loader.base(town, "town_centre", f"{town.name}{HUB}", 3)
        stage = "graduated" if loader.rng.random() < 0.75 else "resource_matching"
        loader.incubatee(hubs, _Org(None, centre.name, town.id), stage, centre=centre)

    intakes = (
        (
            "2024年第一批",
            today - timedelta(days=700),
            (("graduated", 7), ("resource_matching", 2), ("supervision", 1)),
        ),
        (
            "2025年第一批",
            today - timedelta(days=330),
            (("graduated", 1), ("resource_matching", 3), ("supervision", 3), ("training", 3)),
        ),
        ("2026年第一批", today - timedelta(days=60), (("training", 4), ("needs_survey", 6))),
    )
    tenants = dict((t.id, t) for t in context.tenants.values())
    orgs = await loader.organisations()
    loader.rng.shuffle(orgs)
    by_base: dict[uuid.UUID, list[_Org]] = {}
    for org in orgs:
        by_base.setdefault(loader.base_for(org, tenants).id, []).append(org)
    for base in loader.bases.values():
        members = by_base.get(base.id, [])
        if not members:
            continue
        cohorts = [loader.cohort(base, name, day) for name, day, _ in intakes]
        for n, org in enumerate(members):
            index = n % len(intakes)
            weights = intakes[index][2]
            stage = loader.rng.choices([s for s, _ in weights], [w for _, w in weights])[0]
            loader.incubatee(cohorts[index], org, stage)
    _drivers(loader, district)
    await loader.flush()


def _drivers(loader: _Loader, district: IncubationBase) -> None:
    """Mentors with one-to-one pairings and meetings, benchmarks, projects and brand projects."""
    rng, today = loader.rng, loader.today
    organisations = [i for i in loader.incubatees if i.kind == "organisation"]
    graduated = [i for i in organisations if i.stage == "graduated"]
    active = [i for i in organisations if i.stage not in ("graduated", "exited")]
    for title, inc in zip(
        MENTOR_TITLES, rng.sample(active, min(len(MENTOR_TITLES), len(active))), strict=False
    ):
        mentor = loader.add(
            Mentor(
                id=uuid.uuid4(),
                tenant_id=district.tenant_id,
                base_id=district.id,
                name=loader.person(),
                title=title,
            )
        )
        started = inc.admitted_on + timedelta(days=rng.randint(3, 20))
        started = min(started, today)
        pairing = loader.add(
            Mentorship(
                id=uuid.uuid4(),
                tenant_id=inc.tenant_id,
                mentor_id=mentor.id,
                incubatee_id=inc.id,
                leader_name=inc.leader_name or loader.person(),
                started_on=started,
            )
        )
        for n in range(rng.randint(2, 4)):
            met_on = started + timedelta(days=30 * n)
            if met_on > today:
                break
            loader.add(
                MentorMeeting(
                    tenant_id=inc.tenant_id,
                    mentorship_id=pairing.id,
                    met_on=met_on,
                    topic=rng.choice(("理事会建设", "党建引领服务", "项目申报辅导", "骨干培养")),
                    notes="书记结合社区工作经验逐项指导。",
                    next_steps="下次会面前完成整改清单。",
                )
            )
    for inc in rng.sample(graduated, min(4, len(graduated))):
        loader.add(
            Benchmark(
                tenant_id=district.tenant_id,
                base_id=district.id,
                organisation_id=inc.organisation_id,
                organisation_name=inc.organisation_name,
                incubatee_id=inc.id,
                designated_on=inc.stage_changed_at.date(),
                headline=f"{inc.organisation_name}：从入孵到品牌的成长之路",
                story="经需求调研、定制培训、项目督导与资源对接，组织建立规范的理事会与财务制度，"
                "形成稳定的服务品牌。",
                highlights=["规范化建设达标", "年服务超千人次", "获评优秀社会组织"],
            )
        )
    for inc in [i for i in organisations if i.stage in ("resource_matching", "graduated")][:12]:
        loader.add(
            Project(
                tenant_id=inc.tenant_id,
                incubatee_id=inc.id,
                title=f"{inc.organisation_name}社区服务项目",
                summary="以项目带动组织成长：需求评估、服务实施、成效评估全流程。",
                funding_reference=f"望城公益创投{rng.choice((2024, 2025))}-{rng.randint(1, 40):03d}",
            )
        )
    for name, story, figures, keywords in BRANDS:
        behind = [i for i in organisations if any(k in i.organisation_name for k in keywords)][:4]
        if not behind:
            behind = rng.sample(graduated or organisations, min(2, len(organisations)))
        loader.add(
            BrandProject(
                tenant_id=district.tenant_id,
                name=name,
                story=story,
                started_on=today - timedelta(days=900),
                figures=[
                    {"label": label, "value": value, "unit": unit} for label, value, unit in figures
                ],
                organisations=[
                    {
                        "organisation_id": str(i.organisation_id) if i.organisation_id else None,
                        "name": i.organisation_name,
                    }
                    for i in behind
                ],
            )
        )
