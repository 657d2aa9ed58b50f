"""Request bodies and answers of the social organisations API.

Bodies reject unknown fields; their constraints are published in the OpenAPI document and
enforced before a handler runs (a breach is a 422 naming the field).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from plugins.five_sector.fields import NOT_BLANK, Count
from plugins.five_sector.manifest import MANIFEST

OrgKind = Literal["social_group", "social_service_agency", "foundation", "community"]
"""社会团体、社会服务机构、基金会（登记）; community: 社区社会组织（备案）."""
OrgStatus = Literal["incubating", "filed", "registered", "suspended", "dissolved"]

USCC_PATTERN = "^[0-9A-HJ-NP-RTUWXY]{18}$"
Uscc = Annotated[
    str,
    msgspec.Meta(
        min_length=18,
        max_length=18,
        pattern=USCC_PATTERN,
        description=(
            "统一社会信用代码：GB 32100 字符集的18位，两位校验码均须正确，第1、2位须为“5”"
            "和组织类型代码 / unified social credit code: 18 characters of the GB 32100 "
            "alphabet, both check characters right, starting 5 and the kind's code"
        ),
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
Category = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=32,
        pattern=NOT_BLANK,
        description=(
            "类别，须为本组织五社联动设置 categories 中的一项，默认为："
            + "、".join(MANIFEST.settings["categories"])
            + " / category: one of the tenant's five-sector setting categories; by default: "
            + ", ".join(MANIFEST.settings["categories"])
        ),
    ),
]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NOT_BLANK)]
Charter = Annotated[str, msgspec.Meta(max_length=500, description="章程文件 / charter document")]
Address = Annotated[str, msgspec.Meta(max_length=300, description="活动场所 / place")]
FilingNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=NOT_BLANK)]
Rating = Annotated[
    Literal[1, 2, 3, 4, 5], msgspec.Meta(description="评估等级 1A–5A / rating 1A–5A")
]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of the request bodies."""


class OrganisationCreate(Body):
    name: Name
    kind: OrgKind
    category: Category
    uscc: Uscc | None = None
    founders_count: Count = 0
    members_count: Count = 0
    charter_document: Charter | None = None
    address: Address | None = None
    brand_project: bool = False


class OrganisationUpdate(Body):
    """Only the fields given change."""

    name: Name | None = None
    category: Category | None = None
    founders_count: Count | None = None
    members_count: Count | None = None
    charter_document: Charter | None = None
    address: Address | None = None
    brand_project: bool | None = None


class Transition(Body):
    """A lifecycle change. ``filed`` needs the filing number and date; ``registered`` needs a
    USCC on the organisation (or here) and the registration date. Filing an already filed
    organisation again renews its filing."""

    to: OrgStatus
    reason: Reason
    filing_number: FilingNumber | None = None
    filed_on: date | None = None
    uscc: Uscc | None = None
    registered_on: date | None = None


class RatingSet(Body):
    rating: Rating
    rated_on: date


class Organisation(msgspec.Struct, kw_only=True):
    """A social organisation as of today, with what its dates mean now."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    kind: str
    category: str
    status: str
    uscc: str | None
    registered_on: date | None
    filing_number: str | None
    filed_on: date | None
    filing_expires_on: date | None
    filing_expiring: bool
    founders_count: int
    members_count: int
    charter_document: str | None
    address: str | None
    rating: int | None
    rating_label: str | None
    rated_on: date | None
    rating_valid_until: date | None
    rating_valid: bool
    brand_project: bool


class StatusChange(msgspec.Struct, kw_only=True):
    """One move of the lifecycle: from, to, why, who and when."""

    from_: str = msgspec.field(name="from")
    to: str
    reason: str
    changed_by: uuid.UUID | None
    changed_at: datetime


class OrganisationDetail(Organisation, kw_only=True):
    history: list[StatusChange]


class ExpiringFiling(msgspec.Struct, kw_only=True):
    organisation_id: uuid.UUID
    name: str
    tenant_id: uuid.UUID
    filing_expires_on: date
    expired: bool


class UnderTarget(msgspec.Struct, kw_only=True):
    """A community with fewer filed or registered organisations than its kind's target."""

    tenant_id: uuid.UUID
    name: str
    kind: str
    organisations: int
    target: int


class Warnings(msgspec.Struct, kw_only=True):
    filings_expiring: list[ExpiringFiling]
    communities_under_target: list[UnderTarget]
