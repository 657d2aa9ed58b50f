"""The append-only audit log: who changed what, where, when, from which request.

Services call :func:`record` inside the request's transaction, so an audit row exists exactly
when the change it describes was committed; it is appended through an INSERT built once, not
through the ORM. Actor, request id and client address come from the
request context the authentication middleware sets. Nothing in the application updates or
deletes audit rows: the session refuses to flush such a change and to execute a bulk UPDATE or
DELETE on ``audit_log``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get
from litestar.di import Provide
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler
from sqlalchemy import Index, Select, String, Uuid, and_, event, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.session import ORMExecuteState

from core.errors import Invalid, problem_responses
from core.export import Column, ExportFormat, ExportOperation, export_response
from core.orm import Base, JSONType, UTCDateTime, UUIDPrimaryKey, utcnow
from core.paging import Page, Paging, paginate
from core.statements import Insert
from core.tenancy.models import Tenant

RECORDED_KEY = "gongzhi_audit_recorded"


class AuditRecord(UUIDPrimaryKey, Base):
    """One audited change. ``tenant_id`` is None for platform-wide actions (e.g. a global login)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_tenant_id_created_at", "tenant_id", "created_at"),)

    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    actor_username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(200))
    target_type: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True, slots=True)
class AuditContext:
    """What the current request contributes to every audit row it writes."""

    actor_id: uuid.UUID | None = None
    actor_username: str | None = None
    request_id: str | None = None
    client_address: str | None = None


audit_context: ContextVar[AuditContext | None] = ContextVar("gongzhi_audit", default=None)


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, uuid.UUID):
            out[key] = str(value)
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


_APPEND = Insert(AuditRecord, flush_first=False)
"""The audit row's INSERT, built once. ``audit_log`` has no foreign key, so the session's own
pending rows keep their flush where it was."""
_NO_CONTEXT = AuditContext()


