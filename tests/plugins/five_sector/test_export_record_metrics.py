from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook
from sqlalchemy import select

from core import NotFound
from core.db import Database
from plugins.five_sector import MANIFEST, gongzhi_manifest, record
from plugins.five_sector.volunteers import services as volunteers
from plugins.five_sector.volunteers.schemas import VolunteerCreate
from tests.plugins.five_sector.conftest import Tree, url

Client = AsyncTestClient[Litestar]


async def seed(client: Client, tree: Tree) -> str:
    await client.post(
        url(tree.urban, "/organisations"),
        json={"name": '=HYPERLINK("x")', "kind": "community", "category": "文体类"},
    )
    volunteer = (
        await client.post(
            url(tree.urban, "/volunteers"),
            json={
                "name": "李芳",
                "volunteer_number": "V001",
                "id_type": "居民身份证",
                "id_number": "430112199001011234",
            },
        )
    ).json()["id"]
    await client.post(
        url(tree.urban, f"/volunteers/{volunteer}/entries"),
        json={"hours": 2.5, "served_on": date.today().isoformat(),
              "content": "<b>读书会</b>", "verified_by": "王主任"},
    )  # fmt: skip
    return str(volunteer)


async def test_lists_export_as_csv_with_chinese_headers(admin_client: Client, tree: Tree) -> None:
    await seed(admin_client, tree)
    response = await admin_client.get(url(tree.district, "/organisations/export?format=csv"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="organisations.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["名称", "类型", "类别", "状态"]
    assert rows[1][0] == '\'=HYPERLINK("x")'
    volunteers = await admin_client.get(url(tree.district, "/volunteers/export"))
    assert "V001,李芳" in volunteers.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "name",
    [
        "organisations",
        "volunteers",
        "social-workers",
        "activities",
        "charity-resources",
        "pairings",
    ],
)
async def test_each_list_exports_as_xlsx(admin_client: Client, tree: Tree, name: str) -> None:
    await seed(admin_client, tree)
    response = await admin_client.get(url(tree.district, f"/{name}/export?format=xlsx"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.title == name
    assert sheet.cell(1, 1).value


async def test_unknown_export_format_is_a_client_error(admin_client: Client, tree: Tree) -> None:
    response = await admin_client.get(url(tree.district, "/organisations/export?format=pdf"))
    assert response.status_code == 400


async def test_service_record_names_the_required_fields_escaped(
    admin_client: Client, tree: Tree
) -> None:
    volunteer = await seed(admin_client, tree)
    page = await admin_client.get(
        url(tree.urban, f"/volunteers/{volunteer}/record?responsible_person=王主任")
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    for expected in ("李芳", "居民身份证", "430112199001011234", "V001", "2.50", "望府路社区",
                     "王主任", "WANGFULU-V001-"):  # fmt: skip
        assert expected in text, expected
    assert "&lt;b&gt;读书会&lt;/b&gt;" in text
    assert "<b>读书会" not in text
    data = (
        await admin_client.get(url(tree.urban, f"/volunteers/{volunteer}/record?format=json"))
    ).json()
    assert data["volunteer"]["total_hours"] == 2.5
    assert data["issuing_body"] == "望府路社区"


async def test_pdf_record_is_a_real_pdf_or_says_the_font_is_missing(
    admin_client: Client, tree: Tree
) -> None:
    volunteer = await seed(admin_client, tree)
    response = await admin_client.get(url(tree.urban, f"/volunteers/{volunteer}/record?format=pdf"))
    if record.find_cjk_font() is None:
        assert response.status_code == 503
        assert response.json()["type"].endswith("pdf-font-missing")
    else:
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")


async def test_my_record_needs_a_signed_in_volunteer(admin_client: Client, tree: Tree) -> None:
    response = await admin_client.get(url(tree.urban, "/me/volunteer-record"))
    assert response.status_code == 404


async def test_the_volunteer_linked_to_a_user_is_found_for_that_user(
    db: Database, tree: Tree
) -> None:
    user_id = uuid.uuid4()
    async with db.session(write=True) as session:
        created = await volunteers.create(
            session,
            tree.urban,
            VolunteerCreate(name="李芳", volunteer_number="V9", user_id=user_id),
        )
    async with db.session() as session:
        found, minutes = await volunteers.of_user(session, tree.district, user_id)
        assert (found.id, minutes) == (created.id, 0)
        with pytest.raises(NotFound):
            await volunteers.of_user(session, tree.village, user_id)


async def test_metrics_are_per_tenant_figures(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    await seed(admin_client, tree)
    resource = (
        await admin_client.post(
            url(tree.town, "/charity-resources"),
            json={
                "kind": "money",
                "donor_kind": "enterprise",
                "donor_name": "某企业",
                "description": "捐款",
                "quantity": 50_000,
                "received_on": "2026-01-01",
            },
        )
    ).json()
    await admin_client.post(
        url(tree.town, f"/charity-resources/{resource['id']}/allocations"),
        json={"amount": 20_000, "project": "读书会"},
    )
    await admin_client.post(
        url(tree.district, "/pairings"),
        json={"urban": "wangfulu", "rural": "xinkang", "started_on": "2024-06-01"},
    )
    figures: dict[str, dict[uuid.UUID, int]] = {}
    async with db.session() as session:
        for metric in MANIFEST.metrics:
            rows = (await session.execute(metric.query())).all()
            figures[metric.name] = {tenant_id: int(value) for tenant_id, value in rows}
    expected: dict[str, Any] = {
        "five-sector.organisations": {tree.urban.id: 1},
        "five-sector.organisations_status_incubating": {tree.urban.id: 1},
        "five-sector.organisations_kind_community": {tree.urban.id: 1},
        "five-sector.organisations_category_4": {tree.urban.id: 1},
        "five-sector.volunteers": {tree.urban.id: 1},
        "five-sector.service_hours": {tree.urban.id: 2},
        "five-sector.charity_money_received": {tree.town.id: 50_000},
        "five-sector.charity_money_allocated": {tree.town.id: 20_000},
        "five-sector.pairings": {tree.district.id: 1},
        "five-sector.organisations_filed": {},
    }
    for name, value in expected.items():
        assert figures[name] == value, name
    assert all(m.name.startswith("five-sector.") for m in MANIFEST.metrics)


def test_manifest_is_valid_for_the_default_levels() -> None:
    manifest = gongzhi_manifest()
    manifest.validate(("district", "town", "community"))
    assert manifest.name == "five-sector"
    assert manifest.settings["targets"] == {"社区": 10, "村": 5}
    assert {p.name for p in manifest.permissions} >= {
        "five-sector:read", "five-sector:write", "five-sector:manage"
    }  # fmt: skip


async def test_settings_overrides_of_an_ancestor_apply(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    from core.tenancy.models import Tenant

    async with db.session(write=True) as session:
        district = (
            await session.execute(select(Tenant).where(Tenant.id == tree.district.id))
        ).scalar_one()
        district.settings = {"modules": {"five-sector": {"categories": ["自定义类"]}}}
    allowed = await admin_client.post(
        url(tree.urban, "/organisations"),
        json={"name": "甲", "kind": "community", "category": "自定义类"},
    )
    assert allowed.status_code == 201, allowed.text
    refused = await admin_client.post(
        url(tree.urban, "/organisations"),
        json={"name": "乙", "kind": "community", "category": "服务类"},
    )
    assert refused.status_code == 422
