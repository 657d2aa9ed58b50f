"""A mixed read/write load against a running server, the writes it saw acknowledged, and the
checks that everything acknowledged is stored and every invariant holds.

Writes: five-sector hours entries, activity runs (create, sign up, check in, close), charity
allocations, and module switches at a community kept for it. A write counts as acknowledged
only once its 2xx answer arrived; a refused one (409: balance too low, 404: module off) is
fine, a 5xx is recorded as a failure.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select

from core.db import Database
from core.modules.host import PluginHost
from core.modules.invariants import check_invariants
from core.modules.models import ModuleChoice, ModulePolicy
from core.tenancy.models import Tenant
from plugins.five_sector.models import Allocation, CharityResource, ServiceEntry
from tests.reliability.isolation import make_tenant

COMMUNITIES = ("soak-c1", "soak-c2")
TOGGLED = "soak-toggle"
MODULE = "five-sector"


@dataclass
class Targets:
    volunteers: dict[str, list[str]] = field(default_factory=dict)
    resources: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Ledger:
    """What the server acknowledged, and every status it answered."""

    entries: dict[str, tuple[str, int]] = field(default_factory=dict)
    allocations: dict[str, tuple[str, int]] = field(default_factory=dict)
    closes: dict[str, str] = field(default_factory=dict)
    toggles: list[bool] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    transport_errors: int = 0

    @property
    def writes(self) -> int:
        return len(self.entries) + len(self.allocations) + len(self.closes) + len(self.toggles)


async def arrange_tree(db: Database) -> None:
    """A district (five-sector allowed, switched on by choice at two communities) and a third
    community whose switch the load flips."""
    district = make_tenant(None, "soak-d", "district", "区")
    kids = [make_tenant(district, slug, "community", "社区") for slug in (*COMMUNITIES, TOGGLED)]
    async with db.session(write=True) as session:
        session.add(district)
        await session.flush()
        session.add_all(kids)
        await session.flush()
        session.add(ModulePolicy(tenant_id=district.id, module=MODULE, policy="allowed"))
        for kid in kids:
            session.add(ModuleChoice(tenant_id=kid.id, module=MODULE, enabled=True))


def _url(tenant: str, path: str) -> str:
    return f"/api/v1/tenants/{tenant}/five-sector{path}"


async def arrange_data(http: httpx.AsyncClient) -> Targets:
    targets = Targets()
    for tenant in COMMUNITIES:
        targets.volunteers[tenant] = []
        targets.resources[tenant] = []
        for i in range(4):
            r = await http.post(
                _url(tenant, "/volunteers"),
                json={"name": f"志愿者{i}", "volunteer_number": f"{tenant}-{i}"},
            )
            r.raise_for_status()
            targets.volunteers[tenant].append(r.json()["id"])
        for _ in range(2):
            r = await http.post(
                _url(tenant, "/charity-resources"),
                json={
                    "kind": "money",
                    "donor_kind": "enterprise",
                    "donor_name": "某公司",
                    "description": "慈善基金",
                    "quantity": 200_000,
                    "received_on": "2026-03-01",
                },
            )
            r.raise_for_status()
            targets.resources[tenant].append(r.json()["id"])
    return targets


class Driver:
    """Workers sending a random mix until the deadline (or until the server goes away)."""

    def __init__(self, base_url: str, token: str, targets: Targets, ledger: Ledger) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"}
        self.targets = targets
        self.ledger = ledger

    async def _send(self, http: httpx.AsyncClient, method: str, url: str, body: Any = None) -> Any:
        response = await http.request(method, url, json=body)
        self.ledger.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.ledger.server_errors.append(f"{method} {url}: {response.text[:300]}")
        return response

    async def entry(self, http: httpx.AsyncClient, rng: random.Random) -> None:
        tenant = rng.choice(COMMUNITIES)
        volunteer = rng.choice(self.targets.volunteers[tenant])
        minutes = rng.choice((15, 30, 45, 60, 90, 120))
        r = await self._send(
            http,
            "POST",
            _url(tenant, f"/volunteers/{volunteer}/entries"),
            {
                "hours": f"{minutes / 60:.2f}",
                "served_on": "2026-03-01",
                "content": "巡逻",
                "verified_by": "王主任",
            },
        )
        if r.status_code == 201:
            self.ledger.entries[r.json()["id"]] = (volunteer, minutes)

    async def allocation(self, http: httpx.AsyncClient, rng: random.Random) -> None:
        tenant = rng.choice(COMMUNITIES)
        resource = rng.choice(self.targets.resources[tenant])
        amount = rng.randint(1, 9_000)
        r = await self._send(
            http,
            "POST",
            _url(tenant, f"/charity-resources/{resource}/allocations"),
            {"amount": amount, "project": "助老"},
        )
        if r.status_code == 201:
            self.ledger.allocations[r.json()["id"]] = (resource, amount)

    async def activity(self, http: httpx.AsyncClient, rng: random.Random) -> None:
        tenant = rng.choice(COMMUNITIES)
        volunteer = rng.choice(self.targets.volunteers[tenant])
        r = await self._send(
            http,
            "POST",
            _url(tenant, "/activities"),
            {
                "title": "清洁家园",
                "category": "服务类",
                "place": "小区",
                "starts_at": "2026-03-01T01:00:00Z",
                "ends_at": "2026-03-01T02:00:00Z",
            },
        )
        if r.status_code != 201:
            return
        activity = r.json()["id"]
        r = await self._send(
            http,
            "POST",
            _url(tenant, f"/activities/{activity}/participants"),
            {"role": "volunteer", "volunteer_id": volunteer},
        )
        if r.status_code != 201:
            return
        participant = r.json()["id"]
        path = f"/activities/{activity}/participants/{participant}/check-in"
        r = await self._send(http, "POST", _url(tenant, path))
        if r.status_code >= 300:
            return
        r = await self._send(
            http, "POST", _url(tenant, f"/activities/{activity}/close"), {"verified_by": "王主任"}
        )
        if r.status_code == 200:
            self.ledger.closes[activity] = volunteer

    async def toggle(self, http: httpx.AsyncClient, rng: random.Random) -> None:
        enabled = rng.random() < 0.5
        r = await self._send(
            http, "PUT", f"/api/v1/tenants/{TOGGLED}/modules/{MODULE}", {"enabled": enabled}
        )
        if r.status_code == 200:
            self.ledger.toggles.append(enabled)

    async def read(self, http: httpx.AsyncClient, rng: random.Random) -> None:
        tenant = rng.choice((*COMMUNITIES, TOGGLED))
        path = rng.choice(
            (
                _url(tenant, "/volunteers"),
                _url(tenant, "/activities"),
                "/api/v1/tenants/soak-d/metrics",
            )
        )
        await self._send(http, "GET", path)

    async def worker(self, n: int, deadline: float, toggler: bool) -> None:
        rng = random.Random(n)
        writes = (self.entry, self.entry, self.allocation, self.activity)
        async with httpx.AsyncClient(
            base_url=self.base_url, headers=self.headers, timeout=30
        ) as http:
            while time.monotonic() < deadline:
                try:
                    if toggler:
                        await self.toggle(http, rng)
                        await asyncio.sleep(0.05)
                    elif rng.random() < 0.3:
                        await self.read(http, rng)
                    else:
                        await rng.choice(writes)(http, rng)
                except httpx.TransportError:
                    self.ledger.transport_errors += 1
                    await asyncio.sleep(0.05)

    async def run(self, seconds: float, workers: int) -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(self.worker(n, deadline, n == 0) for n in range(workers)))


async def verify(db: Database, host: PluginHost, ledger: Ledger, *, exact: bool) -> list[str]:
    """What is wrong with the stored data given what was acknowledged. ``exact`` (no crash):
    the stored writes are exactly the acknowledged ones; otherwise they include them."""
    problems: list[str] = []
    async with db.session() as session:
        entries = {str(e.id): e for e in await session.scalars(select(ServiceEntry))}
        for entry_id, (volunteer, minutes) in ledger.entries.items():
            stored = entries.get(entry_id)
            if stored is None or str(stored.volunteer_id) != volunteer or stored.minutes != minutes:
                problems.append(f"acknowledged entry {entry_id} missing or altered")
        credits = Counter(
            (str(e.activity_id), str(e.volunteer_id)) for e in entries.values() if e.activity_id
        )
        for activity, volunteer in ledger.closes.items():
            if credits[(activity, volunteer)] != 1:
                problems.append(
                    f"closed activity {activity}: {credits[(activity, volunteer)]} credits"
                )
        allocations = {str(a.id): a for a in await session.scalars(select(Allocation))}
        for allocation_id, (resource, amount) in ledger.allocations.items():
            stored_a = allocations.get(allocation_id)
            if (
                stored_a is None
                or str(stored_a.resource_id) != resource
                or stored_a.amount != amount
            ):
                problems.append(f"acknowledged allocation {allocation_id} missing or altered")
        for stock in await session.scalars(select(CharityResource)):
            if stock.balance < 0:
                problems.append(f"resource {stock.id} balance {stock.balance} < 0")
        if exact:
            manual = {k for k, e in entries.items() if e.activity_id is None}
            if manual != set(ledger.entries):
                problems.append(
                    f"{len(manual ^ set(ledger.entries))} entries stored but not acknowledged"
                )
            if set(allocations) != set(ledger.allocations):
                problems.append("allocations stored but not acknowledged")
        if ledger.toggles:
            toggled = await session.scalar(select(Tenant).where(Tenant.slug == TOGGLED))
            assert toggled is not None
            choice = await session.scalar(
                select(ModuleChoice.enabled).where(
                    ModuleChoice.tenant_id == toggled.id, ModuleChoice.module == MODULE
                )
            )
            if exact and choice != ledger.toggles[-1]:
                problems.append(
                    f"module switch is {choice}, last acknowledged {ledger.toggles[-1]}"
                )
        per_volunteer = dict(
            (
                await session.execute(
                    select(ServiceEntry.volunteer_id, func.sum(ServiceEntry.minutes)).group_by(
                        ServiceEntry.volunteer_id
                    )
                )
            ).all()
        )
        acked: Counter[str] = Counter()
        for volunteer, minutes in ledger.entries.values():
            acked[volunteer] += minutes
        for volunteer_id, total in per_volunteer.items():
            if total < acked[str(volunteer_id)]:
                problems.append(f"volunteer {volunteer_id}: {total} min stored < acknowledged")
    for plugin, violations in (await check_invariants(db, host)).items():
        problems += [f"{plugin}: {v}" for v in violations]
    return problems


async def api_totals_match(http: httpx.AsyncClient, db: Database) -> list[str]:
    """Each volunteer's total hours as the API reports it equals the sum of their entries."""
    problems: list[str] = []
    async with db.session() as session:
        sums = dict(
            (
                await session.execute(
                    select(ServiceEntry.volunteer_id, func.sum(ServiceEntry.minutes)).group_by(
                        ServiceEntry.volunteer_id
                    )
                )
            ).all()
        )
    for tenant in COMMUNITIES:
        volunteers: list[dict[str, Any]] = []
        while True:
            listed = await http.get(
                _url(tenant, "/volunteers"), params={"limit": 200, "offset": len(volunteers)}
            )
            listed.raise_for_status()
            page = listed.json()
            volunteers += page["items"]
            if not page["items"] or len(volunteers) >= page["total"]:
                break
        for volunteer in volunteers:
            expected = round(sums.get(uuid.UUID(volunteer["id"]), 0) / 60, 2)
            if abs(float(volunteer["total_hours"]) - expected) > 0.005:
                problems.append(
                    f"volunteer {volunteer['id']}: total {volunteer['total_hours']} != {expected}"
                )
    return problems