async def record(
    session: AsyncSession,
    *,
    action: str,
    target_type: str,
    target_id: uuid.UUID | str | None,
    tenant_id: uuid.UUID | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_id: uuid.UUID | None = None,
    actor_username: str | None = None,
) -> uuid.UUID:
    """Append an audit row in ``session``'s transaction and return its id; ``actor_*`` override
    the request's actor (a login has no actor until it succeeds).

    The row is inserted at once, through a statement built once and under the transaction's
    row-level-security context, and is committed or rolled back with everything else the
    transaction wrote; no ORM object stands for it in the session."""
    ctx = audit_context.get() or _NO_CONTEXT
    row_id = uuid.uuid4()
    await _APPEND.add(
        session,
        {
            "id": row_id,
            "tenant_id": tenant_id,
            "actor_id": actor_id or ctx.actor_id,
            "actor_username": actor_username or ctx.actor_username,
            "action": action,
            "target_type": target_type,
            "target_id": None if target_id is None else str(target_id),
            "before": _jsonable(before),
            "after": _jsonable(after),
            "request_id": ctx.request_id,
            "client_address": ctx.client_address,
            "created_at": utcnow(),
        },
    )
    session.info[RECORDED_KEY] = True
    return row_id


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditRecord) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise AuditLogIsAppendOnly("audit rows are never updated or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditRecord for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("audit rows are never updated or deleted")


async def record_request(session: AsyncSession, request: Request[Any, Any, Any]) -> None:
    """The generic record of a state-changing request that recorded nothing itself."""
    state = request.scope.get("state", {})
    template = request.scope.get("path_template") or request.url.path
    await record(
        session,
        action=f"{request.method} {template}",
        target_type="request",
        target_id=None,
        tenant_id=state.get("audit_tenant_id"),
    )


class AuditEntry(msgspec.Struct, kw_only=True):
    """One audit record as the API shows it; ``actor`` is the username at the time, ``tenant_slug``
    and ``tenant_name`` name the tenant where it happened."""

    id: uuid.UUID
    time: datetime
    tenant_id: uuid.UUID | None
    tenant_slug: str | None
    tenant_name: str | None
    actor_id: uuid.UUID | None
    actor: str | None
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    client_address: str | None


def _view(row: AuditRecord, tenants: dict[uuid.UUID, tuple[str, str]]) -> AuditEntry:
    slug, name = tenants.get(row.tenant_id, (None, None)) if row.tenant_id else (None, None)
    return AuditEntry(
        id=row.id,
        time=row.created_at,
        tenant_id=row.tenant_id,
        tenant_slug=slug,
        tenant_name=name,
        actor_id=row.actor_id,
        actor=row.actor_username,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        before=row.before,
        after=row.after,
        request_id=row.request_id,
        client_address=row.client_address,
    )


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What a reader of the audit log narrowed it to; every field None means everything."""

    actor: str | None = None
    action: str | None = None
    module: str | None = None
    route: str | None = None
    tenant: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def provide_audit_filter(
    actor: Annotated[
        str | None, Parameter(max_length=64, description="操作人用户名 / username")
    ] = None,
    action: Annotated[
        str | None,
        Parameter(
            max_length=200,
            description="操作，如 users.create；以 * 结尾为前缀 / action, e.g. users.create; "
            "a trailing * matches a prefix (users.*)",
        ),
    ] = None,
    module: Annotated[
        str | None,
        Parameter(
            max_length=64,
            description="模块名：该模块的操作及开关 / a module: its actions, routes and switches",
        ),
    ] = None,
    route: Annotated[
        str | None,
        Parameter(max_length=200, description="操作或接口路径包含 / action or route contains"),
    ] = None,
    one_tenant: Annotated[
        str | None,
        Parameter(
            query="tenant",
            max_length=63,
            description="子树中某一组织（标识、区划代码或 id），只看其本级记录 / one tenant of the "
            "subtree (slug, division code or id): its own records only",
        ),
    ] = None,
    target_type: Annotated[str | None, Parameter(max_length=64)] = None,
    target_id: Annotated[str | None, Parameter(max_length=64)] = None,
    since: Annotated[
        datetime | None,
        Parameter(description="起始时间（含），须带时区 / from (ISO 8601 with offset)"),
    ] = None,
    until: Annotated[
        datetime | None,
        Parameter(description="截止时间（不含），须带时区 / before (ISO 8601 with offset)"),
    ] = None,
) -> AuditFilter:
    """The ``audit_filter`` dependency: the audit log's filters from the query string.

    It raises nothing of its own (a dependency failing beside the session would cut the
    session's clean-up short); :func:`audit_query` checks the values."""
    return AuditFilter(
        actor=actor or None,
        action=action or None,
        module=module or None,
        route=route or None,
        tenant=one_tenant or None,
        target_type=target_type or None,
        target_id=target_id or None,
        since=since,
        until=until,
    )


async def _tenant_in_subtree(session: AsyncSession, root: Tenant, key: str) -> Tenant:
    """The tenant of ``root``'s subtree that ``key`` names; 422 naming ``tenant`` when none does
    (a tenant outside the subtree reads exactly like one that does not exist)."""
    query = select(Tenant).where(Tenant.path.startswith(root.path, autoescape=True))
    try:
        found = await session.scalar(query.where(Tenant.id == uuid.UUID(key)))
    except ValueError:
        column = Tenant.division_code if key.isdigit() else Tenant.slug
        found = await session.scalar(query.where(column == key))
    if found is None:
        raise Invalid(
            "tenant", "本组织范围内没有此组织", message_en=f"no tenant {key!r} in this subtree"
        )
    return found


async def audit_query(
    session: AsyncSession, tenant: Tenant, where: AuditFilter
) -> Select[AuditRecord]:
    """The records of ``tenant``'s subtree that ``where`` selects, newest first; 422 for a
    time without a UTC offset or a ``tenant`` outside the subtree."""
    for name, value in (("since", where.since), ("until", where.until)):
        if value is not None and value.tzinfo is None:
            raise Invalid(name, "时间须带时区", message_en="needs a UTC offset, e.g. Z")
    query = select(AuditRecord)
    if where.tenant is not None:
        one = await _tenant_in_subtree(session, tenant, where.tenant)
        query = query.where(AuditRecord.tenant_id == one.id)
    else:
        subtree = select(Tenant.id).where(Tenant.path.startswith(tenant.path, autoescape=True))
        query = query.where(AuditRecord.tenant_id.in_(subtree))
    if where.actor is not None:
        query = query.where(AuditRecord.actor_username == where.actor)
    if where.action is not None:
        if where.action.endswith("*"):
            query = query.where(
                AuditRecord.action.startswith(where.action.rstrip("*"), autoescape=True)
            )
        else:
            query = query.where(AuditRecord.action == where.action)
    if where.module is not None:
        query = query.where(
            or_(
                AuditRecord.action.startswith(f"{where.module}.", autoescape=True),
                AuditRecord.action.contains(f"/{{tenant_key}}/{where.module}/", autoescape=True),
                AuditRecord.action.endswith(f"/{{tenant_key}}/{where.module}", autoescape=True),
                and_(AuditRecord.target_type == "module", AuditRecord.target_id == where.module),
            )
        )
    if where.route is not None:
        query = query.where(AuditRecord.action.contains(where.route, autoescape=True))
    if where.target_type is not None:
        query = query.where(AuditRecord.target_type == where.target_type)
    if where.target_id is not None:
        query = query.where(AuditRecord.target_id == where.target_id)
    if where.since is not None:
        query = query.where(AuditRecord.created_at >= where.since)
    if where.until is not None:
        query = query.where(AuditRecord.created_at < where.until)
    return query.order_by(AuditRecord.created_at.desc(), AuditRecord.id)


async def _tenant_names(
    session: AsyncSession, rows: Sequence[AuditRecord]
) -> dict[uuid.UUID, tuple[str, str]]:
    ids = {row.tenant_id for row in rows if row.tenant_id is not None}
    if not ids:
        return {}
    found = await session.execute(
        select(Tenant.id, Tenant.slug, Tenant.name).where(Tenant.id.in_(ids))
    )
    return {tid: (slug, name) for tid, slug, name in found}


@get(
    "/api/v1/tenants/{tenant_key:str}/audit",
    opt={"permission": "audit:read"},
    summary="审计日志 / The audit log of this tenant's subtree, newest first",
    dependencies={"audit_filter": Provide(provide_audit_filter, sync_to_thread=False)},
    responses=problem_responses(422),
)
async def list_audit(
    session: AsyncSession, tenant: Tenant, paging: Paging, audit_filter: AuditFilter
) -> Page[AuditEntry]:
    """Records of the tenant and its descendants, filtered by actor (username), action (exact,
    or a prefix ending in ``*``), module, route, one tenant of the subtree, target, and time
    (``since`` inclusive, ``until`` exclusive, ISO 8601 with offset)."""
    page = await paginate(
        session, await audit_query(session, tenant, audit_filter), paging, lambda r: r
    )
    names = await _tenant_names(session, page.items)
    return Page(
        items=[_view(row, names) for row in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


EXPORT_MAX_ROWS = 10_000
"""The most records one export holds (the newest that match); narrow the filters for more."""

AUDIT_COLUMNS = (
    Column("time", "时间"),
    Column("tenant_name", "组织"),
    Column("tenant_slug", "组织标识"),
    Column("actor", "操作人"),
    Column("action", "操作"),
    Column("target_type", "对象类型"),
    Column("target_id", "对象"),
    Column("before", "变更前", value=lambda e: _json_text(e.before)),
    Column("after", "变更后", value=lambda e: _json_text(e.after)),
    Column("request_id", "请求号"),
    Column("client_address", "来源地址"),
)


def _json_text(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


@get(
    "/api/v1/tenants/{tenant_key:str}/audit/export",
    opt={"permission": "audit:read"},
    summary="导出审计日志 / Export the audit log of this subtree (CSV or XLSX)",
    dependencies={"audit_filter": Provide(provide_audit_filter, sync_to_thread=False)},
    operation_class=ExportOperation,
    responses=problem_responses(422),
)
async def export_audit(
    session: AsyncSession, tenant: Tenant, audit_filter: AuditFilter, format: ExportFormat = "csv"
) -> Response[bytes]:
    """The records :func:`list_audit` selects with the same filters, newest first, at most
    :data:`EXPORT_MAX_ROWS` of them; before/after as JSON text."""
    query = (await audit_query(session, tenant, audit_filter)).limit(EXPORT_MAX_ROWS)
    rows = list(await session.scalars(query))
    names = await _tenant_names(session, rows)
    return export_response(
        [_view(row, names) for row in rows], AUDIT_COLUMNS, format, f"audit-{tenant.slug}"
    )


ROUTES: list[ControllerRouterHandler] = [list_audit, export_audit]
