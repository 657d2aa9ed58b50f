"""Helpers of the module-page tests: switch a module on at some tenants of the console tests'
tree, and fill and post a console form."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from core.db import Database
from core.modules.models import ModuleChoice, ModulePolicy
from core.tenancy.models import Tenant
from tests.console.conftest import csrf_of

ON = ("wangcheng", "gaotangling", "wangfulu")
"""Where the module-page tests switch their module on; 雷锋路社区 (leifenglu) keeps it off."""


async def switch_on(db: Database, module: str, slugs: tuple[str, ...] = ON) -> None:
    """``module`` allowed at the district and chosen at ``slugs`` (off elsewhere)."""
    async with db.session(write=True) as session:
        ids = {slug: id_ for slug, id_ in await session.execute(select(Tenant.slug, Tenant.id))}
        session.add(ModulePolicy(tenant_id=ids["wangcheng"], module=module, policy="allowed"))
        for slug in slugs:
            session.add(ModuleChoice(tenant_id=ids[slug], module=module, enabled=True))


async def created(client: AsyncTestClient[Litestar], url: str, **fields: str) -> str:
    """Fill the form at ``url`` and post it; the console address it redirects to."""
    form = await client.get(url)
    assert form.status_code == 200, form.text
    answer = await client.post(
        url, data={"csrf_token": csrf_of(form.text), **fields}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


async def acted(client: AsyncTestClient[Litestar], detail: str, action: str, **fields: str) -> None:
    """Post the action form ``action`` of the record page ``detail``; it must succeed."""
    page = await client.get(detail)
    assert page.status_code == 200, page.text
    assert f'data-form="{action}"' in page.text
    answer = await client.post(
        f"{detail}/{action}",
        data={"csrf_token": csrf_of(page.text), **fields},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


async def gone_where_off(
    client: AsyncTestClient[Litestar], module: str, slugs: list[str], tenant: str = "leifenglu"
) -> None:
    """No navigation entry for ``module`` at ``tenant`` and every resource page 404s."""
    home = await client.get(f"/console/t/{tenant}")
    assert home.status_code == 200
    assert f'data-module="{module}"' not in home.text
    for slug in slugs:
        answer = await client.get(f"/console/t/{tenant}/m/{module}/{slug}")
        assert answer.status_code == 404, slug
