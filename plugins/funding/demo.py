"""公益项目与资金演示数据 / The funding module's demonstration records for a district.

Loaded by ``gongzhi demo load`` through ``gongzhi_demo_load``: the district's 2024 venture-
philanthropy call funded by a foundation and a town's call funded by its government, with
twelve joint applications since 2024 (two organisations of one town, named through the
organisation directory, or the two communities of an urban-rural pair), their panel decisions,
tranches, evaluations and one project terminated after a failed mid-term evaluation. The
foundation's approvals add up to 206,500 yuan, so the district's "链接基金会公益服务资金20余万元"
is a live figure.

Every record is written through the module's own services (lifecycle moves, ledger entries,
events), so the soak invariants hold on demo data. Choices come from the context's seeded
generator; the town call is dated relative to ``context.today``. When a call exists anywhere
under the demo root, nothing is added.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    DemoContext,
    OrganisationRef,
    Tenant,
    find_organisations,
    in_subtree,
    list_organisations,
    organisation_directory_on,
)
from plugins.funding.applications import services as applications
from plugins.funding.applications.schemas import (
    Applicant,
    ApplicationCreate,
    BudgetLine,
    EvaluationCreate,
    Pair,
)
from plugins.funding.calls import services as calls
from plugins.funding.calls.schemas import CallCreate
from plugins.funding.ledger.schemas import Disbursement
from plugins.funding.manifest import MANIFEST
from plugins.funding.models import Application, Call

FOUNDATION = "湖南省社会组织发展基金会"
DISTRICT_PAIRS = (("jinxingbeilu", "tuanshanhu"), ("taohuajing", "shuangfeng"),
                  ("tongxinyuan", "longwangling"))  # fmt: skip
TOWN_PAIR = ("wangfulu", "xinkang")
DISTRICT_AMOUNTS_YUAN = (30_000, 28_000, 26_500, 25_000, 25_000, 24_000, 24_000, 24_000)
"""The eight approvals of the foundation's call: 206,500 yuan together."""
TITLES = (
    ("银龄互助·城乡共享", "为老服务"),
    ("四点半课堂城乡手拉手", "儿童青少年"),
    ("农耕研学少年行", "乡村振兴"),
    ("社区议事能力提升", "社区治理"),
    ("戏曲进社区", "文体服务"),
    ("邻里守望助残", "为老服务"),
    ("助农直播间", "乡村振兴"),
    ("健康小屋", "为老服务"),
    ("新农人成长营", "乡村振兴"),
    ("楼栋微治理", "社区治理"),
    ("湘江护河志愿行", "其他"),
    ("亲子阅读角", "儿童青少年"),
)
PLAIN_ORGANISATIONS = (
    ("望城区新向阳志愿服务中心", "registered"),
    ("高塘岭街道银龄帮帮团", "filed"),
    ("月亮岛街道城市新农人协会", "registered"),
    ("乌山街道乡贤理事会", "filed"),
)
"""Applicants named plainly where no organisation directory is on."""


