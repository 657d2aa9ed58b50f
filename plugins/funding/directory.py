"""Applicant organisations through the kernel's organisation directory, never another module.

The directory answers with the organisations of a tenant's subtree kept by whichever module
keeps them (five-sector); when no keeper is on at a tenant, its applicants are named plainly.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    OrganisationRef,
    Tenant,
    find_organisations,
    list_organisations,
    organisation_directory_on,
)

__all__ = ["OrganisationRef", "directory_on", "find", "listed"]


async def directory_on(session: AsyncSession, tenant: Tenant) -> bool:
    return await organisation_directory_on(session, tenant)


async def find(
    session: AsyncSession, tenant: Tenant, ids: list[uuid.UUID]
) -> dict[uuid.UUID, OrganisationRef]:
    """Those of ``ids`` that lie in ``tenant``'s subtree (others absent)."""
    return await find_organisations(session, tenant, ids) if ids else {}


async def listed(session: AsyncSession, tenant: Tenant, limit: int = 200) -> list[OrganisationRef]:
    """The subtree's organisations by name (demo data)."""
    return await list_organisations(session, tenant, limit=limit)
