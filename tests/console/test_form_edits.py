"""Edit forms open with the record's values and change only what the user changed; fields that
name another record are choice lists of exactly the records (or tenants) in the page's reach.

Five-sector is on at every tenant of the console tests' tree (望城区 › 高塘岭街道 › 望府路社区,
雷锋路社区; 岳麓区 apart). Each test runs on SQLite and, with ``GONGZHI_TEST_POSTGRES``, on
PostgreSQL.
"""

from __future__ import annotations

import html
import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.testing import login_headers
from tests.console.conftest import PASSWORD, ConsoleTree, SignIn, csrf_of
from tests.console.module_pages import created, switch_on

ORGS = "/console/t/wangfulu/m/five-sector/organisations"


def _form(page: str, key: str) -> str:
    found = re.search(rf'<form [^>]*data-form="{key}".*?</form>', page, re.S)
    assert found, f"no form {key}"
    return found.group(0)


def _input(form: str, name: str) -> str:
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', form)
    assert found, f"no input {name}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return html.unescape(value.group(1)) if value else ""


def _selected(form: str, name: str) -> list[str]:
    found = re.search(rf'<select [^>]*name="{name}".*?</select>', form, re.S)
    assert found, f"no select {name}"
    return re.findall(r'<option value="([^"]*)" selected>', found.group(0))


def _options(form: str, name: str) -> dict[str, str]:
    """A choice list's options: value → label."""
    found = re.search(rf'<select [^>]*name="{name}".*?</select>', form, re.S)
    assert found, f"no select {name}"
    return {
        value: html.unescape(label)
        for value, label in re.findall(
            r'<option value="([^"]+)"(?: selected)?>([^<]*)</option>', found.group(0)
        )
    }


