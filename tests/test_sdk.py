"""The SDK names modules rely on: subtree filter and lookup, module settings, exports."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import msgspec
import pytest
from openpyxl import load_workbook
from sqlalchemy import bindparam, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from core import (
    Column,
    ExportOperation,
    Invalid,
    ModuleConfig,
    Paging,
    Query,
    Tenant,
    export_response,
    find_tenant_in_subtree,
    in_subtree,
    in_subtree_of,
    operation_answering,
    row_in_subtree,
    row_in_subtree_of,
)
from core.db import Database
from core.export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from core.modules.models import ModuleChoice
from core.settings import Settings
from core.tenancy.service import move_tenant
from core.testing import make_tree


class Row(msgspec.Struct):
    name: str
    tags: list[str]
    on: date | None
    ok: bool


ROWS = [Row("=1+1", ["@a", "b"], date(2026, 1, 2), True), Row("-x", [], None, False)]
COLUMNS = [Column("name", "名称"), Column("tags", "标签"), Column("on", "日期"),
           Column("ok", "是否"), Column("upper", "大写", value=lambda r: r.name.upper())]  # fmt: skip


def test_csv_has_a_bom_headers_and_guards_formulas() -> None:
    response = export_response(ROWS, COLUMNS, "csv", "名单")
    assert response.media_type == CSV_MEDIA_TYPE
    content = response.content
    assert isinstance(content, bytes)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        ["名称", "标签", "日期", "是否", "大写"],
        ["'=1+1", "'@a、b", "2026-01-02", "是", "'=1+1"],
        ["'-x", "", "", "否", "'-X"],
    ]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"__.csv\"; filename*=UTF-8''")


def test_xlsx_has_one_sheet_named_after_the_file_with_guarded_cells() -> None:
    response = export_response([{"name": "+cmd"}], [Column("name", "名称")], "xlsx", "items")
    assert response.media_type == XLSX_MEDIA_TYPE
    assert isinstance(response.content, bytes)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert (sheet.title, sheet.cell(1, 1).value, sheet.cell(2, 1).value) == (
        "items", "名称", "'+cmd"
    )  # fmt: skip


def test_operation_classes_declare_their_media_types() -> None:
    from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Schema

    json_body = OpenAPIMediaType(schema=Schema(title="x"))
    export = ExportOperation(
        responses={
            "200": OpenAPIResponse(description="ok", content={"application/json": json_body})
        }
    )
    assert export.responses is not None
    content = export.responses["200"].content  # type: ignore[union-attr]
    assert set(content or {}) == {CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE}
    pdf = operation_answering({"application/pdf": "PDF"}, keep_json=True)
    both = pdf(
        responses={
            "200": OpenAPIResponse(description="ok", content={"application/json": json_body})
        }
    )
    assert set(both.responses["200"].content or {}) == {  # type: ignore[index, union-attr]
        "application/json",
        "application/pdf",
    }


def test_module_config_is_a_read_only_mapping() -> None:
    config = ModuleConfig("bulletin", {"max_items": 3})
    assert (dict(config), config.module, len(config)) == ({"max_items": 3}, "bulletin", 1)
    with pytest.raises(TypeError):
        config["max_items"] = 4  # type: ignore[index]


async def test_subtree_filter_and_lookup(db: Database) -> None:
    tree = await make_tree(
        db, {"d": {"t1": {"c1": {}}, "t2": {"c2": {}}}}, codes={"c1": "430112001001"}
    )
    async with db.session() as session:
        t1 = (await session.execute(select(Tenant).where(Tenant.slug == "t1"))).scalar_one()
        inside = await session.execute(
            select(Tenant.slug).where(in_subtree(Tenant.id, t1)).order_by(Tenant.depth)
        )
        assert list(inside.scalars()) == ["t1", "c1"]
        assert (await find_tenant_in_subtree(session, t1, "c1", "x")).id == tree["c1"].id
        by_code = await find_tenant_in_subtree(session, t1, "430112001001", "x")
        assert by_code.id == tree["c1"].id
        for key in ("c2", "d", "nowhere", str(uuid.uuid4().int)[:12]):
            with pytest.raises(Invalid) as refused:
                await find_tenant_in_subtree(session, t1, key, "served_tenants")
            assert refused.value.field == "served_tenants"


async def test_a_row_read_by_its_key_is_in_the_subtree_exactly_where_in_subtree_says(
    db: Database,
) -> None:
    """``row_in_subtree`` looks the row's tenant up by id instead of listing the subtree; for
    every tenant and every row it admits what ``in_subtree`` admits, and a tenant id that names
    no tenant is in no subtree."""
    await make_tree(db, {"d": {"t1": {"c1": {}, "c3": {}}, "t2": {"c2": {}}}})
    async with db.session() as session:
        tenants = list((await session.execute(select(Tenant))).scalars())
        for scope in tenants:
            for row in tenants:
                by_list = select(Tenant.id).where(Tenant.id == row.id, in_subtree(Tenant.id, scope))
                by_key = select(Tenant.id).where(
                    Tenant.id == row.id, row_in_subtree(Tenant.id, scope)
                )
                expected = row.path.startswith(scope.path)
                assert (await session.scalar(by_list) is not None) is expected
                assert (await session.scalar(by_key) is not None) is expected, (
                    scope.slug,
                    row.slug,
                )
                assert await ONE_TENANT.first(session, id=row.id, subtree_path=scope.path) == (
                    row.slug if expected else None
                )
        nobody = select(literal(1)).where(row_in_subtree(literal(uuid.uuid4()), tenants[0]))
        assert await session.scalar(nobody) is None


async def test_a_row_read_by_its_key_uses_the_path_it_carries_and_follows_a_move(
    db: Database, settings: Settings
) -> None:
    """On a table's ``tenant_id`` PostgreSQL compares the path the row carries for its policies
    (no tenant is looked up); it admits what ``in_subtree`` admits, before and after the row's
    tenant moves. Another tenant column, or SQLite, looks the tenant up."""
    tree = await make_tree(db, {"d": {"t1": {"c1": {}}, "t2": {"c2": {}}}})
    async with db.session(write=True) as session:
        for tenant in tree.values():
            session.add(ModuleChoice(tenant_id=tenant.id, module="five-sector", enabled=True))
    by_key = select(ModuleChoice.tenant_id).where(row_in_subtree_of(ModuleChoice.tenant_id))
    sql = str(by_key.compile(dialect=postgresql.dialect()))
    assert "module_choices.tenant_path LIKE" in sql, sql
    assert "tenant_paths" not in sql, sql
    looked_up = select(Tenant.id).where(row_in_subtree_of(Tenant.parent_id))
    assert "tenant_paths" in str(looked_up.compile(dialect=postgresql.dialect()))
    assert "tenant_path LIKE" not in str(by_key.compile(dialect=sqlite.dialect()))

    async def seen(scope: str) -> set[uuid.UUID]:
        async with db.session() as session:
            path = (
                await session.execute(select(Tenant.path).where(Tenant.slug == scope))
            ).scalar_one()
            return set((await session.execute(by_key, {"subtree_path": path})).scalars())

    assert await seen("t1") == {tree["t1"].id, tree["c1"].id}
    async with db.session(write=True) as session:
        community = await session.get(Tenant, tree["c1"].id)
        town = await session.get(Tenant, tree["t2"].id)
        assert community is not None
        assert town is not None
        assert await move_tenant(session, settings, community, town)
    assert await seen("t1") == {tree["t1"].id}
    assert await seen("t2") == {tree["t2"].id, tree["c1"].id, tree["c2"].id}


class TenantName(msgspec.Struct, frozen=True):
    slug: str
    depth: int


_T = Tenant.__table__.c
SUBTREE = Query(
    select(_T.slug, _T.depth).where(in_subtree_of(_T.id)).order_by(_T.depth, _T.slug),
    TenantName,
)
ONE_TENANT = Query(
    select(_T.slug).where(_T.id == bindparam("id"), row_in_subtree_of(_T.id)),
    lambda row: row.slug,
)
BY_SLUG = Query(select(_T.slug).where(_T.slug == bindparam("slug")), lambda row: row.slug.upper())


async def test_query_runs_a_statement_built_once_into_structs_and_pages(db: Database) -> None:
    tree = await make_tree(db, {"d": {"t1": {"c1": {}, "c3": {}}, "t2": {"c2": {}}}})
    async with db.session() as session:
        path = tree["t1"].path
        assert await SUBTREE.all(session, subtree_path=path) == [
            TenantName("t1", 1),
            TenantName("c1", 2),
            TenantName("c3", 2),
        ]
        page = await SUBTREE.page(session, Paging(limit=1, offset=1), subtree_path=path)
        assert (page.items, page.total, page.limit, page.offset) == ([TenantName("c1", 2)], 3, 1, 1)
        beyond = await SUBTREE.page(session, Paging(limit=5, offset=9), subtree_path=path)
        assert (beyond.items, beyond.total) == ([], 3)
        assert await BY_SLUG.first(session, slug="c2") == "C2"
        assert await BY_SLUG.first(session, slug="nowhere") is None
