"""Naming organisations through the kernel's organisation directory, never another module.

When a module keeping organisations (five-sector) is on at the tenant, an organisation is named
by its directory id: it must lie in the tenant's subtree and its name is copied from the
directory. When none is on, an organisation is named plainly and no id is accepted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core import Invalid, Tenant, find_organisations, organisation_directory_on


@dataclass(frozen=True, slots=True)
class Named:
    """An organisation as a row stores it: the directory id (or none), its name, its home."""

    id: uuid.UUID | None
    name: str
    tenant_id: uuid.UUID | None


async def name_organisation(
    session: AsyncSession,
    tenant: Tenant,
    organisation_id: uuid.UUID | None,
    organisation_name: str | None,
    *,
    field: str = "organisation_id",
    name_field: str = "organisation_name",
) -> Named:
    """The organisation a request names, checked against the directory when it is on.

    With the directory on, an id is checked (unknown or outside the subtree: 422 naming
    ``field``) and its name copied; a plain name without an id is still accepted (an
    organisation not yet filed anywhere). With it off an id is refused (422 naming ``field``).
    """
    if organisation_id is not None:
        if not await organisation_directory_on(session, tenant):
            raise Invalid(
                field,
                "未启用社会组织名录，请直接填写组织名称",
                message_en="no organisation directory is on here: name the organisation plainly",
            )
        found = (await find_organisations(session, tenant, [organisation_id])).get(organisation_id)
        if found is None:
            raise Invalid(
                field,
                "本辖区内没有这个社会组织",
                message_en="no such organisation in this subtree",
            )
        return Named(found.id, found.name, found.tenant_id)
    name = (organisation_name or "").strip()
    if not name:
        raise Invalid(
            name_field,
            "需要组织名称或名录中的组织",
            message_en="name the organisation or give its id",
        )
    return Named(None, name, None)
