"""A module's public reads: ``opt["public"] = "<setting>"`` opens a GET route to anyone where
the module is on and that setting is true, and nowhere else."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar import Litestar, get, post
from litestar.testing import AsyncTestClient

from core import Manifest, Tenant, hookimpl
from core.db import Database
from core.modules.manifest import ManifestError
from core.testing import make_tree
from tests.modules.sample_plugins import manifest

Client = AsyncTestClient[Litestar]
ANONYMOUS = {"Authorization": ""}


class Board(msgspec.Struct, frozen=True):
    tenant: str


@get("/board", opt={"permission": "board:read", "public": "public_board"})
async def read_board(tenant: Tenant) -> Board:
    return Board(tenant.slug)


@post("/board", opt={"permission": "board:write"})
async def write_board(tenant: Tenant) -> Board:
    return Board(tenant.slug)


class BoardPlugin:
    @hookimpl
    def gongzhi_manifest(self) -> Manifest:
        return manifest(
            "board",
            settings={"public_board": False},
            routes=[read_board, write_board],
            default_enabled=True,
        )


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    return [("board", BoardPlugin())]


@pytest.fixture
async def tree(db: Database) -> dict[str, Tenant]:
    return await make_tree(db, {"district": {"town": {"comm": {}}}, "other": {}})


async def test_a_public_read_answers_anyone_only_where_its_setting_opens_it(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    url = "/api/v1/tenants/{}/board/board"
    first = await admin_client.get(url.format("comm"), headers=ANONYMOUS)
    assert first.status_code == 401, first.text
    opened = await admin_client.patch(
        "/api/v1/tenants/town", json={"settings": {"modules": {"board": {"public_board": True}}}}
    )
    assert opened.status_code == 200, opened.text
    for slug in ("town", "comm"):
        response = await admin_client.get(url.format(slug), headers=ANONYMOUS)
        assert response.status_code == 200, response.text
        assert response.json() == {"tenant": slug}
    assert (await admin_client.get(url.format("district"), headers=ANONYMOUS)).status_code == 401
    assert (await admin_client.get(url.format("other"), headers=ANONYMOUS)).status_code == 401
    assert (await admin_client.post(url.format("comm"), headers=ANONYMOUS)).status_code == 401
    assert (await admin_client.get(url.format("district"))).status_code == 200


async def test_a_public_read_closes_when_its_module_is_switched_off(
    admin_client: Client, tree: dict[str, Tenant]
) -> None:
    await admin_client.patch(
        "/api/v1/tenants/comm", json={"settings": {"modules": {"board": {"public_board": True}}}}
    )
    url = "/api/v1/tenants/comm/board/board"
    assert (await admin_client.get(url, headers=ANONYMOUS)).status_code == 200
    off = await admin_client.put("/api/v1/tenants/comm/modules/board", json={"enabled": False})
    assert off.status_code == 200, off.text
    assert (await admin_client.get(url, headers=ANONYMOUS)).status_code == 401
    assert (await admin_client.get(url)).status_code == 404


def test_only_a_read_naming_a_boolean_setting_may_be_public() -> None:
    @post("/open", opt={"permission": "board:write", "public": "public_board"})
    async def open_write() -> None: ...

    @get("/open", opt={"permission": "board:read", "public": "nothing"})
    async def open_unknown() -> None: ...

    with pytest.raises(ManifestError, match="may only read"):
        manifest("board", settings={"public_board": False}, routes=[open_write]).validate([])
    with pytest.raises(ManifestError, match="boolean setting"):
        manifest("board", settings={"public_board": False}, routes=[open_unknown]).validate([])
