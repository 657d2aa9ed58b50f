"""Request body and answer of the pairings API."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from plugins.five_sector.fields import TenantKey


class PairingCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An urban community (a kind of the ``urban_kinds`` setting, 社区 by default) and a
    village (``rural_kinds``, 村 by default), both in the caller's subtree."""

    urban: TenantKey
    rural: TenantKey
    started_on: date
    goals: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=50)
    ] = msgspec.field(default_factory=list)


class Pairing(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    urban_tenant_id: uuid.UUID
    rural_tenant_id: uuid.UUID
    started_on: date
    goals: list[str]
