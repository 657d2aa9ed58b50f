"""Fixtures of the console tests: a small tree, five-sector required, and its administrators.

望城区 (district) with 高塘岭街道 (town) and its communities 望府路社区 and 雷锋路社区, and an
unrelated district 岳麓区. ``wc-admin`` administers the district, ``wfl-admin`` 望府路社区 and
``lfl-admin`` 雷锋路社区.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.modules.isolation_matrix import make_tenant
from core.modules.models import ModuleChoice, ModulePolicy
from core.testing import MakeUser, companion_client

PASSWORD = "correct-horse-battery"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass(frozen=True)
class ConsoleTree:
    district: str = "wangcheng"
    town: str = "gaotangling"
    community: str = "wangfulu"
    sibling: str = "leifenglu"
    other: str = "yuelu"


@pytest.fixture
async def tree(db: Database, make_user: MakeUser) -> ConsoleTree:
    district = make_tenant(None, "wangcheng", "district", "区", "望城区")
    town = make_tenant(district, "gaotangling", "town", "街道", "高塘岭街道")
    community = make_tenant(town, "wangfulu", "community", "社区", "望府路社区")
    sibling = make_tenant(town, "leifenglu", "community", "社区", "雷锋路社区")
    other = make_tenant(None, "yuelu", "district", "区", "岳麓区")
    async with db.session(write=True) as session:
        for tenant in (district, town, community, sibling, other):
            session.add(tenant)
            await session.flush()
        session.add(ModulePolicy(tenant_id=district.id, module="five-sector", policy="allowed"))
        for tenant in (district, town, community, sibling):
            session.add(ModuleChoice(tenant_id=tenant.id, module="five-sector", enabled=True))
    await make_user("wc-admin", [("wangcheng", "admin")])
    await make_user("wfl-admin", [("wangfulu", "admin")])
    await make_user("lfl-admin", [("leifenglu", "admin")])
    return ConsoleTree()


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


@pytest.fixture
def browser(app: Litestar, client: AsyncTestClient[Litestar]) -> AsyncTestClient[Litestar]:
    """A browser-like client with its own cookies, signed in as nobody (the app runs under
    ``client``, which started its lifespan once)."""
    return companion_client(client)


SignIn = Callable[[str], Awaitable[AsyncTestClient[Litestar]]]


@pytest.fixture
async def sign_in(app: Litestar, client: AsyncTestClient[Litestar]) -> Any:
    """``await sign_in("wc-admin")``: a new browser-like client logged in through the form.

    The app runs under ``client`` (which started its lifespan); each browser is a client of its
    own with its own cookies.
    """
    clients: list[AsyncTestClient[Litestar]] = []

    async def sign(username: str) -> AsyncTestClient[Litestar]:
        browser = companion_client(client)
        clients.append(browser)
        page = await browser.get("/console/login")
        answer = await browser.post(
            "/console/login",
            data={
                "csrf_token": csrf_of(page.text),
                "username": username,
                "password": PASSWORD,
                "next": "/console",
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return browser

    yield sign
    clients.clear()
