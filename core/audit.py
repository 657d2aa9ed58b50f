"""The append-only audit log: who changed what, where, when, from which request.

Services call :func:`record` inside the request's transaction, so an audit row exists exactly
when the change it describes was committed. Actor, request id and client address come from the
request context the authentication middleware sets. Nothing in the application updates or
deletes audit rows: the session refuses to flush such a change and to execute a bulk UPDATE or
DELETE on ``audit_log``.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, get
from litestar.types import ControllerRouterHandler
from sqlalchemy import Index, String, Uuid, event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.session import ORMExecuteState

from core.errors import Invalid
from core.orm import Base, JSONType, UTCDateTime, UUIDPrimaryKey, utcnow
from core.paging import Page, Paging, paginate
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
) -> AuditRecord:
    """Add an audit row to ``session``'s transaction; ``actor_*`` override the request's actor
    (a login has no actor until it succeeds)."""
    ctx = audit_context.get() or AuditContext()
    row = AuditRecord(
        tenant_id=tenant_id,
        actor_id=actor_id or ctx.actor_id,
        actor_username=actor_username or ctx.actor_username,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=ctx.request_id,
        client_address=ctx.client_address,
    )
    session.add(row)
    session.info[RECORDED_KEY] = True
    return row


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
    """One audit record as the API shows it; ``actor`` is the username at the time."""

    id: uuid.UUID
    time: datetime
    tenant_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    actor: str | None
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    client_address: str | None


def _view(row: AuditRecord) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        time=row.created_at,
        tenant_id=row.tenant_id,
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


@get(
    "/api/v1/tenants/{tenant_key:str}/audit",
    opt={"permission": "audit:read"},
    summary="审计日志 / The audit log of this tenant's subtree, newest first",
)
async def list_audit(
    session: AsyncSession,
    tenant: Tenant,
    paging: Paging,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEntry]:
    """Records of the tenant and its descendants; ``actor`` is a username, ``since``/``until``
    bound the time (ISO 8601 with offset)."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise Invalid(name, "时间须带时区", message_en="needs a UTC offset, e.g. Z")
    subtree = select(Tenant.id).where(Tenant.path.startswith(tenant.path, autoescape=True))
    query = select(AuditRecord).where(AuditRecord.tenant_id.in_(subtree))
    if actor is not None:
        query = query.where(AuditRecord.actor_username == actor)
    if action is not None:
        query = query.where(AuditRecord.action == action)
    if since is not None:
        query = query.where(AuditRecord.created_at >= since)
    if until is not None:
        query = query.where(AuditRecord.created_at < until)
    return await paginate(
        session, query.order_by(AuditRecord.created_at.desc(), AuditRecord.id), paging, _view
    )


ROUTES: list[ControllerRouterHandler] = [list_audit]