@dataclass
class Loader:
    context: DemoContext

    @property
    def session(self) -> AsyncSession:
        return self.context.session

    def tenant(self, slug: str) -> Tenant | None:
        return self.context.tenants.get(slug)

    async def organisation_pairs(self, town: Tenant, count: int) -> list[list[Applicant]]:
        """``count`` pairs of eligible organisations homed in the same town (in ``town``'s
        subtree), by directory id; named plainly where the directory is off or too few."""
        by_town: dict[uuid.UUID, list[OrganisationRef]] = defaultdict(list)
        if await organisation_directory_on(self.session, town):
            for ref in await list_organisations(self.session, town):
                home = next(
                    (t for t in self.context.tenants.values() if t.id == ref.tenant_id), None
                )
                if home is None or ref.registration not in ("registered", "filed"):
                    continue
                owner = next(
                    (t for t in self.context.tenants.values()
                     if t.level == "town" and home.path.startswith(t.path)),
                    None,
                )  # fmt: skip
                if owner is not None:
                    by_town[owner.id].append(ref)
        pairs: list[list[Applicant]] = []
        for refs in by_town.values():
            refs = sorted(refs, key=lambda r: r.name)
            self.context.random.shuffle(refs)
            while len(refs) >= 2 and len(pairs) < count:
                pairs.append([Applicant(organisation_id=refs.pop().id),
                              Applicant(organisation_id=refs.pop().id)])  # fmt: skip
        while len(pairs) < count:
            first, second = self.context.random.sample(PLAIN_ORGANISATIONS, 2)
            pairs.append([Applicant(name=first[0], registration=first[1]),  # type: ignore[arg-type]
                          Applicant(name=second[0], registration=second[1])])  # type: ignore[arg-type]  # fmt: skip
        return pairs

    async def home_of(self, applicants: list[Applicant], fallback: Tenant) -> Tenant:
        """The town both applicant organisations belong to (where they apply)."""
        ids = [a.organisation_id for a in applicants if a.organisation_id is not None]
        if not ids:
            return fallback
        found = await find_organisations(self.session, self.context.root, ids)
        homes = [
            t
            for t in self.context.tenants.values()
            if t.id in {r.tenant_id for r in found.values()}
        ]
        towns = [t for t in self.context.tenants.values() if t.level == "town"
                 and all(h.path.startswith(t.path) for h in homes)]  # fmt: skip
        return towns[0] if towns else fallback

    async def apply(
        self,
        call: Call,
        at: Tenant,
        number: int,
        amount_yuan: int,
        *,
        applicants: list[Applicant] | None = None,
        pair: tuple[str, str] | None = None,
        day: date,
    ) -> Application:
        title, category = TITLES[number % len(TITLES)]
        amount = amount_yuan * 100
        body = ApplicationCreate(
            title=title,
            category=category,
            applicants=applicants or [],
            pair=Pair(urban=pair[0], rural=pair[1]) if pair else None,
            summary=f"{title}：城乡社会组织、社区联合申报的公益服务项目。",
            budget_lines=[
                BudgetLine(item="活动物资与场地", amount_fen=amount * 6 // 10),
                BudgetLine(item="志愿者培训与保险", amount_fen=amount * 2 // 10),
                BudgetLine(item="项目管理与评估", amount_fen=amount - amount * 8 // 10),
            ],
            documents=[f"申报书-{call.opens_on.year}-{number + 1:02d}.pdf"],
        )
        made = await applications.create(self.session, at, call.id, body, None, day)
        await applications.submit(self.session, made, None, day)
        for step in ("screened", "under_review", "published"):
            await applications.move(self.session, made, step, "", None)
        return made

    async def fund(
        self,
        call: Call,
        made: Application,
        decided: date,
        *,
        through: str,
    ) -> None:
        """Approve and follow the project up to ``through``: ``started``, ``midterm``,
        ``closed`` or ``terminated`` (mid-term failed)."""
        await applications.approve(self.session, made, call, made.requested_fen, None, decided)
        await applications.move(self.session, made, "agreement_signed", "签订资助协议", None)
        await self.pay(call, made, 1, decided + timedelta(days=10))
        if through == "started":
            return
        midterm = decided + timedelta(days=120)
        passed = through != "terminated"
        note = "按计划推进，服务记录完整" if passed else "活动未按计划开展，经费使用不规范"
        await applications.evaluate(
            self.session, made, call,
            EvaluationCreate(stage="midterm", passed=passed, evaluated_on=midterm, note=note),
            None,
        )  # fmt: skip
        if through in ("terminated",):
            return
        await self.pay(call, made, 2, midterm + timedelta(days=7))
        if through == "midterm":
            return
        final = decided + timedelta(days=300)
        await applications.evaluate(
            self.session, made, call,
            EvaluationCreate(stage="final", passed=True, evaluated_on=final, note="达成项目目标"),
            None,
        )  # fmt: skip
        await self.pay(call, made, 3, final + timedelta(days=7))
        await applications.close(self.session, made, call, "结项", None)

    async def pay(self, call: Call, made: Application, tranche: int, day: date) -> None:
        await applications.disburse(
            self.session, made, call, Disbursement(tranche=tranche, disbursed_on=day), None
        )

    async def district_call(self) -> None:
        root = self.context.root
        call = await calls.create(
            self.session,
            root,
            CallCreate(
                title=f"{root.name}2024年社区公益创投",
                funder_kind="foundation",
                funder_name=FOUNDATION,
                pool_fen=300_000_00,
                opens_on=date(2024, 3, 1),
                closes_on=date(2024, 4, 15),
                description="支持城乡社会组织、社区社会组织联合申报公益服务项目。",
            ),
            MANIFEST.settings,
            None,
        )
        towns = sorted((t for t in self.context.tenants.values() if t.level == "town"),
                       key=lambda t: t.path)  # fmt: skip
        pairs = [p for p in DISTRICT_PAIRS if self.tenant(p[0]) and self.tenant(p[1])]
        organisation_pairs = await self.organisation_pairs(root, 9 - len(pairs))
        made: list[Application] = []
        opened = call.opens_on
        for number, pair in enumerate(pairs):
            made.append(await self.apply(call, root, number, DISTRICT_AMOUNTS_YUAN[number],
                                         pair=pair, day=opened + timedelta(days=number)))  # fmt: skip
        for offset, applicants in enumerate(organisation_pairs):
            number = len(made)
            home = await self.home_of(applicants, towns[offset % len(towns)])
            amount = DISTRICT_AMOUNTS_YUAN[number] if number < 8 else 20_000
            made.append(await self.apply(call, home, number, amount, applicants=applicants,
                                         day=opened + timedelta(days=number)))  # fmt: skip
        decided = date(2024, 5, 20)
        for number, application in enumerate(made[:8]):
            through = "terminated" if number == 5 else "closed"
            await self.fund(call, application, decided, through=through)
        await applications.move(self.session, made[8], "rejected", "评审得分未达立项线", None)

    async def town_call(self) -> None:
        town = self.tenant("gaotangling")
        if town is None:
            return
        today = self.context.today
        opens = today - timedelta(days=240)
        call = await calls.create(
            self.session,
            town,
            CallCreate(
                title=f"{town.name}{opens.year}年社区微公益项目",
                funder_kind="government",
                funder_name=f"{town.name}办事处",
                pool_fen=80_000_00,
                opens_on=opens,
                closes_on=opens + timedelta(days=45),
            ),
            MANIFEST.settings,
            None,
        )
        made: list[Application] = []
        if self.tenant(TOWN_PAIR[0]) and self.tenant(TOWN_PAIR[1]):
            made.append(await self.apply(call, town, 9, 30_000, pair=TOWN_PAIR, day=opens))
        for applicants in await self.organisation_pairs(town, 3 - len(made)):
            made.append(await self.apply(call, town, 9 + len(made), 25_000,
                                         applicants=applicants, day=opens + timedelta(days=3)))  # fmt: skip
        decided = opens + timedelta(days=60)
        await self.fund(call, made[0], decided, through="midterm")
        await self.fund(call, made[1], decided, through="started")


async def load(context: DemoContext) -> None:
    """Add the demo calls and applications under ``context.root`` unless a call exists there."""
    present = await context.session.scalar(
        select(Call.id).where(in_subtree(Call.tenant_id, context.root)).limit(1)
    )
    if present is not None:
        return
    loader = Loader(context)
    await loader.district_call()
    await loader.town_call()
