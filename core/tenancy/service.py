"""Operations on the tenant tree, shared by the API and declarative provisioning.

Every function works inside the caller's session and transaction and never commits, so a request
(or one ``tenants apply``) is all-or-nothing. Rules are checked before anything is written;
uniqueness is checked before insert and backed by the database's unique constraints.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, bindparam, case, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.db import across_tree
from core.errors import Conflict
from core.orm import utcnow
from core.settings import Settings
from core.statements import Query
from core.tenancy import rules
from core.tenancy.models import TENANT_STATUSES, Tenant, path_segment
from core.tenancy.rules import RuleError

LIST_LIMIT_DEFAULT = 50
LIST_LIMIT_MAX = 200
AUDITED_FIELDS = (
    "parent_id",
    "slug",
    "name",
    "name_en",
    "level",
    "kind",
    "division_code",
    "division_year",
    "status",
)


class DuplicateError(Conflict):
    """Another tenant already holds this slug or division code (409)."""

    def __init__(self, field: str, value: str) -> None:
        self.field = field
        self.message_en = f"{value!r} is already used by another tenant"
        super().__init__(
            "标识已被其他组织使用",
            title_en="Already used by another tenant",
            detail=f"{field}: {self.message_en}",
            code=f"duplicate-{field.replace('_', '-')}",
            errors=[{"field": field, "message": "已被使用", "message_en": self.message_en}],
        )


class InactiveError(Conflict):
    """A write to a tenant that is, or lies under, a suspended or archived tenant (409)."""

    def __init__(self, tenant: Tenant, blocker: Tenant) -> None:
        self.field = "status"
        self.message_en = (
            f"tenant {blocker.slug} is {blocker.status}; "
            f"{'it' if blocker.id == tenant.id else 'its subtree'} refuses writes"
        )
        title = "组织已停用，不能修改" if blocker.status == "suspended" else "组织已归档，不能修改"
        super().__init__(
            title,
            title_en=f"Tenant is {blocker.status}",
            detail=self.message_en,
            code=f"tenant-{blocker.status}",
            blocked_by=blocker.slug,
        )


async def ancestors_of(session: AsyncSession, tenant: Tenant) -> list[Tenant]:
    """The tenant's ancestors, root first, in one query."""
    ids = tenant.ancestor_ids[:-1]
    if not ids:
        return []
    rows = (await session.execute(select(Tenant).where(Tenant.id.in_(ids)))).scalars().all()
    return sorted(rows, key=lambda t: t.depth)


_T = Tenant.__table__.c
_FIRST_INACTIVE = Query(
    select(_T.id)
    .where(_T.id.in_(bindparam("ancestor_ids", expanding=True)), _T.status != "active")
    .order_by(_T.depth)
    .limit(1),
    lambda row: cast(uuid.UUID, row.id),
)
"""The highest inactive tenant among the ancestors (built once: it runs on every write)."""


async def ensure_writable(session: AsyncSession, tenant: Tenant) -> None:
    """Raise :class:`InactiveError` unless the tenant and all its ancestors are active.

    Read from the database on every call, not from a cache, so a suspension stops writes at
    once. The highest inactive tenant is named, since reactivating it is what unblocks the rest.
    """
    blocker_id = await _FIRST_INACTIVE.first(session, ancestor_ids=tenant.ancestor_ids)
    if blocker_id is not None:
        raise InactiveError(tenant, await session.get_one(Tenant, blocker_id))


async def ensure_unique(
    session: AsyncSession,
    *,
    slug: str | None = None,
    division_code: str | None = None,
    exclude: uuid.UUID | None = None,
) -> None:
    """Raise :class:`DuplicateError` if another tenant holds ``slug`` or ``division_code``.

    Slugs and codes are unique across the whole platform, so the check looks across the tree
    whatever the request's row-level security context.
    """
    async with across_tree(session):
        await _ensure_unique(session, slug, division_code, exclude)


