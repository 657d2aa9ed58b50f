"""A third-party module gets console pages through ``gongzhi_console_pages`` alone.

The ``memo`` plugin below is shaped like an outside distribution: a manifest with routes and
permissions, and a declaration of its pages. It keeps its memos in process memory (a test
plugin needs no tables); the console renders its navigation entry, list, create form and detail
from the declaration and its request-body struct, and calls its routes as the signed-in user.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Literal

import msgspec
import pytest
import structlog
from litestar import get, post, put

from core import (
    ConsoleChoices,
    ConsoleField,
    ConsoleForm,
    ConsoleLabel,
    ConsolePages,
    ConsoleResource,
    Manifest,
    NotFound,
    Page,
    Paging,
    Permission,
    Tenant,
    hookimpl,
)
from core.console import collect_pages
from core.modules.host import PluginHost
from core.settings import Settings
from tests.console.conftest import ConsoleTree, SignIn, csrf_of


class MemoIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    urgency: Literal["low", "high"] = "low"
    pinned: bool = False


class Memo(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    text: str
    urgency: str
    pinned: bool
    see_also: list[uuid.UUID] = msgspec.field(default_factory=list)


class SeeAlso(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    memo_id: uuid.UUID


MEMOS: dict[uuid.UUID, dict[uuid.UUID, Memo]] = {}


@get("/memos", opt={"permission": "memo:read"})
async def list_memos(tenant: Tenant, paging: Paging, q: str | None = None) -> Page[Memo]:
    items = [m for m in MEMOS.get(tenant.id, {}).values() if not q or q in m.text]
    return Page(
        items=items[paging.offset : paging.offset + paging.limit],
        total=len(items),
        limit=paging.limit,
        offset=paging.offset,
    )


def _memo(tenant: Tenant, memo_id: uuid.UUID) -> Memo:
    found = MEMOS.get(tenant.id, {}).get(memo_id)
    if found is None:
        raise NotFound("备忘")
    return found


@get("/memos/{memo_id:uuid}", opt={"permission": "memo:read"})
async def get_memo(tenant: Tenant, memo_id: uuid.UUID) -> Memo:
    return _memo(tenant, memo_id)


@post("/memos", opt={"permission": "memo:write"})
async def add_memo(tenant: Tenant, data: MemoIn) -> Memo:
    memo = Memo(id=uuid.uuid4(), text=data.text, urgency=data.urgency, pinned=data.pinned)
    MEMOS.setdefault(tenant.id, {})[memo.id] = memo
    return memo


@put("/memos/{memo_id:uuid}", opt={"permission": "memo:write"})
async def replace_memo(tenant: Tenant, memo_id: uuid.UUID, data: MemoIn) -> Memo:
    found = _memo(tenant, memo_id)
    memo = Memo(id=found.id, text=data.text, urgency=data.urgency, pinned=data.pinned)
    MEMOS[tenant.id][memo_id] = memo
    return memo


@post("/memos/{memo_id:uuid}/see-also", opt={"permission": "memo:write"})
async def link_memo(tenant: Tenant, memo_id: uuid.UUID, data: SeeAlso) -> Memo:
    found = _memo(tenant, memo_id)
    other = _memo(tenant, data.memo_id)
    found.see_also.append(other.id)
    return found


class MemoPlugin:
    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return Manifest(
            name="memo",
            title="备忘",
            title_en="Memos",
            version="0.1.0",
            default_enabled=True,
            permissions=[
                Permission("memo:read", "查看备忘", "Read", frozenset({"admin", "staff"}), "memo"),
                Permission("memo:write", "写备忘", "Write", frozenset({"admin"}), "memo"),
            ],
            routes=[list_memos, get_memo, add_memo, replace_memo, link_memo],
        )

    @hookimpl
    def gongzhi_console_pages(self) -> ConsolePages:
        return ConsolePages(
            title="备忘",
            title_en="Memos",
            resources=[
                ConsoleResource(
                    slug="memos",
                    title="备忘",
                    title_en="Memos",
                    list_path="/memos",
                    columns=[ConsoleField(key="text", title="内容", title_en="Text", link=True)],
                    detail_path="/memos/{id}",
                    detail_fields=[
                        ConsoleField(key="text", title="内容", title_en="Text"),
                        ConsoleField(key="urgency", title="紧急程度", title_en="Urgency"),
                        ConsoleField(key="pinned", title="置顶", title_en="Pinned"),
                    ],
                    create=ConsoleForm(
                        key="create",
                        title="写备忘",
                        title_en="Write a memo",
                        schema=MemoIn,
                        path="/memos",
                        labels={"text": ConsoleLabel(title="内容", title_en="Text")},
                    ),
                    actions=[
                        ConsoleForm(
                            key="edit",
                            title="改写",
                            title_en="Rewrite",
                            schema=MemoIn,
                            path="/memos/{id}",
                            method="PUT",
                        ),
                        ConsoleForm(
                            key="see-also",
                            title="参见",
                            title_en="See also",
                            schema=SeeAlso,
                            path="/memos/{id}/see-also",
                            labels={
                                "memo_id": ConsoleLabel(
                                    title="另一条备忘",
                                    title_en="Another memo",
                                    choices_from=ConsoleChoices(
                                        path="/memo/memos", label="text", search="q", limit=1
                                    ),
                                )
                            },
                        ),
                    ],
                )
            ],
        )


class BrokenPages:
    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return Manifest(name="broken-pages", title="坏", title_en="Broken", version="0.1.0")

    @hookimpl
    def gongzhi_console_pages(self) -> ConsolePages:
        raise RuntimeError("no pages today")


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    return [("memo", MemoPlugin())]


async def test_a_third_party_module_gets_its_pages_from_its_declaration(
    tree: ConsoleTree, sign_in: SignIn
) -> None:
    client = await sign_in("wfl-admin")
    home = await client.get("/console/t/wangfulu")
    assert 'data-module="memo"' in home.text
    form = await client.get("/console/t/wangfulu/m/memo/memos/new")
    assert '<select id="create-urgency" name="urgency">' in form.text
    assert 'type="checkbox" id="create-pinned"' in form.text
    assert 'maxlength="40"' in form.text
    made = await client.post(
        "/console/t/wangfulu/m/memo/memos/new",
        data={
            "csrf_token": csrf_of(form.text),
            "text": "换灯泡",
            "urgency": "high",
            "pinned": "on",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    detail = await client.get(made.headers["location"])
    assert 'data-field="urgency">high<' in detail.text
    assert 'data-field="pinned">是<' in detail.text
    listed = await client.get("/console/t/wangfulu/m/memo/memos")
    assert "换灯泡" in listed.text
    # Another community's administrator sees none of it, and the module's pages 404 when off.
    other = await sign_in("lfl-admin")
    assert (
        await other.get(made.headers["location"].replace("wangfulu", "leifenglu"))
    ).status_code == 404


def test_a_module_whose_pages_fail_is_left_without_pages(settings: Settings) -> None:
    host = PluginHost(settings)
    host.load([("memo", MemoPlugin()), ("broken-pages", BrokenPages())], discover=False)
    with structlog.testing.capture_logs() as logs:
        pages = collect_pages(host)
    assert sorted(pages) == ["memo"]
    assert any(e.get("plugin") == "broken-pages" for e in logs)


async def test_a_plugins_put_edit_and_searchable_choice_work_from_its_declaration(
    tree: ConsoleTree, sign_in: SignIn
) -> None:
    client = await sign_in("wfl-admin")
    base = "/console/t/wangfulu/m/memo/memos"
    made = []
    for text in ("换灯泡", "修水管"):
        form = await client.get(f"{base}/new")
        answer = await client.post(
            f"{base}/new",
            data={
                "csrf_token": csrf_of(form.text),
                "text": text,
                "urgency": "high",
                "pinned": "on",
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        made.append(answer.headers["location"])
    detail = (await client.get(made[0])).text
    edit = detail.split('data-form="edit"')[1].split("</form>")[0]
    assert 'name="text" type="text" required maxlength="40" value="换灯泡"' in edit
    assert '<option value="high" selected>' in edit
    assert 'name="pinned" checked' in edit
    # The choice list shows its first record only (limit 1) and a search box for the rest.
    link = detail.split('data-form="see-also"')[1].split("</form>")[0]
    assert 'type="search"' in link
    assert len(re.findall(r"<option value=\"[0-9a-f-]{36}\"", link)) == 1
    url = "/console/t/wangfulu/choices/memo/memos/see-also/memo_id"
    found = await client.get(url, params={"_search": "水管", "record": made[0].rsplit("/", 1)[1]})
    assert found.status_code == 200
    assert re.findall(r">([^<]+)</option>", found.text) == ["修水管"]
    # A PUT sends the whole record: the untouched urgency and pin stay as they were.
    posted = {
        "csrf_token": csrf_of(detail),
        "text": "换走廊灯泡",
        "urgency": "high",
        "pinned": "on",
        "_was_text": "换灯泡",
        "_was_urgency": "high",
        "_was_pinned": "on",
    }
    answer = await client.post(f"{made[0]}/edit", data=posted, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    shown = (await client.get(made[0])).text
    assert 'data-field="text">换走廊灯泡<' in shown
    assert 'data-field="urgency">high<' in shown
    assert 'data-field="pinned">是<' in shown
    other = made[1].rsplit("/", 1)[1]
    answer = await client.post(
        f"{made[0]}/see-also",
        data={"csrf_token": csrf_of(shown), "memo_id": other},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
