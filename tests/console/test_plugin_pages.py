"""A third-party module gets console pages through ``gongzhi_console_pages`` alone.

The ``memo`` plugin below is shaped like an outside distribution: a manifest with routes and
permissions, and a declaration of its pages. It keeps its memos in process memory (a test
plugin needs no tables); the console renders its navigation entry, list, create form and detail
from the declaration and its request-body struct, and calls its routes as the signed-in user.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec
import pytest
import structlog
from litestar import get, post

from core import (
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


MEMOS: dict[uuid.UUID, dict[uuid.UUID, Memo]] = {}


@get("/memos", opt={"permission": "memo:read"})
async def list_memos(tenant: Tenant, paging: Paging) -> Page[Memo]:
    items = list(MEMOS.get(tenant.id, {}).values())
    return Page(
        items=items[paging.offset : paging.offset + paging.limit],
        total=len(items),
        limit=paging.limit,
        offset=paging.offset,
    )


@get("/memos/{memo_id:uuid}", opt={"permission": "memo:read"})
async def get_memo(tenant: Tenant, memo_id: uuid.UUID) -> Memo:
    found = MEMOS.get(tenant.id, {}).get(memo_id)
    if found is None:
        raise NotFound("备忘")
    return found


@post("/memos", opt={"permission": "memo:write"})
async def add_memo(tenant: Tenant, data: MemoIn) -> Memo:
    memo = Memo(id=uuid.uuid4(), text=data.text, urgency=data.urgency, pinned=data.pinned)
    MEMOS.setdefault(tenant.id, {})[memo.id] = memo
    return memo


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
            routes=[list_memos, get_memo, add_memo],
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
