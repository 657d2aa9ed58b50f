"""five-sector's register as the platform's organisation directory.

Other modules name social organisations through ``core.find_organisations``,
``core.list_organisations`` and ``core.count_organisations``; the core asks this module while it is on. Dissolved organisations
are left out: nobody should newly name one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import OrganisationDirectory, OrganisationRef, in_subtree_of
from plugins.five_sector.models import Organisation

_O = Organisation.__table__.c
_REGISTRATION = {"registered": "registered", "filed": "filed"}


def _base() -> Select[tuple[uuid.UUID, uuid.UUID, str, str, str]]:
    return select(_O.id, _O.tenant_id, _O.name, _O.status, _O.category).where(
        in_subtree_of(_O.tenant_id), _O.status != "dissolved"
    )


_FIND = _base().where(_O.id.in_(bindparam("ids", expanding=True)))
_COUNT = select(func.count()).where(in_subtree_of(_O.tenant_id), _O.status != "dissolved")


def _ref(row: tuple[uuid.UUID, uuid.UUID, str, str, str]) -> OrganisationRef:
    org_id, tenant_id, name, status, category = row
    return OrganisationRef(
        id=org_id,
        tenant_id=tenant_id,
        name=name,
        registration=_REGISTRATION.get(status),  # type: ignore[arg-type]
        category=category,
    )


async def find(
    session: AsyncSession, subtree_path: str, ids: Sequence[uuid.UUID]
) -> list[OrganisationRef]:
    rows = await session.execute(_FIND, {"subtree_path": subtree_path, "ids": list(ids)})
    return [_ref(tuple(r)) for r in rows]  # type: ignore[arg-type]


async def search(
    session: AsyncSession, subtree_path: str, text: str | None, limit: int
) -> list[OrganisationRef]:
    stmt = _base()
    if text:
        stmt = stmt.where(_O.name.contains(text, autoescape=True))
    stmt = stmt.order_by(_O.name, _O.id).limit(limit)
    rows = await session.execute(stmt, {"subtree_path": subtree_path})
    return [_ref(tuple(r)) for r in rows]  # type: ignore[arg-type]


async def count(session: AsyncSession, subtree_path: str) -> int:
    return int(await session.scalar(_COUNT, {"subtree_path": subtree_path}) or 0)


DIRECTORY = OrganisationDirectory(find=find, search=search, count=count)
