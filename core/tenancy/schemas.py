"""Request and response bodies of the tenant API.

Input structs forbid unknown fields, so a misspelt field is refused rather than silently
ignored. :class:`TenantUpdate` uses ``UNSET`` to tell "not given" from "set to null".

The field types carry the rules of :mod:`core.tenancy.rules` that a schema can state (lengths,
patterns, ranges, the statuses), so the OpenAPI document publishes them; the rules still run in
the service with their own messages, and catch what a schema cannot say (an all-digit slug, a
name of blanks, a code outside the parent's, a level of this deployment).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition
from msgspec import UNSET, Meta, UnsetType

from core.paging import Page
from core.tenancy import rules
from core.tenancy.models import Tenant

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

Slug = Annotated[
    str,
    Meta(
        min_length=rules.SLUG_MIN,
        max_length=rules.SLUG_MAX,
        pattern=rules.SLUG_RE.pattern,
        description="小写字母、数字和单个连字符，不能全为数字 / lowercase letters, digits and "
        "single hyphens; not all digits",
    ),
]
Name = Annotated[str, Meta(min_length=1, max_length=rules.NAME_MAX)]
NameEn = Annotated[
    str, Meta(min_length=1, max_length=rules.NAME_EN_MAX, pattern=rules.NAME_EN_RE.pattern)
]


class ConfiguredLevel:
    """Marks a field whose values are this deployment's levels (see :class:`LevelSchema`)."""


LEVEL_HELP = (
    "GONGZHI_TENANT_LEVELS 中的一个层级 / one of the configured levels (GONGZHI_TENANT_LEVELS)"
)
Level = Annotated[
    str, Meta(pattern=r"^[a-z][a-z_]{1,31}$", description=LEVEL_HELP), ConfiguredLevel()
]
Kind = Annotated[str, Meta(min_length=1, max_length=rules.KIND_MAX)]
DIVISION_CODE_PATTERN = "^(" + "|".join(f"[0-9]{{{n}}}" for n in rules.DIVISION_CODE_LENGTHS) + ")$"
DivisionCode = Annotated[
    str,
    Meta(
        pattern=DIVISION_CODE_PATTERN,
        description="6、9 或 12 位区划代码，以上级代码开头 / a 6, 9 or 12 digit division code "
        "inside the parent's",
    ),
]
DivisionYear = Annotated[int, Meta(ge=rules.DIVISION_YEAR_MIN, le=rules.DIVISION_YEAR_MAX)]
TenantStatus = Literal["active", "suspended", "archived"]


class TenantCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A new child; ``level`` defaults to the level directly below the parent."""

    slug: Slug
    name: Name
    name_en: NameEn | None = None
    level: Level | None = None
    kind: Kind | None = None
    division_code: DivisionCode | None = None
    division_year: DivisionYear | None = None
    settings: dict[str, Any] = msgspec.field(default_factory=dict)


class TenantUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Fields to change; absent fields stay as they are."""

    slug: Slug | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    name_en: NameEn | UnsetType | None = UNSET
    level: Level | UnsetType = UNSET
    kind: Kind | UnsetType | None = UNSET
    division_code: DivisionCode | UnsetType | None = UNSET
    division_year: DivisionYear | UnsetType | None = UNSET
    status: TenantStatus | UnsetType = UNSET
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

    parent: Annotated[str, Meta(description="上级的标识或区划代码 / the parent's slug or code")]


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


TenantPage = Page[TenantOut]
"""One page of a filtered list of tenants and the total number of matches."""


class LevelSchema(OpenAPISchemaPlugin):
    """Publishes the configured levels (``GONGZHI_TENANT_LEVELS``) as the enum of every field
    marked :class:`ConfiguredLevel`: no static type can hold them. The service refuses any other
    level with its own message (:func:`core.tenancy.rules.check_level`)."""

    def __init__(self, levels: Sequence[str]) -> None:
        self.levels = list(levels)

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return field_definition.has_metadata(ConfiguredLevel)

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        return Schema(type=OpenAPIType.STRING, enum=list(self.levels))