def _fields(form: str) -> dict[str, str]:
    """Every named input, select and text area of a form with the value a browser would post
    untouched (an unchecked box posts nothing)."""
    posted: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or ' form="' in tag:
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                posted[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        posted[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.findall(r'<option value="([^"]*)" selected>', body)
        if chosen:
            posted[name] = chosen[0]
    for name, body in re.findall(
        r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        posted[name] = html.unescape(body)
    return posted


async def _organisation(admin: AsyncTestClient[Litestar]) -> str:
    return await created(
        admin,
        f"{ORGS}/new",
        name="望府路书画社",
        kind="community",
        category="文体类",
        founders_count="3",
        members_count="12",
        address="望府路活动中心",
        brand_project="on",
    )


async def test_an_edit_form_opens_with_the_stored_values(
    tree: ConsoleTree, sign_in: SignIn
) -> None:
    admin = await sign_in("wfl-admin")
    record = await _organisation(admin)
    form = _form((await admin.get(record)).text, "edit")
    assert _input(form, "name") == "望府路书画社"
    assert _input(form, "founders_count") == "3"
    assert _input(form, "members_count") == "12"
    assert _input(form, "address") == "望府路活动中心"
    assert re.search(r'<input type="checkbox" [^>]*name="brand_project" checked>', form)
    assert _input(form, "charter_document") == ""
    # What the form opened with travels with it, so the post can tell what changed.
    assert _input(form, "_was_name") == "望府路书画社"
    # A create form still opens empty.
    blank = (await admin.get(f"{ORGS}/new")).text
    assert _input(_form(blank, "create"), "name") == ""


async def test_a_patch_through_the_console_changes_only_the_edited_field(
    client: AsyncTestClient[Litestar], tree: ConsoleTree, sign_in: SignIn
) -> None:
    admin = await sign_in("wfl-admin")
    record = await _organisation(admin)
    org_id = record.rsplit("/", 1)[1]
    page = (await admin.get(record)).text
    posted = _fields(_form(page, "edit"))
    # Someone else changes the members count and clears the brand flag after the form opened:
    # fields the user leaves alone must not be sent back over those changes.
    api = f"/api/v1/tenants/wangfulu/five-sector/organisations/{org_id}"
    headers = await login_headers(client, "wfl-admin", PASSWORD)
    other = await client.patch(
        api, json={"members_count": 30, "brand_project": False}, headers=headers
    )
    assert other.status_code == 200, other.text
    posted["name"] = "望府路书画协会"
    answer = await admin.post(f"{record}/edit", data=posted, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    stored = (await client.get(api, headers=headers)).json()
    assert stored["name"] == "望府路书画协会"
    assert stored["members_count"] == 30
    assert stored["brand_project"] is False
    assert stored["founders_count"] == 3
    assert stored["address"] == "望府路活动中心"
    # Emptying a field is a change: the address is cleared, nothing else moves.
    form = _form((await admin.get(record)).text, "edit")
    assert _input(form, "members_count") == "30"
    again = _fields(form)
    again["address"] = ""
    assert again.get("brand_project") is None
    answer = await admin.post(f"{record}/edit", data=again, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    stored = (await client.get(api, headers=headers)).json()
    assert stored["address"] is None
    assert (stored["name"], stored["members_count"], stored["brand_project"]) == (
        "望府路书画协会",
        30,
        False,
    )


async def test_a_refused_edit_shows_what_the_user_typed(tree: ConsoleTree, sign_in: SignIn) -> None:
    admin = await sign_in("wfl-admin")
    record = await _organisation(admin)
    posted = _fields(_form((await admin.get(record)).text, "edit"))
    posted["name"] = "望府路书画研究会"
    posted["founders_count"] = "-4"
    answer = await admin.post(f"{record}/edit", data=posted)
    assert answer.status_code == 422
    form = _form(answer.text, "edit")
    assert 'aria-invalid="true"' in form
    assert _input(form, "founders_count") == "-4"
    assert _input(form, "name") == "望府路书画研究会"
    # The values the form first opened with are kept for the next try.
    assert _input(form, "_was_name") == "望府路书画社"
    assert _input(form, "_was_founders_count") == "3"
    # Nothing was stored.
    assert 'data-field="name">望府路书画社<' in answer.text


async def test_a_choice_list_offers_exactly_the_records_in_reach(
    db: Database, tree: ConsoleTree, sign_in: SignIn
) -> None:
    mine = await sign_in("wfl-admin")
    theirs = await sign_in("lfl-admin")
    await created(
        mine,
        "/console/t/wangfulu/m/five-sector/volunteers/new",
        name="望府路志愿者",
        volunteer_number="W1",
    )
    await created(
        theirs,
        "/console/t/leifenglu/m/five-sector/volunteers/new",
        name="雷锋路志愿者",
        volunteer_number="L1",
    )
    activity = await created(
        mine,
        "/console/t/wangfulu/m/five-sector/activities/new",
        title="重阳敬老",
        category="助老",
        place="望府路活动中心",
        starts_at="2026-10-29T09:00",
        ends_at="2026-10-29T11:00",
    )
    form = _form((await mine.get(activity)).text, "sign-up")
    offered = _options(form, "volunteer_id")
    assert sorted(offered.values()) == ["望府路志愿者"]
    # The district reaches both communities' volunteers, and still nothing of 岳麓区.
    district = await sign_in("wc-admin")
    listed = _form(
        (await district.get(activity.replace("/t/wangfulu/", "/t/wangcheng/"))).text, "sign-up"
    )
    assert sorted(_options(listed, "volunteer_id").values()) == ["望府路志愿者", "雷锋路志愿者"]
    # Signing up through the list names the volunteer by id.
    volunteer = next(iter(offered))
    answer = await mine.post(
        f"{activity}/sign-up",
        data={"csrf_token": csrf_of(form), "role": "volunteer", "volunteer_id": volunteer},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert "望府路志愿者" in (await mine.get(activity)).text


async def test_a_tenant_choice_lists_the_tenant_and_its_subtree_only(
    tree: ConsoleTree, sign_in: SignIn
) -> None:
    town = await sign_in("wc-admin")
    page = (await town.get("/console/t/gaotangling/m/five-sector/volunteers/new")).text
    offered = _options(_form(page, "create"), "served_tenants")
    assert list(offered) == ["gaotangling", "leifenglu", "wangfulu"] or set(offered) == {
        "gaotangling",
        "leifenglu",
        "wangfulu",
    }
    assert offered["gaotangling"] == "高塘岭街道"
    assert re.search(r'<select [^>]*name="served_tenants" multiple', page)
    # Several tenants chosen are posted as several values and all kept.
    answer = await town.post(
        "/console/t/gaotangling/m/five-sector/volunteers/new",
        data={
            "csrf_token": csrf_of(page),
            "name": "高塘岭志愿者",
            "volunteer_number": "G1",
            "served_tenants": ["wangfulu", "leifenglu"],
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    community = await sign_in("lfl-admin")
    page = (await community.get("/console/t/leifenglu/m/five-sector/volunteers/new")).text
    assert set(_options(_form(page, "create"), "served_tenants")) == {"leifenglu"}


async def test_the_search_box_narrows_a_choice_list_within_reach(
    tree: ConsoleTree, sign_in: SignIn
) -> None:
    mine = await sign_in("wfl-admin")
    theirs = await sign_in("lfl-admin")
    for number, name in (("W1", "张三"), ("W2", "李四")):
        await created(
            mine,
            "/console/t/wangfulu/m/five-sector/volunteers/new",
            name=name,
            volunteer_number=number,
        )
    await created(
        theirs,
        "/console/t/leifenglu/m/five-sector/volunteers/new",
        name="张五",
        volunteer_number="L1",
    )
    url = "/console/t/wangfulu/choices/five-sector/activities/sign-up/volunteer_id"
    found = await mine.get(url, params={"_search": "张"})
    assert found.status_code == 200
    labels = re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]*)</option>", found.text)
    assert labels == ["张三"]
    # Another tenant's records are not reached by searching either.
    assert "张五" not in found.text
    outside = await mine.get(
        "/console/t/leifenglu/choices/five-sector/activities/sign-up/volunteer_id"
    )
    assert outside.status_code == 404
    unknown = await mine.get("/console/t/wangfulu/choices/five-sector/activities/sign-up/role")
    assert unknown.status_code == 404


async def test_a_reference_stays_a_text_input_where_its_list_cannot_be_read(
    client: AsyncTestClient[Litestar], db: Database, tree: ConsoleTree, sign_in: SignIn
) -> None:
    """Party-building's unit names a five-sector organisation: a choice list where five-sector
    is on, an id (or the name) typed where it is off and its list answers 404."""
    await switch_on(db, "party-building")
    admin = await sign_in("wfl-admin")
    branch = await created(
        admin,
        "/console/t/wangfulu/m/party-building/organisations/new",
        name="望府路党支部",
        kind="branch",
        secretary_name="张书记",
        established_on="2020-07-01",
    )
    form = _form((await admin.get(branch)).text, "unit")
    assert re.search(r'<select [^>]*name="organisation_id"', form)
    # The members form picks its party organisation from the module's own list.
    page = (await admin.get("/console/t/wangfulu/m/party-building/members/new")).text
    assert _options(_form(page, "create"), "party_organisation_id") == {
        branch.rsplit("/", 1)[1]: "望府路党支部"
    }
    off = await client.put(
        "/api/v1/tenants/wangfulu/modules/five-sector",
        json={"enabled": False},
        headers=await login_headers(client, "wc-admin", PASSWORD),
    )
    assert off.status_code == 200, off.text
    form = _form((await admin.get(branch)).text, "unit")
    assert not re.search(r'<select [^>]*name="organisation_id"', form)
    assert re.search(r'<input [^>]*name="organisation_id" type="text"', form)


async def test_a_party_members_edit_keeps_what_the_user_left_alone(
    client: AsyncTestClient[Litestar], db: Database, tree: ConsoleTree, sign_in: SignIn
) -> None:
    await switch_on(db, "party-building")
    admin = await sign_in("wfl-admin")
    base = "/console/t/wangfulu/m/party-building"
    branch = await created(
        admin,
        f"{base}/organisations/new",
        name="望府路党支部",
        kind="branch",
        secretary_name="张书记",
        established_on="2020-07-01",
        has_committee="on",
    )
    member = await created(
        admin,
        f"{base}/members/new",
        party_organisation_id=branch.rsplit("/", 1)[1],
        name="李党员",
        status="full",
        joined_on="2015-01-10",
        converted_on="2016-01-10",
        phone="13800000000",
        show_identity="on",
        model_post="助老示范岗",
    )
    form = _form((await admin.get(member)).text, "edit")
    assert _input(form, "phone") == "13800000000"
    assert _input(form, "model_post") == "助老示范岗"
    assert re.search(r'name="show_identity" checked', form)
    posted = _fields(form)
    posted["model_post"] = "文体示范岗"
    answer = await admin.post(f"{member}/edit", data=posted, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    headers = await login_headers(client, "wfl-admin", PASSWORD)
    stored = (
        await client.get(
            f"/api/v1/tenants/wangfulu/party-building/members/{member.rsplit('/', 1)[1]}",
            headers=headers,
        )
    ).json()
    assert (stored["phone"], stored["show_identity"], stored["model_post"]) == (
        "13800000000",
        True,
        "文体示范岗",
    )
    # The organisation's edit opens with its name, secretary and committee, and renaming it
    # leaves the committee in place.
    form = _form((await admin.get(branch)).text, "edit")
    assert _input(form, "secretary_name") == "张书记"
    assert re.search(r'name="has_committee" checked', form)
    posted = _fields(form)
    posted["name"] = "望府路第一党支部"
    answer = await admin.post(f"{branch}/edit", data=posted, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    stored = (
        await client.get(
            f"/api/v1/tenants/wangfulu/party-building/organisations/{branch.rsplit('/', 1)[1]}",
            headers=headers,
        )
    ).json()
    assert (stored["name"], stored["secretary_name"], stored["has_committee"]) == (
        "望府路第一党支部",
        "张书记",
        True,
    )
