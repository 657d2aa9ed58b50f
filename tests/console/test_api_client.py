"""The console's in-process API client: one page's identical GETs answered once."""

from __future__ import annotations

from typing import Any

from core.console.api import ApiClient


class CountingApp:
    """An ASGI app answering every request with how many it has seen, by method and path."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, bytes]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await receive()
        self.seen.append((scope["method"], scope["path"], scope["query_string"]))
        body = str(len(self.seen)).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


async def test_an_identical_get_is_answered_once_until_the_page_changes_something() -> None:
    app = CountingApp()
    api = ApiClient(app, token="t")
    first = await api.get("/api/v1/tenants/a", limit=200)
    again = await api.get("/api/v1/tenants/a", limit=200)
    assert first.json() == again.json() == 1
    assert len(app.seen) == 1
    other = await api.get("/api/v1/tenants/a", limit=100)
    assert other.json() == 2
    assert (await api.get("/api/v1/tenants/b")).json() == 3
    await api.post("/api/v1/tenants/a/archive")
    assert (await api.get("/api/v1/tenants/a", limit=200)).json() == 5
    assert [method for method, _, _ in app.seen] == ["GET", "GET", "GET", "POST", "GET"]


async def test_each_client_keeps_its_own_answers() -> None:
    app = CountingApp()
    assert (await ApiClient(app).get("/api/v1/me")).json() == 1
    assert (await ApiClient(app).get("/api/v1/me")).json() == 2
