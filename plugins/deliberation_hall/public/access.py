"""Who may read the public view, and what of the subtree it shows.

The public routes declare ``opt["public"] = "public_view"``: the kernel admits anyone,
anonymous callers included, at a tenant where the module is on and its ``public_view`` setting
is true; elsewhere only a caller holding ``deliberation-hall:read`` there (staff previewing the
page before it is opened), and the same 404 or 401 as any tenant route meets everyone else. The
transaction runs in the tenant's row-level-security context like any request.

The topics listed are further limited to tenants of the subtree where ``public_view`` is on (a
community may keep its page closed under a town that opened its own), and only published topics
and public fields ever leave (:mod:`plugins.deliberation_hall.public.services`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from core import Tenant, subtree_module_settings
from plugins.deliberation_hall.manifest import MANIFEST

PUBLIC_SETTING = "public_view"


@dataclass(frozen=True, slots=True)
class PublicScope:
    """The tenant of the URL and the tenants of its subtree whose topics may be shown, by id
    with their names; ``preview`` when staff see a page not yet switched on."""

    tenant: Tenant
    names: dict[uuid.UUID, str] = field(default_factory=dict)
    preview: bool = False

    @property
    def tenant_ids(self) -> list[uuid.UUID]:
        return list(self.names)


async def public_scope(session: AsyncSession, tenant: Tenant) -> PublicScope:
    """What the admitted reader may see: a page not opened at ``tenant`` is a staff preview
    (the kernel admitted the caller by permission) showing every tenant of the subtree.

    One query reads the subtree's effective settings (:func:`core.subtree_module_settings`),
    however large the subtree."""
    settings = await subtree_module_settings(session, tenant, MANIFEST)
    preview = settings[tenant.id][1][PUBLIC_SETTING] is not True
    names = {
        tenant_id: name
        for tenant_id, (name, effective) in settings.items()
        if preview or effective[PUBLIC_SETTING] is True
    }
    return PublicScope(tenant, names, preview)


DEPENDENCIES = {"public": Provide(public_scope)}
