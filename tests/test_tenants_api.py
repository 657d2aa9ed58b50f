"""The tenant API: reading, listing, creating, editing, moving and archiving, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from core.db import Database
from core.settings import Settings
from core.tenancy.models import TENANT_PATHS, Tenant
from core.tenancy.service import NewTenant, create_tenant

Client = AsyncTestClient[Litestar]
API = "/api/v1/tenants"


@pytest.fixture
async def tree(db: Database, settings: Settings) -> dict[str, Tenant]:
    """望城区 with two towns (one with a community), a town without code, and 开福区."""
    async with db.session(write=True) as s:
        wangcheng = await create_tenant(
            s,
            settings,
            None,
            NewTenant(
                slug="wangcheng",
                name="望城区",
                level="district",
                kind="区",
                division_code="430112",
                division_year=2023,
            ),
        )
        gaotangling = await create_tenant(
            s,
            settings,
            wangcheng,
            NewTenant(
                slug="gaotangling",
                name="高塘岭街道",
                name_en="Gaotangling Jiedao",
                kind="街道",
                division_code="430112001",
                division_year=2023,
            ),
        )
        baima = await create_tenant(
            s,
            settings,
            wangcheng,
            NewTenant(slug="baima", name="白马街道", kind="街道", division_code="430112017"),
        )
        wangfulu = await create_tenant(
            s, settings, gaotangling, NewTenant(slug="wangfulu", name="望府路社区", kind="社区")
        )
        xinkang = await create_tenant(
            s, settings, gaotangling, NewTenant(slug="xinkang", name="新康社区", kind="社区")
        )
        newtown = await create_tenant(
            s, settings, wangcheng, NewTenant(slug="newtown", name="新城镇", kind="镇")
        )
        newvillage = await create_tenant(
            s, settings, newtown, NewTenant(slug="newvillage", name="新城村", kind="村")
        )
        kaifu = await create_tenant(
            s,
            settings,
            None,
            NewTenant(slug="kaifu", name="开福区", level="district", division_code="430105"),
        )
    return {
        t.slug: t
        for t in (wangcheng, gaotangling, baima, wangfulu, xinkang, newtown, newvillage, kaifu)
    }


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["title"]
    assert body["title_en"]
    return body


async def test_a_tenant_is_found_by_slug_or_division_code_with_its_ancestors(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    by_slug = (await admin_client.get(f"{API}/gaotangling")).json()
    by_code = (await admin_client.get(f"{API}/430112001")).json()
    assert by_slug == by_code
    assert by_slug["name"] == "高塘岭街道"
    assert by_slug["level"] == "town"
    assert by_slug["depth"] == 1
    assert by_slug["parent_id"] == str(tree["wangcheng"].id)
    assert by_slug["division_year"] == 2023
    assert by_slug["created_at"].endswith(("Z", "+00:00"))
    assert [a["slug"] for a in by_slug["ancestors"]] == ["wangcheng"]


async def test_an_unknown_tenant_is_404(admin_client: Client, tree: dict[str, Tenant]) -> None:
    problem(await admin_client.get(f"{API}/nowhere"), 404)
    problem(await admin_client.get(f"{API}/999999"), 404)


async def test_children_are_listed_paginated_and_filtered(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    page = (await admin_client.get(f"{API}/430112/children")).json()
    assert [t["slug"] for t in page["items"]] == ["gaotangling", "baima", "newtown"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 50, 0)
    assert "ancestors" not in page["items"][0]
    second = (await admin_client.get(f"{API}/wangcheng/children?limit=1&offset=1")).json()
    assert [t["slug"] for t in second["items"]] == ["baima"]
    assert second["total"] == 3
    by_kind = (await admin_client.get(f"{API}/wangcheng/children?kind=镇")).json()
    assert [t["slug"] for t in by_kind["items"]] == ["newtown"]
    by_q = (await admin_client.get(f"{API}/wangcheng/children?q=gaotang")).json()
    assert [t["slug"] for t in by_q["items"]] == ["gaotangling"]
    by_name = (await admin_client.get(f"{API}/wangcheng/children?q=白马")).json()
    assert [t["slug"] for t in by_name["items"]] == ["baima"]
    by_level = (await admin_client.get(f"{API}/wangcheng/children?level=community")).json()
    assert by_level["total"] == 0


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=abc"])
async def test_bad_paging_is_a_400(
    admin_client: Client, tree: dict[str, Tenant], query: str
) -> None:
    problem(await admin_client.get(f"{API}/wangcheng/children?{query}"), 400)


async def test_subtree_is_limited_by_depth(admin_client: Client, tree: dict[str, Tenant]) -> None:
    one = (await admin_client.get(f"{API}/wangcheng/subtree?depth=1")).json()
    assert {t["slug"] for t in one["items"]} == {"gaotangling", "baima", "newtown"}
    everything = (await admin_client.get(f"{API}/wangcheng/subtree")).json()
    assert everything["total"] == 6
    communities = (await admin_client.get(f"{API}/wangcheng/subtree?level=community")).json()
    assert {t["slug"] for t in communities["items"]} == {"wangfulu", "xinkang", "newvillage"}
    problem(await admin_client.get(f"{API}/wangcheng/subtree?depth=0"), 400)


async def test_creating_a_child_defaults_its_level_to_the_one_below(
    admin_client: Client, tree: dict[str, Tenant], db: Database
) -> None:
    response = await admin_client.post(
        f"{API}/430112017/children",
        json={"slug": "tongxin", "name": " 同心社区 ", "name_en": "Tongxin Shequ", "kind": "社区"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["level"], body["name"], body["depth"], body["status"]) == (
        "community",
        "同心社区",
        2,
        "active",
    )
    async with db.session() as s:
        row = (await s.execute(select(Tenant).where(Tenant.slug == "tongxin"))).scalar_one()
    assert row.path == f"{tree['wangcheng'].path}{tree['baima'].id.hex}/{row.id.hex}/"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"slug": "x1", "name": "错层", "level": "town"}, 422, "level"),
        ({"slug": "x1", "name": "错层", "level": "district"}, 422, "level"),
        ({"slug": "x1", "name": "错层", "level": "planet"}, 422, "level"),
        ({"slug": "baima", "name": "重名"}, 409, "slug"),
        ({"slug": "x1", "name": "重码", "division_code": "430112017001"}, 201, None),
        ({"slug": "x1", "name": "坏码", "division_code": "4301120010"}, 422, "division_code"),
        ({"slug": "x1", "name": "坏码", "division_code": "43011200100a"}, 422, "division_code"),
        ({"slug": "x1", "name": "外码", "division_code": "430105001001"}, 422, "division_code"),
        ({"slug": "x1", "name": ""}, 422, "name"),
        ({"slug": "x1", "name": "   "}, 422, "name"),
        ({"slug": "x1", "name": "长" * 10_000}, 422, "name"),
        ({"slug": "x1", "name": "社区🎉"}, 422, "name"),
        ({"slug": "X 1", "name": "坏标识"}, 422, "slug"),
        ({"slug": "12345", "name": "数字标识"}, 422, "slug"),
        ({"slug": "x1", "name": "年份", "division_year": 1900}, 422, "division_year"),
        ({"slug": "x1", "name": "表情", "name_en": "Smile 😀"}, 422, "name_en"),
    ],
)
async def test_bad_children_are_refused_with_the_field_named(
    admin_client: Client,
    tree: dict[str, Tenant],
    db: Database,
    body: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    response = await admin_client.post(f"{API}/gaotangling/children", json=body)
    if field is None:
        # 430112017001 lies under 白马街道, not 高塘岭街道: refused for the prefix instead.
        assert response.status_code == 422
        return
    detail = problem(response, status)
    assert detail["errors"][0]["field"] == field
    async with db.session() as s:
        assert (await s.execute(select(Tenant).where(Tenant.slug == "x1"))).first() is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"slug": "Bad Slug", "name": "坏标识"}, "slug", "格式不正确"),
        ({"slug": "x", "name": "短标识"}, "slug", "长度至少为 2 个字符"),
        ({"slug": "x1", "name": "坏码", "division_code": "4301"}, "division_code", "格式不正确"),
        ({"slug": "x1", "name": "年份", "division_year": 2200}, "division_year", "不能大于 2100"),
        ({"slug": "x1", "name": "多余", "colour": "red"}, "colour", "不允许的字段"),
        ({"name": "缺标识"}, "slug", "缺少必填字段"),
    ],
)
async def test_a_body_refused_by_its_schema_names_the_field_in_both_languages(
    admin_client: Client, tree: dict[str, Tenant], body: dict[str, Any], field: str, message: str
) -> None:
    """The published rules are checked while decoding, before the service's own checks: the
    problem still names the field, in Chinese and in the decoder's English."""
    detail = problem(await admin_client.post(f"{API}/gaotangling/children", json=body), 422)
    [error] = detail["errors"]
    assert (error["field"], error["message"]) == (field, message)
    assert error["message_en"]


