"""Pairings: made by a tenant between an urban community and a village of its subtree, seen by
both communities' subtrees as well (:mod:`plugins.five_sector.visibility`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Conflict, Invalid, NotFound, Tenant, find_tenant_in_subtree
from plugins.five_sector.models import Pairing
from plugins.five_sector.pairings.schemas import Pairing as PairingAnswer
from plugins.five_sector.pairings.schemas import PairingCreate
from plugins.five_sector.visibility import visible_pairings


def answer(p: Pairing) -> PairingAnswer:
    return PairingAnswer(
        id=p.id,
        tenant_id=p.tenant_id,
        urban_tenant_id=p.urban_tenant_id,
        rural_tenant_id=p.rural_tenant_id,
        started_on=p.started_on,
        goals=list(p.goals),
    )


async def create(
    session: AsyncSession, tenant: Tenant, config: Mapping[str, Any], body: PairingCreate
) -> Pairing:
    """Pair an urban community with a village, both inside the caller's subtree, once."""
    urban = await find_tenant_in_subtree(session, tenant, body.urban, "urban")
    rural = await find_tenant_in_subtree(session, tenant, body.rural, "rural")
    if urban.kind not in config["urban_kinds"]:
        raise Invalid("urban", "须为城市社区", message_en="must be an urban community")
    if rural.kind not in config["rural_kinds"]:
        raise Invalid("rural", "须为村", message_en="must be a village")
    existing = await session.execute(
        select(Pairing.id).where(
            Pairing.urban_tenant_id == urban.id, Pairing.rural_tenant_id == rural.id
        )
    )
    if existing.first():
        raise Conflict("已结对", title_en="Already paired", code="already-paired")
    pairing = Pairing(
        tenant_id=tenant.id,
        urban_tenant_id=urban.id,
        rural_tenant_id=rural.id,
        started_on=body.started_on,
        goals=[g.strip() for g in body.goals if g.strip()],
    )
    session.add(pairing)
    await session.flush()
    return pairing


async def get(session: AsyncSession, tenant: Tenant, pairing_id: uuid.UUID) -> Pairing:
    """The pairing if ``tenant`` sees it, else 404."""
    pairing = (
        await session.execute(
            select(Pairing).where(
                Pairing.id == pairing_id, Pairing.id.in_(visible_pairings(tenant))
            )
        )
    ).scalar_one_or_none()
    if pairing is None:
        raise NotFound("结对")
    return pairing


def query(tenant: Tenant) -> Select[Pairing]:
    return (
        select(Pairing)
        .where(Pairing.id.in_(visible_pairings(tenant)))
        .order_by(Pairing.started_on, Pairing.id)
    )
