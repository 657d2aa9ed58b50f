"""Applicant organisations through the kernel's organisation directory, never another module.

The directory (``core.find_organisations``) answers with the organisations of a tenant's
subtree kept by whichever module keeps them (five-sector); when no keeper is on, applicants are
named plainly.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

import core
from core import Tenant


class OrganisationRef(msgspec.Struct, frozen=True, kw_only=True):
    """What funding reads of a directory entry."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    registration: str | None
    category: str | None


def _ref(found: Any) -> OrganisationRef:
    return OrganisationRef(
        id=found.id,
        tenant_id=found.tenant_id,
        name=found.name,
        registration=found.registration,
        category=found.category,
    )


async def directory_on(session: AsyncSession, tenant: Tenant) -> bool:
    check = getattr(core, "organisation_directory_on", None)
    return bool(await check(session, tenant)) if check is not None else False


async def find(
    session: AsyncSession, tenant: Tenant, ids: list[uuid.UUID]
) -> dict[uuid.UUID, OrganisationRef]:
    finder = getattr(core, "find_organisations", None)
    if finder is None or not ids:
        return {}
    found = await finder(session, tenant, ids)
    return {key: _ref(value) for key, value in found.items()}


async def listed(session: AsyncSession, tenant: Tenant, limit: int = 200) -> list[OrganisationRef]:
    lister = getattr(core, "list_organisations", None)
    if lister is None:
        return []
    return [_ref(o) for o in await lister(session, tenant, limit=limit)]
