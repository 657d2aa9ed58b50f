"""五社联动演示数据 / The five-sector module's demonstration records for a district.

Loaded by ``gongzhi demo load`` through ``gongzhi_demo_load``: social organisations in every town
(a development-promotion hub per town, community organisations filed or incubating, registered
associations, service agencies and a foundation with valid USCCs and ratings), social workers,
volunteers whose ledgers reach every star level, 20+ activities with their participants and
about 2,000 person-times, charity resources with allocations, and the four urban-rural pairings
with their joint activities.

Rows are written exactly as the module's own services write them: a closed activity has its
person-times, one credit per checked-in volunteer for the activity's duration (at most 24 h,
dated the day it started), one ``service-hours-recorded`` event per ledger entry and one
``activity-closed`` event; a filed or
registered organisation has its lifecycle change; a resource's balance is its quantity less its
allocations. Everything comes from the context's seeded generator and is dated relative to
``context.today``, so every load is the same apart from the dates. The id of the first
organisation is drawn first: when it exists, the data is there already and nothing is added.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core import DemoContext, Manifest, Tenant, emit, module_settings
from plugins.five_sector import events, rules
from plugins.five_sector.models import (
    Activity,
    Allocation,
    CharityResource,
    Organisation,
    OrganisationStatusChange,
    Pairing,
    Participant,
    ServiceEntry,
    SocialWorker,
    Volunteer,
)
from plugins.five_sector.volunteers.services import record_entry

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_AREA = "430112"

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "魏苏吕丁任沈姚卢钟姜崔谭廖范汪陆金石贾韦夏邱方侯邹熊孟秦白江薛尹段雷黎史龙陶贺顾毛郝龚"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕春晓文斌俊凤琴云辉鹏飞丹萍婷雪慧"
SKILLS = (
    "急救",
    "心理疏导",
    "文艺表演",
    "法律咨询",
    "助老护理",
    "摄影",
    "手机教学",
    "书法",
    "烹饪",
)
SERVICE_CONTENT = (
    "社区环境整治",
    "关爱空巢老人入户探访",
    "文明交通劝导",
    "社区图书室值守",
    "助残陪伴服务",
    "法律咨询值班",
    "四点半课堂辅导",
    "防汛巡查值守",
)

COMMUNITY_ORGS: tuple[tuple[str, str, bool], ...] = (
    ("{p}居民议事会", "社区协商类", False),
    ("{p}银龄帮帮团", "和谐类", True),
    ("{p}爱心助老服务队", "服务类", False),
    ("{p}花鼓戏艺术团", "文体类", False),
    ("{p}新向阳志愿服务队", "服务类", True),
    ("{p}邻里互助会", "和谐类", False),
    ("{p}四点半课堂志愿服务队", "服务类", False),
    ("{p}广场舞协会", "文体类", False),
    ("{p}人民调解志愿队", "社区协商类", False),
    ("{p}城市新农人合作社", "其他", True),
    ("{p}书画社", "文体类", False),
    ("{p}环保志愿者联盟", "其他", False),
)
"""(name pattern, default category, brand project) of community social organisations."""

DISTRICT_ORGS: tuple[tuple[str, str, str], ...] = (
    ("{d}志愿者协会", "social_group", "枢纽型"),
    ("{d}社会工作者协会", "social_group", "枢纽型"),
    ("{d}老年人体育协会", "social_group", "文体类"),
    ("{d}阳光社会工作服务中心", "social_service_agency", "服务类"),
    ("{d}心家园社会工作服务中心", "social_service_agency", "服务类"),
    ("{d}雷锋精神公益基金会", "foundation", "其他"),
)

ACTIVITIES: tuple[tuple[str, str, str | None, int], ...] = (
    ("智慧通讯学习小组", "学习培训", None, 46),
    ("非遗文化传承班", "文化传承", "jinggang", 58),
    ("银龄帮帮团入户探访", "助老服务", None, 40),
    ("铜官窑陶艺体验课", "文化传承", "tongguan", 72),
    ("雷锋精神志愿服务日", "志愿服务", "leifeng", 180),
    ("四点半课堂", "儿童关爱", None, 35),
    ("邻里节百家宴", "邻里互助", None, 260),
    ("垃圾分类宣传进小区", "环境保护", None, 64),
    ("义诊进社区", "健康服务", None, 120),
    ("防范电信诈骗宣讲", "法治宣传", None, 80),
    ("花鼓戏进社区", "文化传承", None, 150),
    ("湘绣体验课", "文化传承", None, 30),
    ("亲子阅读会", "儿童关爱", None, 42),
    ("关爱留守儿童暑期营", "儿童关爱", "qiaokou", 55),
    ("居民议事会：加装电梯协商", "议事协商", None, 36),
    ("助老义剪", "助老服务", None, 48),
    ("法律援助咨询日", "法治宣传", None, 52),
    ("消防安全演练", "安全宣传", None, 110),
)
"""(title, category, preferred town slug, person-times) of activities held in the towns."""

UPCOMING = (
    ("重阳敬老联欢会", "助老服务"),
    ("社区运动会", "文体活动"),
    ("心理健康讲座", "健康服务"),
)

PAIRINGS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("wangfulu", "xinkang", ("戏乡文化节", "农耕体验日")),
    ("jinxingbeilu", "tuanshanhu", ("农耕体验日",)),
    ("taohuajing", "shuangfeng", ("城乡少年手拉手",)),
    ("tongxinyuan", "longwangling", ("助农爱心集市",)),
)
"""(urban community, village, joint activities) of the four urban-rural pairings."""
JOINT_PERSON_TIMES = {"戏乡文化节": 280, "农耕体验日": 60, "城乡少年手拉手": 45, "助农爱心集市": 90}

FOUNDATIONS = ("湖南省慈善总会", "长沙市慈善会", "湖南省社会组织发展基金会", "长沙市望城区慈善会")
PROJECTS = (
    "银龄帮帮团助老项目",
    "四点半课堂公益项目",
    "非遗传承进社区项目",
    "城市新农人助农项目",
    "新向阳志愿服务项目",
    "困境儿童关爱项目",
)
IN_KIND: tuple[tuple[str, str, str, str, int], ...] = (
    ("goods", "enterprise", "望城区新康米业有限公司", "大米（10公斤装）", 200),
    ("goods", "enterprise", "长沙铜官窑文化旅游有限公司", "陶艺体验材料包", 300),
    ("space", "enterprise", "望城区乔口渔都农家乐", "周末活动场地", 12),
    ("service", "person", "爱心人士陈先生", "义诊服务", 24),
)
UNITS = {"大米（10公斤装）": "袋", "陶艺体验材料包": "套", "周末活动场地": "场", "义诊服务": "次"}


def _short(tenant: Tenant) -> str:
    """The place name without its tier word: 望府路社区 → 望府路, 高塘岭街道 → 高塘岭."""
    for suffix in ("街道", "社区", "村", "镇", "乡"):
        if tenant.name.endswith(suffix) and len(tenant.name) > len(suffix):
            return tenant.name[: -len(suffix)]
    return tenant.name


def _order(tenant: Tenant) -> tuple[str, str]:
    return (tenant.division_code or "~", tenant.slug)


@dataclass
class _Place:
    """A tenant where people live and serve, with the volunteers homed there."""

    tenant: Tenant
    town: Tenant
    volunteers: list[Volunteer] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)


class _Loader:
    def __init__(self, context: DemoContext, cfg: Mapping[str, Any], first_id: uuid.UUID) -> None:
        self.session = context.session
        self.rng: random.Random = context.random
        self.today = context.today
        self.root = context.root
        self.tenants = context.tenants
        self.cfg = cfg
        self.first_id = first_id
        self.now = datetime.now(UTC)
        self.serial = 0
        children = self._children(self.root) or [self.root]
        self.towns = children
        self.places: list[_Place] = []
        for town in children:
            below = self._children(town) or [town]
            self.places += [_Place(tenant, town) for tenant in below]
        self.hubs: dict[uuid.UUID, Organisation] = {}
        self.staff = [self.person() for _ in range(12)]

    def _children(self, parent: Tenant) -> list[Tenant]:
        return sorted((t for t in self.tenants.values() if t.parent_id == parent.id), key=_order)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def person(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """``day`` at ``hour:minute`` in Asia/Shanghai, as a UTC time."""
        return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def area(self, tenant: Tenant) -> str:
        code = tenant.division_code or self.root.division_code or DEFAULT_AREA
        return code[:6] if len(code) >= 6 else DEFAULT_AREA

    def category(self, default: str) -> str:
        """``default`` when the tenant's settings list it, else one of the listed categories."""
        categories: Sequence[str] = self.cfg["categories"]
        return default if default in categories else self.rng.choice(list(categories))

    # --- organisations ---------------------------------------------------------------------

    def uscc(self, kind: str, tenant: Tenant) -> str:
        body = "MJ" + "".join(self.rng.choice(rules.USCC_CHARSET[:10]) for _ in range(6))
        code = rules.make_uscc("5", rules.USCC_TYPE_BY_KIND[kind], self.area(tenant), body)
        return rules.validate_uscc(code)

    def change(self, org: Organisation, to: str, reason: str, on: date) -> None:
        self.session.add(
            OrganisationStatusChange(
                id=self.uuid(),
                tenant_id=org.tenant_id,
                organisation_id=org.id,
                from_status="incubating",
                to_status=to,
                reason=reason,
                changed_by=None,
                changed_at=self.at(on, 10),
            )
        )

    def registered(self, tenant: Tenant, name: str, kind: str, category: str) -> Organisation:
        registered_on = self.days_ago(900, 3600)
        org = Organisation(
            id=self.first_id if self.serial == 0 else self.uuid(),
            tenant_id=tenant.id,
            name=name,
            kind=kind,
            category=self.category(category),
            status="registered",
            uscc=self.uscc(kind, tenant),
            registered_on=registered_on,
            founders_count=self.rng.randint(3, 9),
            members_count=self.rng.randint(20, 300),
            charter_document=f"章程/{name}.pdf",
            address=f"{tenant.name}社会组织服务中心",
            brand_project=False,
        )
        self.next_serial()
        earliest = max(rules.add_years(registered_on, 2), rules.add_years(self.today, -4))
        if earliest <= self.today and self.rng.random() < 0.8:
            org.rating = self.rng.choice((3, 3, 4, 4, 5))
            org.rated_on = earliest + timedelta(
                days=self.rng.randint(0, (self.today - earliest).days)
            )
        self.session.add(org)
        self.change(org, "registered", "依法登记成立", registered_on)
        return org

    def community_org(self, place: _Place, pattern: str, category: str, brand: bool) -> None:
        name = pattern.format(p=_short(place.tenant))
        filed = self.rng.random() < 0.65
        org = Organisation(
            id=self.uuid(),
            tenant_id=place.tenant.id,
            name=name,
            kind="community",
            category=self.category(category),
            status="filed" if filed else "incubating",
            founders_count=self.rng.randint(2, 6) if filed else self.rng.randint(1, 3),
            members_count=self.rng.randint(10, 60) if filed else self.rng.randint(4, 15),
            charter_document=f"章程/{name}.pdf" if filed or self.rng.random() < 0.3 else None,
            address=f"{place.tenant.name}党群服务中心",
            brand_project=brand,
        )
        if filed:
            validity = int(self.cfg["filing_validity_years"])
            expiring = self.next_serial() % 9 == 0
            filed_on = (
                rules.add_years(self.today + timedelta(days=self.rng.randint(5, 25)), -validity)
                if expiring
                else self.days_ago(30, 365 * validity - 60)
            )
            org.filing_number = f"{_short(place.town)}社备〔{filed_on.year}〕{self.serial:03d}号"
            org.filed_on = filed_on
            org.filing_expires_on = rules.filing_expires_on(filed_on, validity)
            self.change(org, "filed", "材料齐全，准予备案", filed_on)
        self.session.add(org)
        place.organisations.append(org)

    def organisations(self) -> None:
        for name, kind, category in DISTRICT_ORGS:
            self.registered(self.root, name.format(d=self.root.name), kind, category)
        for town in self.towns:
            if town is self.root:
                continue
            name = f"{town.name}社区社会组织发展促进中心"
            self.hubs[town.id] = self.registered(town, name, "social_service_agency", "枢纽型")
        patterns = list(COMMUNITY_ORGS)
        for index, place in enumerate(self.places):
            count = 2 if place.tenant is place.town else self.rng.randint(1, 3)
            for offset in range(count):
                pattern, category, brand = patterns[(index * 3 + offset) % len(patterns)]
                self.community_org(place, pattern, category, brand)

    # --- people ----------------------------------------------------------------------------

    def id_number(self) -> str:
        """A Chinese resident ID number with a valid GB 11643 check character."""
        born = date(self.rng.randint(1950, 2005), self.rng.randint(1, 12), self.rng.randint(1, 28))
        first17 = f"{self.area(self.root)}{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
        return first17 + "10X98765432"[total % 11]

    def social_workers(self) -> None:
        levels = ("assistant", "assistant", "assistant", "social_worker", "social_worker", "senior")
        for town in self.towns:
            served = [p.tenant for p in self.places if p.town is town]
            for _ in range(self.rng.randint(1, 3)):
                level = self.rng.choice((*levels, "none"))
                number = None
                if level != "none":
                    number = f"SG{self.rng.randint(2012, self.today.year)}{self.next_serial():05d}"
                self.session.add(
                    SocialWorker(
                        id=self.uuid(),
                        tenant_id=town.id,
                        name=self.person(),
                        certificate_level=level,
                        certificate_number=number,
                        served_tenant_ids=[
                            str(t.id) for t in self.rng.sample(served, min(len(served), 2))
                        ],
                    )
                )

    def volunteers(self) -> None:
        for place in self.places:
            for _ in range(self.rng.randint(4, 8)):
                volunteer = Volunteer(
                    id=self.uuid(),
                    tenant_id=place.tenant.id,
                    name=self.person(),
                    volunteer_number=f"{self.area(self.root)}{self.next_serial():06d}",
                    id_type="居民身份证",
                    id_number=self.id_number(),
                    skills=self.rng.sample(SKILLS, self.rng.randint(1, 3)),
                    served_tenant_ids=[str(place.tenant.id)],
                )
                self.session.add(volunteer)
                place.volunteers.append(volunteer)

    async def record(self, entry: ServiceEntry) -> None:
        """Append a ledger entry and its event through the module's own ledger write."""
        await record_entry(self.session, entry)

    async def ledgers(self) -> None:
        """Manual credits bringing volunteers to every star level (most have none yet)."""
        thresholds = [float(t) for t in self.cfg["star_thresholds"]]
        everyone = [v for place in self.places for v in place.volunteers]
        starred = self.rng.sample(everyone, min(len(everyone), 21))
        targets: dict[uuid.UUID, float] = {v.id: self.rng.uniform(0, 30) for v in everyone}
        per_level = (1, 2, 3, 5, 10)
        start = 0
        for level, count in zip(range(len(thresholds), 0, -1), per_level, strict=False):
            low = thresholds[level - 1]
            high = thresholds[level] if level < len(thresholds) else low * 1.1
            for volunteer in starred[start : start + count]:
                targets[volunteer.id] = low + (high - low) * self.rng.uniform(0.2, 0.5)
            start += count
        first_credits: list[ServiceEntry] = []
        for volunteer in everyone:
            total = 0
            while total < targets[volunteer.id] * 60:
                minutes = self.rng.choice((4, 6, 8, 8)) * 60
                served_on = self.days_ago(2, 1000)
                entry = ServiceEntry(
                    id=self.uuid(),
                    tenant_id=volunteer.tenant_id,
                    volunteer_id=volunteer.id,
                    activity_id=None,
                    kind="credit",
                    minutes=minutes,
                    served_on=served_on,
                    content=self.rng.choice(SERVICE_CONTENT),
                    verified_by=self.rng.choice(self.staff),
                    recorded_at=self.at(served_on, 20),
                )
                await self.record(entry)
                if total == 0:
                    first_credits.append(entry)
                total += minutes
        for credit in self.rng.sample(first_credits, min(2, len(first_credits))):
            await self.record(
                ServiceEntry(
                    id=self.uuid(),
                    tenant_id=credit.tenant_id,
                    volunteer_id=credit.volunteer_id,
                    activity_id=None,
                    kind="reversal",
                    minutes=-credit.minutes,
                    served_on=credit.served_on,
                    content=credit.content,
                    verified_by=self.rng.choice(self.staff),
                    reverses_id=credit.id,
                    reason="录入重复，予以冲正",
                    recorded_at=credit.recorded_at + timedelta(days=1),
                )
            )

    # --- activities ------------------------------------------------------------------------

    async def activity(
        self,
        tenant: Tenant,
        title: str,
        category: str,
        volunteers: Sequence[Volunteer],
        person_times: int,
        *,
        pairing: Pairing | None = None,
        organiser: Organisation | None = None,
        place: str | None = None,
        upcoming: bool = False,
    ) -> Activity:
        """One activity with its sign-ups; a past one is closed as ``close_activity`` does."""
        day = self.today + timedelta(days=self.rng.randint(3, 21)) if upcoming else None
        day = day or self.days_ago(7, 330)
        hours = 6 if person_times >= 150 else self.rng.choice((2, 2, 3, 3, 4))
        starts_at = self.at(day, self.rng.choice((9, 9, 14, 15)), self.rng.choice((0, 30)))
        ends_at = starts_at + timedelta(hours=hours)
        serving = self.rng.sample(list(volunteers), min(len(volunteers), self.rng.randint(3, 8)))
        named = min(person_times, self.rng.randint(8, 30))
        activity = Activity(
            id=self.uuid(),
            tenant_id=pairing.tenant_id if pairing else tenant.id,
            pairing_id=pairing.id if pairing else None,
            organiser_organisation_id=organiser.id if organiser else None,
            title=title,
            category=category,
            place=place or f"{tenant.name}党群服务中心",
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=len(serving) + named + self.rng.randint(0, 20),
            status="open",
            person_times=0,
        )
        self.session.add(activity)
        await self.session.flush()
        attended: list[Participant] = []
        for index, (volunteer, role) in enumerate(
            [(v, "volunteer") for v in serving] + [(None, "beneficiary")] * named
        ):
            signed_up_at = starts_at - timedelta(days=self.rng.randint(1, 7), minutes=index)
            present = not upcoming and self.rng.random() < 0.92
            participant = Participant(
                id=self.uuid(),
                tenant_id=activity.tenant_id,
                activity_id=activity.id,
                role=role,
                volunteer_id=volunteer.id if volunteer else None,
                name=volunteer.name if volunteer else self.person(),
                signed_up_at=signed_up_at,
                checked_in_at=starts_at + timedelta(minutes=self.rng.randint(0, 15))
                if present
                else None,
            )
            self.session.add(participant)
            if present:
                attended.append(participant)
        if upcoming:
            return activity
        closed_at = ends_at + timedelta(minutes=self.rng.randint(20, 90))
        activity.status = "closed"
        activity.closed_at = closed_at
        activity.person_times = person_times
        await self.session.flush()
        minutes = min(int((ends_at - starts_at).total_seconds() // 60), rules.MAX_MINUTES_PER_ENTRY)
        verified_by = self.rng.choice(self.staff)
        credited: list[events.CreditedParticipant] = []
        for participant in attended:
            if participant.role != "volunteer" or participant.volunteer_id is None:
                continue
            credited.append(events.CreditedParticipant(participant.volunteer_id, None, minutes))
            await self.record(
                ServiceEntry(
                    id=self.uuid(),
                    tenant_id=activity.tenant_id,
                    volunteer_id=participant.volunteer_id,
                    activity_id=activity.id,
                    kind="credit",
                    minutes=minutes,
                    served_on=starts_at.date(),
                    content=title,
                    verified_by=verified_by,
                    recorded_at=closed_at,
                )
            )
        await emit(
            self.session,
            events.ACTIVITY_CLOSED,
            tenant_id=activity.tenant_id,
            payload=events.ActivityClosed(
                activity_id=activity.id,
                tenant_id=activity.tenant_id,
                closed_at=closed_at,
                person_times=person_times,
                participants=credited,
            ),
        )
        return activity

    def organiser_at(self, place: _Place) -> Organisation | None:
        active = [o for o in place.organisations if o.status in ("filed", "registered")]
        return self.rng.choice(active) if active else self.hubs.get(place.town.id)

    async def activities(self) -> list[Activity]:
        held: list[Activity] = []
        towns_left = [t for t in self.towns]
        for title, category, preferred, person_times in ACTIVITIES:
            town = next((t for t in towns_left if t.slug == preferred), None)
            if town is None:
                town = next(
                    (t for t in towns_left if t.slug not in {a[2] for a in ACTIVITIES}),
                    self.rng.choice(self.towns),
                )
            if town in towns_left:
                towns_left.remove(town)
            held.append(await self.activity_in(town, title, category, person_times))
        for town in towns_left:
            held.append(await self.activity_in(town, "助老义剪", "助老服务", 40))
        for title, category in UPCOMING:
            place = self.rng.choice(self.places)
            await self.activity(place.tenant, title, category, place.volunteers, 60, upcoming=True)
        return held

    async def activity_in(self, town: Tenant, title: str, category: str, times: int) -> Activity:
        places = [p for p in self.places if p.town is town and p.volunteers]
        place = self.rng.choice(places)
        return await self.activity(
            place.tenant,
            title,
            category,
            place.volunteers,
            times,
            organiser=self.organiser_at(place),
        )

    # --- charity resources -----------------------------------------------------------------

    async def charity(self, held: Sequence[Activity]) -> None:
        by_tenant: dict[uuid.UUID, list[Activity]] = {}
        for activity in held:
            for tenant in self.tenants.values():
                if activity.tenant_id == tenant.id:
                    for ancestor in tenant.ancestor_ids:
                        by_tenant.setdefault(ancestor, []).append(activity)
        towns = [t for t in self.towns if t is not self.root]
        for index, town in enumerate(towns):
            hub = self.hubs.get(town.id)
            if index < 12:
                yuan = self.rng.randint(100, 300) * 100
                quantity, kind, unit = yuan * 100, "money", "fen"
                donor, donor_kind = self.rng.choice(FOUNDATIONS), "foundation"
                project = PROJECTS[index % len(PROJECTS)]
                description = f"联合申报公益项目：{project}"
            else:
                kind, donor_kind, donor, description, quantity = IN_KIND[index % len(IN_KIND)]
                unit, project = UNITS[description], None
            received_on = self.days_ago(60, 600)
            resource = CharityResource(
                id=self.uuid(),
                tenant_id=town.id,
                organisation_id=hub.id if hub else None,
                kind=kind,
                donor_kind=donor_kind,
                donor_name=donor,
                description=description,
                unit=unit,
                quantity=quantity,
                balance=quantity,
                received_on=received_on,
            )
            self.session.add(resource)
            await self.session.flush()
            share = self.rng.uniform(0.3, 0.9)
            parts = self.rng.randint(1, 3)
            for part in range(parts):
                amount = int(quantity * share / parts)
                if amount <= 0:
                    continue
                targets = by_tenant.get(town.id, [])
                target = self.rng.choice(targets) if targets and project is None else None
                self.session.add(
                    Allocation(
                        id=self.uuid(),
                        tenant_id=resource.tenant_id,
                        resource_id=resource.id,
                        amount=amount,
                        activity_id=target.id if target else None,
                        project=None if target else (project or f"{town.name}社区服务"),
                        note=f"第{part + 1}批拨付",
                        allocated_at=self.at(received_on + timedelta(days=7 + 30 * part), 11),
                    )
                )
                resource.balance -= amount
        await self.session.flush()

    # --- pairings --------------------------------------------------------------------------

    async def pairings(self) -> None:
        places = {p.tenant.slug: p for p in self.places}
        for urban_slug, rural_slug, joint in PAIRINGS:
            urban, rural = places.get(urban_slug), places.get(rural_slug)
            if urban is None or rural is None:
                continue
            if urban.tenant.kind not in self.cfg["urban_kinds"]:
                continue
            if rural.tenant.kind not in self.cfg["rural_kinds"]:
                continue
            pairing = Pairing(
                id=self.uuid(),
                tenant_id=self.root.id,
                urban_tenant_id=urban.tenant.id,
                rural_tenant_id=rural.tenant.id,
                started_on=self.days_ago(200, 700),
                goals=[
                    "资源共享",
                    "城乡互助",
                    self.rng.choice(("产业帮扶", "文化共建", "人才交流")),
                ],
            )
            self.session.add(pairing)
            await self.session.flush()
            for title in joint:
                await self.activity(
                    self.root,
                    title,
                    "联合活动",
                    urban.volunteers + rural.volunteers,
                    JOINT_PERSON_TIMES[title],
                    pairing=pairing,
                    place=f"{rural.tenant.name}村民广场",
                )


async def load(context: DemoContext, manifest: Manifest) -> None:
    """Add the five-sector demo records under ``context.root`` unless they are there already."""
    first_id = uuid.UUID(int=context.random.getrandbits(128), version=4)
    if await context.session.get(Organisation, first_id) is not None:
        return
    cfg = await module_settings(context.session, context.root, manifest)
    loader = _Loader(context, cfg, first_id)
    loader.organisations()
    await context.session.flush()
    loader.social_workers()
    loader.volunteers()
    await context.session.flush()
    await loader.ledgers()
    held = await loader.activities()
    await loader.pairings()
    await loader.charity(held)
