"""Request and response bodies of the tenant API.

Input structs forbid unknown fields, so a misspelt field is a 400 rather than silently ignored.
:class:`TenantUpdate` uses ``UNSET`` to tell "not given" from "set to null".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from core.tenancy.models import Tenant


class TenantCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A new child; ``level`` defaults to the level directly below the parent."""

    slug: str
    name: str
    name_en: str | None = None
    level: str | None = None
    kind: str | None = None
    division_code: str | None = None
    division_year: int | None = None
    settings: dict[str, Any] = msgspec.field(default_factory=dict)


class TenantUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Fields to change; absent fields stay as they are."""

    slug: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    name_en: str | UnsetType | None = UNSET
    level: str | UnsetType = UNSET
    kind: str | UnsetType | None = UNSET
    division_code: str | UnsetType | None = UNSET
    division_year: int | UnsetType | None = UNSET
    status: str | UnsetType = UNSET
    settings: dict[str, Any] | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        """The fields that were given, by name."""
        return {
            name: getattr(self, name)
            for name in self.__struct_fields__
            if getattr(self, name) is not UNSET
        }


class TenantMove(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The new parent, by slug or division code."""

    parent: str


class AncestorOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    slug: str
    name: str


class TenantOut(msgspec.Struct, kw_only=True):
    """A tenant as the API shows it; ``ancestors`` (root first) only on the single GET."""

    id: uuid.UUID
    slug: str
    name: str
    name_en: str | None
    level: str
    kind: str | None
    parent_id: uuid.UUID | None
    depth: int
    division_code: str | None
    division_year: int | None
    status: str
    settings: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    ancestors: list[AncestorOut] | UnsetType = UNSET

    @classmethod
    def of(cls, tenant: Tenant, ancestors: list[Tenant] | None = None) -> TenantOut:
        out = cls(
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            name_en=tenant.name_en,
            level=tenant.level,
            kind=tenant.kind,
            parent_id=tenant.parent_id,
            depth=tenant.depth,
            division_code=tenant.division_code,
            division_year=tenant.division_year,
            status=tenant.status,
            settings=dict(tenant.settings or {}),
            created_at=tenant.created_at,
            updated_at=tenant.updated_at,
        )
        if ancestors is not None:
            out.ancestors = [AncestorOut(id=a.id, slug=a.slug, name=a.name) for a in ancestors]
        return out


class TenantPage(msgspec.Struct, kw_only=True):
    """One page of a filtered list and the total number of matches."""

    items: list[TenantOut]
    total: int
    limit: int
    offset: int