async def _ensure_unique(
    session: AsyncSession,
    slug: str | None,
    division_code: str | None,
    exclude: uuid.UUID | None,
) -> None:
    for field, column, value in (
        ("slug", Tenant.slug, slug),
        ("division_code", Tenant.division_code, division_code),
    ):
        if value is None:
            continue
        query = select(Tenant.id).where(column == value)
        if exclude is not None:
            query = query.where(Tenant.id != exclude)
        if (await session.execute(query.limit(1))).first() is not None:
            raise DuplicateError(field, value)


@dataclass(frozen=True, slots=True)
class NewTenant:
    """The fields of a tenant to create, before validation."""

    slug: str
    name: str
    level: str | None = None
    name_en: str | None = None
    kind: str | None = None
    division_code: str | None = None
    division_year: int | None = None
    status: str = "active"
    settings: dict[str, Any] | None = None


async def create_tenant(
    session: AsyncSession, settings: Settings, parent: Tenant | None, data: NewTenant
) -> Tenant:
    """Validate and insert a tenant under ``parent`` (a root when ``parent`` is None).

    Roots are for provisioning only; the API always passes a parent.
    """
    slug = rules.check_slug(data.slug)
    name = rules.check_name(data.name)
    name_en = rules.check_name_en(data.name_en)
    kind = rules.check_kind(data.kind)
    if parent is None:
        level = rules.check_level(settings, data.level or settings.tenant_levels[0])
    else:
        level = rules.check_level(
            settings, data.level or rules.level_below(settings, parent.level), parent.level
        )
    code = rules.check_division_code(
        data.division_code, parent.division_code if parent is not None else None
    )
    year = rules.check_division_year(data.division_year)
    status = rules.check_status(data.status)
    await ensure_unique(session, slug=slug, division_code=code)
    tenant_id = uuid.uuid4()
    prefix = parent.path if parent is not None else "/"
    tenant = Tenant(
        id=tenant_id,
        parent_id=parent.id if parent is not None else None,
        path=f"{prefix}{path_segment(tenant_id)}/",
        depth=parent.depth + 1 if parent is not None else 0,
        level=level,
        kind=kind,
        slug=slug,
        name=name,
        name_en=name_en,
        division_code=code,
        division_year=year,
        status=status,
        settings=dict(data.settings or {}),
    )
    session.add(tenant)
    await session.flush()
    await audit.record(
        session,
        action="tenants.create",
        target_type="tenant",
        target_id=tenant.id,
        tenant_id=tenant.id,
        after={f: getattr(tenant, f) for f in AUDITED_FIELDS},
    )
    return tenant


async def _parent_of(session: AsyncSession, tenant: Tenant) -> Tenant | None:
    if tenant.parent_id is None:
        return None
    return await session.get(Tenant, tenant.parent_id)


async def _child_levels_and_codes(
    session: AsyncSession, tenant: Tenant
) -> tuple[set[str], list[str]]:
    rows = (
        await session.execute(
            select(Tenant.level, Tenant.division_code).where(Tenant.parent_id == tenant.id)
        )
    ).all()
    return {row.level for row in rows}, [row.division_code for row in rows if row.division_code]


