"""The console's client of the typed API, called in-process through the app's ASGI entry.

Every figure, list and change the console shows or makes goes through the same route an API
client would call, with the signed-in user's access token: the one access check (404 outside
reach), the module guard, row-level security, validation (422 naming fields), throttling,
audit records and events all apply unchanged, and the console holds no rule of its own. A call
costs no socket: the request is handed to the app object and its answer collected in memory.

A client serves one console page. Within it a GET asked twice (a record read for itself and
again for the lists it holds) is answered once: the second gets the first's answer, until the
page makes a change (any other method), which forgets every answer kept so far.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from litestar.types import ASGIApp


@dataclass(frozen=True, slots=True)
class ApiAnswer:
    """One answer: status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def problem(self) -> Mapping[str, Any]:
        """The RFC 9457 problem of a refused call (empty when the body is not one)."""
        try:
            found = self.json()
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}


class ApiClient:
    """Calls the app's own routes as ``token``'s holder, from ``client`` (the browser's
    address, so the login throttle counts the real caller)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None = None,
        client: tuple[str, int] | None = None,
        request_id: str | None = None,
    ) -> None:
        self.app = app
        self.token = token
        self.client = client
        self.request_id = request_id
        self._answers: dict[tuple[str, str], ApiAnswer] = {}

    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> ApiAnswer:
        headers: list[tuple[bytes, bytes]] = [(b"host", b"console.internal")]
        payload = b""
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode()
            headers.append((b"content-type", b"application/json"))
        headers.append((b"content-length", str(len(payload)).encode()))
        if self.token:
            headers.append((b"authorization", f"Bearer {self.token}".encode()))
        if self.request_id:
            headers.append((b"x-request-id", self.request_id.encode()))
        clean = {k: v for k, v in (query or {}).items() if v is not None and v != ""}
        if method != "GET":
            self._answers.clear()
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": urlencode(clean, doseq=True).encode(),
            "headers": headers,
            "client": self.client or ("127.0.0.1", 0),
            "server": ("console.internal", 80),
            "state": {},
            "extensions": {},
        }
        sent = False
        status = 500
        answer_headers: dict[str, str] = {}
        chunks: list[bytes] = []

        async def receive() -> Any:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}

        async def send(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", []):
                    answer_headers[name.decode("latin-1").lower()] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(cast(Any, scope), receive, send)
        return ApiAnswer(status, answer_headers, b"".join(chunks))

    async def get(self, path: str, **query: Any) -> ApiAnswer:
        """``GET path?query``, answered from this page's earlier identical GET if there was
        one since its last change."""
        key = (path, urlencode(sorted((k, str(v)) for k, v in query.items())))
        found = self._answers.get(key)
        if found is None:
            found = await self.call("GET", path, query=query)
            self._answers[key] = found
        return found

    async def post(self, path: str, body: Any = None, **query: Any) -> ApiAnswer:
        return await self.call("POST", path, query=query, body=body)
