"""党建引领演示数据 / The party-building module's demonstration records for a district.

Loaded by ``gongzhi demo load`` through ``gongzhi_demo_load``: the district's 综合党委; in three
towns a branch and a joint branch in social organisations (named from the organisation
directory when five-sector is on, plainly when not), with members full and probationary, one
branch too small (a size warning) and one joint branch over its unit limit; instructors for
organisations without a party body; four pioneer teams whose person-times add up to 2,000+;
meetings over the last two quarters with some types overdue; a supervision visit with an overdue
follow-up, trainings; and the district's 136工作法 plan, which one town has copied.

Rows go through the module's own services, as a request would write them. Every choice comes
from the context's seeded generator and dates are relative to ``context.today``. When the
district's 136工作法 plan exists, the data is there already and nothing is added. The 综合党委
and the pioneer teams a tenant file declared are used as they are; missing ones are created.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from core import DemoContext, Manifest, Tenant, list_organisations, module_settings
from plugins.party_building import rules
from plugins.party_building.meetings import services as meetings
from plugins.party_building.meetings.schemas import MeetingCreate
from plugins.party_building.members import services as members
from plugins.party_building.members.schemas import MemberCreate
from plugins.party_building.models import Member, PartyOrganisation, PioneerTeam, WorkPlan
from plugins.party_building.organisations import services as organisations
from plugins.party_building.organisations.schemas import (
    InstructorCreate,
    OrganisationCreate,
    UnitIn,
)
from plugins.party_building.pioneer_teams import services as teams
from plugins.party_building.pioneer_teams.schemas import ServiceCreate, TeamCreate
from plugins.party_building.supervision import services as supervision
from plugins.party_building.supervision.schemas import (
    FollowUpCreate,
    TrainingCreate,
    VisitCreate,
)
from plugins.party_building.work_plans import services as plans
from plugins.party_building.work_plans.schemas import (
    IndicatorCreate,
    Pillar,
    PlanCopy,
    PlanCreate,
    ProgressCreate,
)

COMMITTEE = "社会组织综合党委"
METHOD = "136工作法"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕春晓文斌俊凤琴云辉"
TEAMS = (
    ("红色领航先锋队", "社区治理与居民议事"),
    ("银龄帮帮先锋队", "低龄老人帮扶高龄老人"),
    ("新向阳志愿先锋队", "志愿服务进小区"),
    ("城市新农人先锋队", "村社结对与农产品助销"),
)
PERSON_TIMES_PER_TEAM = 540
"""Four teams × 540 = 2,160 person-times, the district's "2,000+"."""
PILLARS = (
    ("core", "一核", "党建引领核心"),
    ("lever-orgs", "三抓手", "社会组织培育"),
    ("lever-projects", "三抓手", "公益项目带动"),
    ("lever-platforms", "三抓手", "议事协商平台"),
    ("force-community", "六方力量", "社区"),
    ("force-social-orgs", "六方力量", "社会组织"),
    ("force-social-workers", "六方力量", "社会工作者"),
    ("force-volunteers", "六方力量", "社区志愿者"),
    ("force-charity", "六方力量", "社会慈善资源"),
    ("force-residents", "六方力量", "居民群众"),
)
INDICATORS = (
    ("core", "社会组织党的组织覆盖率", "%", 90),
    ("lever-orgs", "新培育社区社会组织", "个", 20),
    ("lever-projects", "党建引领公益项目", "个", 12),
    ("lever-platforms", "居民议事厅议事次数", "次", 48),
    ("force-volunteers", "党员先锋队服务人次", "人次", 2000),
    ("force-charity", "链接慈善资金", "万元", 20),
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


async def _units(
    context: DemoContext, tenant: Tenant, count: int, skip: Collection[str] = ()
) -> list[UnitIn]:
    """Social organisations of ``tenant``'s subtree to cover: the directory's when a keeping
    module is on, named plainly to make up the number."""
    refs = await list_organisations(context.session, tenant, limit=200)
    found = [UnitIn(organisation_id=r.id) for r in refs if str(r.id) not in skip][:count]
    serial = 0
    while len(found) < count:
        serial += 1
        name = f"{tenant.name}演示社会组织{serial:02d}"
        if name not in skip:
            found.append(UnitIn(organisation_name=name))
    return found


async def load(context: DemoContext, manifest: Manifest) -> None:
    session, root, rng, today = context.session, context.root, context.random, context.today
    loaded = await session.scalar(
        select(WorkPlan.id).where(WorkPlan.tenant_id == root.id, WorkPlan.method == METHOD)
    )
    if loaded is not None:
        return
    settings = await module_settings(session, root, manifest)
    towns = sorted(
        (t for t in context.tenants.values() if t.parent_id == root.id), key=lambda t: t.slug
    )[:3]
    window = rules.months_before(today, 6)
    committee = await session.scalar(
        select(PartyOrganisation).where(
            PartyOrganisation.tenant_id == root.id,
            PartyOrganisation.name == f"{root.name}{COMMITTEE}",
        )
    )
    if committee is None:
        committee = await organisations.create(
            session,
            root,
            OrganisationCreate(
                name=f"{root.name}{COMMITTEE}",
                kind="committee",
                secretary_name=_name(rng),
                has_committee=True,
                established_on=date(2019, 6, 28),
            ),
        )
    branches: list[tuple[Tenant, PartyOrganisation, list[Member]]] = []
    covered: set[str] = set()
    for index, town in enumerate(towns):
        own_unit, *joint_units = await _units(context, town, 7 if index == 0 else 4)
        covered |= {str(u.organisation_id or u.organisation_name) for u in (own_unit, *joint_units)}
        branch = await organisations.create(
            session,
            town,
            OrganisationCreate(
                name=f"{town.name}社会组织党支部",
                kind="branch",
                parent_id=committee.id,
                secretary_name=_name(rng),
                established_on=window - timedelta(days=400),
                units=[own_unit],
            ),
        )
        joint = await organisations.create(
            session,
            town,
            OrganisationCreate(
                name=f"{town.name}社会组织联合党支部",
                kind="joint_branch",
                parent_id=committee.id,
                secretary_name=_name(rng),
                established_on=window - timedelta(days=200),
                units=joint_units,
            ),
        )
        for org, full_count in ((branch, 2 if index == 2 else 5 + index), (joint, 4)):
            people = []
            for n in range(full_count + 2):
                probationary = n >= full_count
                joined = today - timedelta(days=rng.randint(330, 360) if probationary else 2000)
                people.append(
                    await members.create(
                        session,
                        town,
                        MemberCreate(
                            party_organisation_id=org.id,
                            name=_name(rng),
                            status="probationary" if probationary else "full",
                            gender=rng.choice(("男", "女")),
                            phone=f"1390731{rng.randint(0, 9999):04d}",
                            joined_on=joined,
                            converted_on=None if probationary else joined + timedelta(days=366),
                            show_identity=n % 2 == 0,
                            model_post="党员示范岗" if n == 0 else None,
                        ),
                    )
                )
            branches.append((town, org, people))
    for unit in await _units(context, root, 3, covered):
        await organisations.create_instructor(
            session,
            root,
            InstructorCreate(
                name=_name(rng),
                organisation_id=unit.organisation_id,
                organisation_name=unit.organisation_name,
                assigned_on=window,
            ),
        )
    await _meetings(context, settings, branches)
    await _teams(context, committee, branches)
    await _supervision(context, towns, branches)
    await _plans(context, towns)


async def _meetings(
    context: DemoContext,
    settings: dict[str, Any],
    branches: list[tuple[Tenant, PartyOrganisation, list[Member]]],
) -> None:
    """Two quarters of meetings; the last branch skips its assembly and lesson last quarter and
    the theme day of the month before this one, so the compliance view shows them overdue."""
    today = context.today
    start = rules.period_start(rules.months_before(today, 6), "quarter")
    this_quarter = rules.period_start(today, "quarter")
    this_month = rules.period_start(today, "month")
    last = len(branches) - 1
    for index, (town, org, people) in enumerate(branches):
        months = rules.periods_between(start, today - timedelta(days=1), "month")
        for month_start, month_end in months:
            skip = index == last and month_end == this_month - timedelta(days=1)
            if month_end >= this_month or skip:
                continue
            await _meeting(
                context, settings, town, org, people, "theme_day", month_start + timedelta(days=14)
            )
        for q_start, q_end in rules.periods_between(start, today, "quarter"):
            if q_end >= this_quarter or index == last:
                continue
            await _meeting(
                context, settings, town, org, people, "party_assembly", q_start + timedelta(days=40)
            )
            await _meeting(
                context, settings, town, org, people, "party_lesson", q_start + timedelta(days=50)
            )


async def _meeting(
    context: DemoContext,
    settings: dict[str, Any],
    town: Tenant,
    org: PartyOrganisation,
    people: list[Member],
    type: str,
    held_on: date,
) -> None:
    if held_on < org.established_on or held_on >= context.today:
        return
    present = [p.id for p in people if context.random.random() < 0.8]
    await meetings.create(
        context.session,
        town,
        MeetingCreate(
            party_organisation_id=org.id,
            type=type,  # type: ignore[arg-type]
            held_on=held_on,
            topic={
                "theme_day": "主题党日：志愿服务进社区",
                "party_assembly": "党员大会：学习贯彻上级精神",
                "party_lesson": "党课：党建引领基层治理",
            }[type],
            attendee_ids=present,
            minutes="会议记录已归档。",
        ),
        settings,
    )


async def _teams(
    context: DemoContext,
    committee: PartyOrganisation,
    branches: list[tuple[Tenant, PartyOrganisation, list[Member]]],
) -> None:
    """The district's four pioneer teams (those a tenant file declared, or new ones), each with
    members of a branch and 540 person-times over recent weeks."""
    session, root, rng, today = context.session, context.root, context.random, context.today
    for index, (name, theme) in enumerate(TEAMS):
        _, _, people = branches[(2 * index) % len(branches)]
        team = await session.scalar(
            select(PioneerTeam).where(PioneerTeam.tenant_id == root.id, PioneerTeam.name == name)
        )
        if team is None:
            team = await teams.create(
                session,
                root,
                TeamCreate(
                    name=name,
                    theme=theme,
                    leader_name=people[0].name,
                    party_organisation_id=committee.id,
                ),
            )
        team.member_ids = [str(p.id) for p in people[:3]]
        remaining, day = PERSON_TIMES_PER_TEAM, 0
        while remaining > 0:
            day += rng.randint(2, 5)
            batch = min(remaining, rng.randint(30, 70))
            members_part = max(1, batch * rng.randint(25, 40) // 100)
            await teams.record(
                session,
                root,
                team.id,
                ServiceCreate(
                    title=f"{team.theme}服务",
                    served_on=today - timedelta(days=day),
                    member_person_times=members_part,
                    other_person_times=batch - members_part,
                ),
            )
            remaining -= batch


async def _supervision(
    context: DemoContext,
    towns: list[Tenant],
    branches: list[tuple[Tenant, PartyOrganisation, list[Member]]],
) -> None:
    session, today, rng = context.session, context.today, context.random
    town, org, _ = branches[-1]
    await supervision.create_visit(
        session,
        town,
        VisitCreate(
            party_organisation_id=org.id,
            visited_unit=org.name,
            visited_on=today - timedelta(days=60),
            supervisor=_name(rng),
            findings="三会一课记录不全，党员大会未按季度召开。",
            follow_ups=[
                FollowUpCreate(
                    action="补开党员大会并完善会议记录", due_on=today - timedelta(days=30)
                ),
                FollowUpCreate(action="制定下季度组织生活计划", due_on=today + timedelta(days=20)),
            ],
        ),
    )
    for index, town in enumerate(towns):
        await supervision.create_training(
            session,
            town,
            TrainingCreate(
                title="社会组织党务工作者培训",
                held_on=today - timedelta(days=20 + 15 * index),
                trainer=_name(rng),
                invited_count=30,
                attendee_names=list(dict.fromkeys(_name(rng) for _ in range(22 + index))),
            ),
        )


async def _plans(context: DemoContext, towns: list[Tenant]) -> None:
    session, root, today = context.session, context.root, context.today
    plan = await plans.create(
        session,
        root,
        PlanCreate(
            year=today.year,
            title=f"{today.year}年党建引领基层治理工作计划",
            method=METHOD,
            pillars=[Pillar(key=k, group=g, name=n) for k, g, n in PILLARS],
            indicators=[
                IndicatorCreate(pillar=p, name=n, unit=u, target=t) for p, n, u, t in INDICATORS
            ],
            is_template=True,
        ),
    )
    answer = (await plans.answers(session, [plan]))[0]
    for indicator in answer.indicators:
        await plans.record_progress(
            session,
            root,
            plan.id,
            indicator.id,
            ProgressCreate(
                amount=max(1, indicator.target * context.random.randint(40, 95) // 100),
                recorded_on=today - timedelta(days=10),
                note="截至本月进度",
            ),
        )
    if towns:
        await plans.copy(
            session,
            towns[0],
            plan.id,
            PlanCopy(year=today.year, title=f"{towns[0].name}{today.year}年党建工作计划"),
        )