async def update_tenant(
    session: AsyncSession,
    settings: Settings,
    tenant: Tenant,
    changes: dict[str, Any],
    *,
    enforce_status: bool = True,
) -> list[str]:
    """Apply field changes after checking every rule; returns the names of changed fields.

    Status may go back to ``active`` or to ``suspended`` here; archiving has its own operation
    because it covers the subtree. A tenant that cannot be written (it or an ancestor is not
    active) accepts only a status change back to ``active``, and only when its ancestors are
    active. Provisioning passes ``enforce_status=False``: the operator's file is how inactive
    subtrees are declared and restored.
    """
    parent = await _parent_of(session, tenant)
    values: dict[str, Any] = {}
    if "slug" in changes:
        values["slug"] = rules.check_slug(changes["slug"])
    if "name" in changes:
        values["name"] = rules.check_name(changes["name"])
    if "name_en" in changes:
        values["name_en"] = rules.check_name_en(changes["name_en"])
    if "kind" in changes:
        values["kind"] = rules.check_kind(changes["kind"])
    if "division_year" in changes:
        values["division_year"] = rules.check_division_year(changes["division_year"])
    if "settings" in changes:
        values["settings"] = dict(changes["settings"])
    child_levels: set[str] | None = None
    child_codes: list[str] = []
    if "level" in changes or "division_code" in changes:
        child_levels, child_codes = await _child_levels_and_codes(session, tenant)
    if "level" in changes:
        level = rules.check_level(
            settings, changes["level"], parent.level if parent is not None else None
        )
        rules.check_level_above(settings, level, child_levels or set())
        values["level"] = level
    if "division_code" in changes:
        code = rules.check_division_code(
            changes["division_code"], parent.division_code if parent is not None else None
        )
        if code is not None:
            for child_code in child_codes:
                if not child_code.startswith(rules.significant_prefix(code)):
                    raise RuleError(
                        "division_code",
                        f"下级的区划代码 {child_code} 不在 {code} 之内",
                        f"a child's code {child_code} is not inside {code}",
                    )
        values["division_code"] = code
    if "status" in changes:
        status = rules.check_status_transition(tenant.status, changes["status"])
        if status == "archived" and tenant.status != "archived":
            raise RuleError(
                "status",
                "归档请使用 archive 操作（它覆盖整个下级）",
                "archive through the archive operation, which covers the subtree",
            )
        values["status"] = status

    values = {k: v for k, v in values.items() if getattr(tenant, k) != v}
    if not values:
        return []
    before = {k: getattr(tenant, k) for k in values}
    reactivating = values.get("status") == "active"
    if enforce_status and parent is not None and (reactivating or tenant.status == "active"):
        await ensure_writable(session, parent)
    if (
        enforce_status
        and tenant.status != "active"
        and not reactivating
        and set(values) - {"status"}
    ):
        await ensure_writable(session, tenant)
    await ensure_unique(
        session,
        slug=values.get("slug"),
        division_code=values.get("division_code"),
        exclude=tenant.id,
    )
    for key, value in values.items():
        setattr(tenant, key, value)
    tenant.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        action="tenants.update",
        target_type="tenant",
        target_id=tenant.id,
        tenant_id=tenant.id,
        before=before,
        after=values,
    )
    return sorted(values)