async def test_a_duplicate_division_code_is_a_409_naming_the_field(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    await admin_client.patch(f"{API}/wangfulu", json={"division_code": "430112001001"})
    detail = problem(
        await admin_client.post(
            f"{API}/gaotangling/children",
            json={"slug": "copy", "name": "复制", "division_code": "430112001001"},
        ),
        409,
    )
    assert detail["errors"][0]["field"] == "division_code"
    assert detail["type"].endswith("duplicate-division-code")


@pytest.mark.parametrize(
    "body",
    [{"slug": "x1", "name": "多余", "colour": "red"}, {"name": "缺标识"}, {"slug": 5, "name": "x"}],
)
async def test_unknown_or_mistyped_fields_are_a_422(
    admin_client: Client, tree: dict[str, Tenant], body: dict[str, Any]
) -> None:
    problem(await admin_client.post(f"{API}/gaotangling/children", json=body), 422)


async def test_patch_changes_only_the_given_fields(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    response = await admin_client.patch(
        f"{API}/baima", json={"name_en": "Baima Jiedao", "settings": {"hub": True}}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["name_en"], body["settings"]) == (
        "白马街道",
        "Baima Jiedao",
        {"hub": True},
    )
    cleared = (await admin_client.patch(f"{API}/baima", json={"name_en": None})).json()
    assert cleared["name_en"] is None
    problem(await admin_client.patch(f"{API}/baima", json={"parent_id": None}), 422)
    problem(await admin_client.patch(f"{API}/baima", json={"name": "🙂"}), 422)
    problem(await admin_client.patch(f"{API}/baima", json={"level": "district"}), 422)
    problem(await admin_client.patch(f"{API}/gaotangling", json={"level": "community"}), 422)
    problem(await admin_client.patch(f"{API}/baima", json={"slug": "gaotangling"}), 409)
    problem(await admin_client.patch(f"{API}/baima", json={"status": "archived"}), 422)


async def test_a_code_change_must_keep_childrens_codes_inside(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    await admin_client.patch(f"{API}/wangfulu", json={"division_code": "430112001001"})
    detail = problem(
        await admin_client.patch(f"{API}/gaotangling", json={"division_code": "430112002"}), 422
    )
    assert detail["errors"][0]["field"] == "division_code"


async def test_a_suspended_tenant_and_its_subtree_refuse_writes_until_reactivated(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    suspended = await admin_client.patch(f"{API}/gaotangling", json={"status": "suspended"})
    assert suspended.json()["status"] == "suspended"
    child = {"slug": "later", "name": "后来社区"}
    detail = problem(await admin_client.post(f"{API}/gaotangling/children", json=child), 409)
    assert detail["type"].endswith("tenant-suspended")
    problem(await admin_client.patch(f"{API}/gaotangling", json={"name": "改名"}), 409)
    problem(await admin_client.patch(f"{API}/wangfulu", json={"name": "改名"}), 409)
    problem(await admin_client.post(f"{API}/wangfulu/move", json={"parent": "baima"}), 409)
    problem(await admin_client.post(f"{API}/xinkang/children", json=child), 409)
    problem(await admin_client.post(f"{API}/newvillage/move", json={"parent": "gaotangling"}), 409)
    assert (await admin_client.get(f"{API}/wangfulu")).status_code == 200
    problem(await admin_client.patch(f"{API}/wangfulu", json={"status": "suspended"}), 409)
    back = await admin_client.patch(f"{API}/gaotangling", json={"status": "active"})
    assert back.json()["status"] == "active"
    created = await admin_client.post(f"{API}/gaotangling/children", json=child)
    assert created.status_code == 201, created.text


async def test_moving_rewrites_the_whole_subtree(
    admin_client: Client, tree: dict[str, Tenant], db: Database
) -> None:
    response = await admin_client.post(f"{API}/newtown/move", json={"parent": "430105"})
    assert response.status_code == 200, response.text
    assert response.json()["parent_id"] == str(tree["kaifu"].id)
    async with db.session() as s:
        village = (await s.execute(select(Tenant).where(Tenant.slug == "newvillage"))).scalar_one()
        town = (await s.execute(select(Tenant).where(Tenant.slug == "newtown"))).scalar_one()
    assert town.path == f"/{tree['kaifu'].id.hex}/{town.id.hex}/"
    assert village.path == f"{town.path}{village.id.hex}/"
    assert (town.depth, village.depth, village.parent_id) == (1, 2, town.id)
    moved = (await admin_client.get(f"{API}/kaifu/subtree")).json()
    assert {t["slug"] for t in moved["items"]} == {"newtown", "newvillage"}
    left = (await admin_client.get(f"{API}/wangcheng/subtree")).json()
    assert "newvillage" not in {t["slug"] for t in left["items"]}
    async with db.session() as s:
        paths = set(await s.execute(select(TENANT_PATHS.c.id, TENANT_PATHS.c.path)))
        tenants = set(await s.execute(select(Tenant.id, Tenant.path)))
    assert (village.id, village.path) in paths
    assert paths == tenants, "row-level security reads the subtree from tenant_paths"


async def test_a_community_moves_between_towns(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    response = await admin_client.post(f"{API}/wangfulu/move", json={"parent": "baima"})
    assert response.status_code == 200, response.text
    kids = (await admin_client.get(f"{API}/baima/children")).json()
    assert [t["slug"] for t in kids["items"]] == ["wangfulu"]


@pytest.mark.parametrize(
    ("slug", "parent", "status", "field"),
    [
        ("wangcheng", "gaotangling", 422, "parent"),
        ("gaotangling", "wangfulu", 422, "parent"),
        ("gaotangling", "gaotangling", 422, "parent"),
        ("wangfulu", "xinkang", 422, "level"),
        ("baima", "gaotangling", 422, "level"),
        ("gaotangling", "kaifu", 422, "division_code"),
        ("wangfulu", "nowhere", 404, None),
    ],
)
async def test_bad_moves_are_refused_and_change_nothing(
    admin_client: Client,
    tree: dict[str, Tenant],
    db: Database,
    slug: str,
    parent: str,
    status: int,
    field: str | None,
) -> None:
    detail = problem(await admin_client.post(f"{API}/{slug}/move", json={"parent": parent}), status)
    if field:
        assert detail["errors"][0]["field"] == field
    async with db.session() as s:
        row = (await s.execute(select(Tenant).where(Tenant.slug == slug))).scalar_one()
    assert row.path == tree[slug].path
    problem(await admin_client.post(f"{API}/{slug}/move", json={"to": parent}), 422)


async def test_archiving_covers_the_subtree_and_deletes_nothing(
    admin_client: Client, tree: dict[str, Tenant], db: Database
) -> None:
    response = await admin_client.post(f"{API}/gaotangling/archive")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "archived"
    async with db.session() as s:
        total = (await s.execute(select(func.count()).select_from(Tenant))).scalar_one()
        rows = await s.execute(
            select(Tenant.slug, Tenant.status).where(
                Tenant.slug.in_(["gaotangling", "wangfulu", "xinkang", "baima"])
            )
        )
        statuses = {row.slug: row.status for row in rows}
    assert total == 8
    assert statuses == {
        "gaotangling": "archived",
        "wangfulu": "archived",
        "xinkang": "archived",
        "baima": "active",
    }
    listed = (await admin_client.get(f"{API}/wangcheng/children")).json()
    assert "gaotangling" not in {t["slug"] for t in listed["items"]}
    archived = (await admin_client.get(f"{API}/wangcheng/children?status=archived")).json()
    assert [t["slug"] for t in archived["items"]] == ["gaotangling"]
    assert (await admin_client.get(f"{API}/wangfulu")).json()["status"] == "archived"
    detail = problem(
        await admin_client.post(f"{API}/wangfulu/children", json={"slug": "late", "name": "晚"}),
        409,
    )
    assert detail["type"].endswith("tenant-archived")
    # The status filter is an enum of the query string: a bad value is a 400 naming it.
    bad_filter = problem(await admin_client.get(f"{API}/wangcheng/children?status=gone"), 400)
    assert bad_filter["errors"][0]["field"] == "status"


async def test_a_tenant_under_a_suspended_ancestor_cannot_be_reactivated_alone(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    assert (await admin_client.patch(f"{API}/wangfulu", json={"status": "suspended"})).is_success
    assert (await admin_client.patch(f"{API}/gaotangling", json={"status": "suspended"})).is_success
    detail = problem(await admin_client.patch(f"{API}/wangfulu", json={"status": "active"}), 409)
    assert detail["blocked_by"] == "gaotangling"
    assert (await admin_client.patch(f"{API}/gaotangling", json={"status": "active"})).is_success
    again = await admin_client.patch(f"{API}/wangfulu", json={"status": "active", "name": "望府路"})
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["name"]) == ("active", "望府路")
