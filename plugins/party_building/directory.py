"""Social organisations named through the kernel's organisation directory.

A party body covers social organisations that another module keeps (five-sector when it is on).
Rows store the directory id and a copy of the name; when no keeping module is on at the tenant,
an organisation is named plainly and its id stays empty. This module never reads another
module's tables.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from core import (
    Invalid,
    Tenant,
    count_organisations,
    find_organisations,
    organisation_directory_on,
)
from plugins.party_building.checks import optional_text


async def directory_total(session: AsyncSession, tenant: Tenant) -> int | None:
    """How many organisations the directory has in ``tenant``'s subtree (counted by the keeping
    module in SQL, however many), or ``None`` when no keeping module is on."""
    return await count_organisations(session, tenant)


async def name_unit(
    session: AsyncSession,
    tenant: Tenant,
    organisation_id: uuid.UUID | None,
    organisation_name: str | None,
    field: str,
) -> tuple[uuid.UUID | None, str]:
    """The (directory id, name) to store for a social organisation named in a request.

    With the directory on, a given id must name an organisation of ``tenant``'s subtree (else
    422 naming ``<field>_id``) and its name is copied; with it off an id is refused. A plain
    name is accepted either way (an organisation not kept in any module yet).
    """
    if organisation_id is not None:
        if not await organisation_directory_on(session, tenant):
            raise Invalid(
                f"{field}_id",
                "未启用社会组织名录，请直接填写组织名称",
                message_en="no organisation directory is on here: give the name instead",
            )
        found = (await find_organisations(session, tenant, [organisation_id])).get(organisation_id)
        if found is None:
            raise Invalid(
                f"{field}_id",
                "本辖区内没有这个社会组织",
                message_en="no such organisation in this subtree",
            )
        return organisation_id, found.name
    name = optional_text(organisation_name)
    if name is None:
        raise Invalid(
            f"{field}_name",
            "请填写社会组织名称或名录中的组织",
            message_en="name the organisation, or give its directory id",
        )
    return None, name