async def move_tenant(
    session: AsyncSession,
    settings: Settings,
    tenant: Tenant,
    new_parent: Tenant | None,
    *,
    enforce_status: bool = True,
) -> bool:
    """Re-parent ``tenant`` and its whole subtree; returns False when nothing had to change.

    Paths and depths of the subtree are rewritten in one UPDATE that swaps the old path prefix
    for the new one, inside the caller's transaction. ``new_parent=None`` makes the tenant a
    root (provisioning only). The new parent's subtree must accept writes unless
    ``enforce_status`` is False (provisioning).
    """
    if (new_parent.id if new_parent is not None else None) == tenant.parent_id:
        return False
    if new_parent is not None:
        rules.check_not_cycle(tenant.path, new_parent.path)
        rules.check_level(settings, tenant.level, new_parent.level)
        if tenant.division_code is not None:
            rules.check_division_code(tenant.division_code, new_parent.division_code)
        if enforce_status:
            await ensure_writable(session, new_parent)
    old_prefix = tenant.path
    old_parent_id = tenant.parent_id
    new_prefix = (new_parent.path if new_parent is not None else "/") + path_segment(tenant.id)
    new_prefix += "/"
    new_depth = new_parent.depth + 1 if new_parent is not None else 0
    delta = new_depth - tenant.depth
    new_parent_id = new_parent.id if new_parent is not None else None
    await session.execute(
        update(Tenant)
        .where(Tenant.path.startswith(old_prefix))
        .values(
            path=literal(new_prefix) + func.substr(Tenant.path, len(old_prefix) + 1),
            depth=Tenant.depth + delta,
            parent_id=case(
                (Tenant.id == tenant.id, literal(new_parent_id, Tenant.parent_id.type)),
                else_=Tenant.parent_id,
            ),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(tenant)
    await audit.record(
        session,
        action="tenants.move",
        target_type="tenant",
        target_id=tenant.id,
        tenant_id=tenant.id,
        before={"parent_id": old_parent_id, "path": old_prefix},
        after={"parent_id": new_parent_id, "path": tenant.path},
    )
    return True


async def archive_tenant(session: AsyncSession, tenant: Tenant) -> int:
    """Archive the tenant and every tenant below it; deletes nothing. Returns rows changed."""
    before = tenant.status
    result = await session.execute(
        update(Tenant)
        .where(Tenant.path.startswith(tenant.path), Tenant.status != "archived")
        .values(status="archived", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.refresh(tenant)
    changed = int(result.rowcount)  # type: ignore[attr-defined]
    await audit.record(
        session,
        action="tenants.archive",
        target_type="tenant",
        target_id=tenant.id,
        tenant_id=tenant.id,
        before={"status": before},
        after={"status": "archived", "tenants_archived": changed},
    )
    return changed


@dataclass(frozen=True, slots=True)
class ListFilter:
    """Filters of the list endpoints. Archived tenants appear only when ``status`` asks."""

    level: str | None = None
    kind: str | None = None
    status: str | None = None
    q: str | None = None
    limit: int = LIST_LIMIT_DEFAULT
    offset: int = 0

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.level is not None:
            found.append(Tenant.level == self.level)
        if self.kind is not None:
            found.append(Tenant.kind == self.kind)
        if self.status is not None:
            rules.check_status(self.status)
            found.append(Tenant.status == self.status)
        else:
            found.append(Tenant.status != "archived")
        if self.q:
            needle = f"%{self.q.lower()}%"
            found.append(
                func.lower(Tenant.name).like(needle)
                | func.lower(func.coalesce(Tenant.name_en, "")).like(needle)
                | Tenant.slug.like(needle)
                | func.coalesce(Tenant.division_code, "").like(needle)
            )
        return found


async def _page(
    session: AsyncSession, query: Select[Tenant], flt: ListFilter
) -> tuple[Sequence[Tenant], int]:
    query = query.where(*flt.clauses())
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    ordered = query.order_by(
        Tenant.depth,
        Tenant.division_code.is_(None),
        Tenant.division_code,
        Tenant.slug,
    )
    rows = (await session.execute(ordered.limit(flt.limit).offset(flt.offset))).scalars().all()
    return rows, int(total)


async def list_children(
    session: AsyncSession, tenant: Tenant, flt: ListFilter
) -> tuple[Sequence[Tenant], int]:
    """Direct children matching ``flt``, ordered by division code then slug."""
    return await _page(session, select(Tenant).where(Tenant.parent_id == tenant.id), flt)


async def list_subtree(
    session: AsyncSession, tenant: Tenant, flt: ListFilter, depth: int | None = None
) -> tuple[Sequence[Tenant], int]:
    """Descendants (not the tenant itself) down to ``depth`` levels below it (all if None)."""
    query = select(Tenant).where(Tenant.path.startswith(tenant.path), Tenant.id != tenant.id)
    if depth is not None:
        query = query.where(Tenant.depth <= tenant.depth + depth)
    return await _page(session, query, flt)


__all__ = [
    "LIST_LIMIT_DEFAULT",
    "LIST_LIMIT_MAX",
    "TENANT_STATUSES",
    "DuplicateError",
    "InactiveError",
    "ListFilter",
    "NewTenant",
    "ancestors_of",
    "archive_tenant",
    "create_tenant",
    "ensure_unique",
    "ensure_writable",
    "list_children",
    "list_subtree",
    "move_tenant",
    "update_tenant",
]
