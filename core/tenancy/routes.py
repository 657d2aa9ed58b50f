"""HTTP routes of the tenant tree under ``/api/v1/tenants``.

``{tenant_key}`` is a slug or a division code; the ``tenant`` dependency resolves it, checks the
permission each route declares in ``opt`` and refuses writes to inactive subtrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from litestar import Controller, Request, get, patch, post
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import DbContext, across_tree, current_context, set_context
from core.errors import NotFound
from core.identity.access import authorize
from core.modules.lifecycle import announce_tenant_created
from core.paging import Paging, page_of
from core.settings import Settings
from core.tenancy import service
from core.tenancy.models import Tenant
from core.tenancy.resolve import find_tenant
from core.tenancy.schemas import TenantCreate, TenantMove, TenantOut, TenantPage, TenantUpdate
from core.tenancy.service import ListFilter, NewTenant

READ = {"permission": "tenants:read"}
WRITE = {"permission": "tenants:write"}

TextFilter = Annotated[str | None, Parameter(max_length=100)]
StatusFilter = Annotated[Literal["active", "suspended", "archived"] | None, Parameter()]


def _filter(
    level: str | None, kind: str | None, status: str | None, q: str | None, paging: Paging
) -> ListFilter:
    return ListFilter(
        level=level, kind=kind, status=status, q=q, limit=paging.limit, offset=paging.offset
    )


def _page(items: Sequence[Tenant], total: int, paging: Paging) -> TenantPage:
    return page_of([TenantOut.of(t) for t in items], paging, total)


def common_path(first: str, second: str) -> str:
    """The path of the nearest common ancestor of two tenants (``"/"`` for different roots)."""
    common = "/"
    for a, b in zip(first.strip("/").split("/"), second.strip("/").split("/"), strict=False):
        if a != b:
            break
        common += a + "/"
    return common


class TenantController(Controller):
    """The tenant tree: read a node, its children or subtree; create, edit, move, archive."""

    path = "/api/v1/tenants"
    tags = ["tenants"]  # noqa: RUF012

    @get("/{tenant_key:str}", opt=READ, summary="One tenant with its ancestors")
    async def read(self, session: AsyncSession, tenant: Tenant) -> TenantOut:
        return TenantOut.of(tenant, await service.ancestors_of(session, tenant))

    @get("/{tenant_key:str}/children", opt=READ, summary="Direct children, paginated")
    async def children(
        self,
        session: AsyncSession,
        tenant: Tenant,
        paging: Paging,
        level: TextFilter = None,
        kind: TextFilter = None,
        status: StatusFilter = None,
        q: TextFilter = None,
    ) -> TenantPage:
        items, total = await service.list_children(
            session, tenant, _filter(level, kind, status, q, paging)
        )
        return _page(items, total, paging)

    @get("/{tenant_key:str}/subtree", opt=READ, summary="Descendants down to depth N, paginated")
    async def subtree(
        self,
        session: AsyncSession,
        tenant: Tenant,
        paging: Paging,
        depth: Annotated[int | None, Parameter(ge=1, le=32)] = None,
        level: TextFilter = None,
        kind: TextFilter = None,
        status: StatusFilter = None,
        q: TextFilter = None,
    ) -> TenantPage:
        items, total = await service.list_subtree(
            session, tenant, _filter(level, kind, status, q, paging), depth
        )
        return _page(items, total, paging)

    @post("/{tenant_key:str}/children", opt=WRITE, summary="Create a child tenant")
    async def create_child(
        self, session: AsyncSession, state: State, tenant: Tenant, data: TenantCreate
    ) -> TenantOut:
        settings: Settings = state.settings
        child = await service.create_tenant(
            session,
            settings,
            tenant,
            NewTenant(
                slug=data.slug,
                name=data.name,
                level=data.level,
                name_en=data.name_en,
                kind=data.kind,
                division_code=data.division_code,
                division_year=data.division_year,
                settings=data.settings,
            ),
        )
        await announce_tenant_created(session, state.host, state.module_states, child)
        return TenantOut.of(child)

    @patch(
        "/{tenant_key:str}",
        opt={**WRITE, "allow_inactive": True},
        summary="Change fields or status (suspend / reactivate)",
    )
    async def update(
        self, session: AsyncSession, state: State, tenant: Tenant, data: TenantUpdate
    ) -> TenantOut:
        await service.update_tenant(session, state.settings, tenant, data.changes())
        return TenantOut.of(tenant)

    @post(
        "/{tenant_key:str}/move",
        opt=WRITE,
        status_code=200,
        summary="Re-parent the tenant and its subtree",
    )
    async def move(
        self,
        request: Request,  # type: ignore[type-arg]
        session: AsyncSession,
        state: State,
        tenant: Tenant,
        data: TenantMove,
    ) -> TenantOut:
        missing = NotFound("上级组织", detail=f"parent: no tenant {data.parent!r}")
        async with across_tree(session):
            new_parent = await find_tenant(session, data.parent)
            if new_parent is None:
                raise missing
            await authorize(request, session, new_parent, "tenants:write", not_found=missing)
        # The move rewrites rows under the old and the new parent: authorised at both, the
        # transaction continues in the context of their nearest common ancestor.
        await set_context(
            session,
            DbContext(
                tenant_path=common_path(tenant.path, new_parent.path),
                user_id=current_context(session).user_id,
            ),
        )
        await service.move_tenant(session, state.settings, tenant, new_parent)
        return TenantOut.of(tenant)

    @post(
        "/{tenant_key:str}/archive",
        opt={**WRITE, "allow_inactive": True},
        status_code=200,
        summary="Archive the tenant and its subtree (nothing is deleted)",
    )
    async def archive(self, session: AsyncSession, tenant: Tenant) -> TenantOut:
        await service.archive_tenant(session, tenant)
        return TenantOut.of(tenant)


ROUTES: list[ControllerRouterHandler] = [TenantController]
