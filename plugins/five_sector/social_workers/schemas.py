"""Request body and answer of the social workers API."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

from plugins.five_sector.fields import NOT_BLANK, TenantKey

CertificateLevel = Literal["assistant", "social_worker", "senior", "none"]
"""助理社会工作师、社会工作师、高级社会工作师、无证书."""

PersonName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]
CertificateNumber = Annotated[str, msgspec.Meta(max_length=64)]


class SocialWorkerCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: PersonName
    certificate_level: CertificateLevel
    certificate_number: CertificateNumber | None = None
    user_id: uuid.UUID | None = None
    served_tenants: Annotated[list[TenantKey], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class SocialWorker(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    user_id: uuid.UUID | None
    certificate_level: str
    certificate_number: str | None
    served_tenant_ids: list[str]
