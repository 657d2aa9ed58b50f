"""The kernel's one ASGI middleware on every route: request id and log context, metrics,
authentication.

What a request gets is what three middlewares gave it, in their order:

1. a request id (the client's valid ``X-Request-ID`` or a fresh one), kept in
   ``scope["state"]["request_id"]``, bound to the log context and sent back as the answer's
   ``X-Request-ID`` header (:mod:`core.logging`);
2. the caller: ``scope["user"]`` is the bearer token's :class:`~core.identity.principal.Principal`
   or None and the audit context names it; a route that declares a permission answers 401
   without valid credentials, before the tenant is looked up (:mod:`core.identity.authn`),
   through this layer like any other answer (its ``X-Request-ID``, its access line and metrics
   with status 401);
3. once the answer is sent (or the request failed): the request counted and timed in the
   Prometheus metrics (:mod:`core.prometheus`), and one access line written.

One layer instead of three: each layer was a coroutine per request and a ``send`` wrapper per
message, and Litestar placed its own exception layer inside them. A token whose principal the
process already knows is checked without an await.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

from litestar import Litestar, Request
from litestar.exceptions import NotAuthorizedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.audit import audit_context
from core.errors import http_handler
from core.identity.authn import (
    AuthenticationMiddleware,
    audit_context_of,
    bearer_token,
    cached_principal,
    load_principal,
    refuse_anonymous,
)
from core.identity.principal import Principal
from core.logging import REQUEST_ID_HEADER, bind, end_request, request_id_of, start_request
from core.prometheus import record


class RequestMiddleware:
    """Request id, log context, authentication, metrics and access line of an HTTP request;
    any other connection is authenticated by :class:`AuthenticationMiddleware` alone."""

    __slots__ = ("_other", "app")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._other = AuthenticationMiddleware(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await self._other(scope, receive, send)
            return
        request_id = request_id_of(scope["headers"])
        scope.setdefault("state", {})["request_id"] = request_id
        start_request(request_id)
        started = perf_counter()
        status = 500
        id_header = (REQUEST_ID_HEADER, request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append(id_header)
                message["headers"] = headers
            await send(message)

        try:
            token = bearer_token(scope)
            principal: Principal | None = None
            if token is not None:
                state = Litestar.from_scope(scope).state
                found, principal = cached_principal(state.settings, state.principal_cache, token)
                if not found:
                    principal = await load_principal(
                        state.settings, state.db, state.principal_cache, token
                    )
            scope["user"] = principal
            reset = audit_context.set(audit_context_of(scope, principal))
            try:
                if principal is not None:
                    bind(user=principal.username)
                try:
                    refuse_anonymous(scope, principal, token)
                except NotAuthorizedException as refusal:
                    await _answer(scope, receive, send_with_id, refusal)
                    return
                await self.app(scope, receive, send_with_id)
            finally:
                audit_context.reset(reset)
        finally:
            seconds = perf_counter() - started
            try:
                record(scope, status, seconds)
            finally:
                end_request(scope.get("method"), scope["path"], status, seconds)


async def _answer(
    scope: Scope, receive: Receive, send: Send, refusal: NotAuthorizedException
) -> None:
    """Answer ``refusal`` as the application's exception handler would, through ``send``.

    Raised from here it would reach the application's outermost exception layer, which answers
    on the server's own ``send``: no ``X-Request-ID``, and an access line and metrics that read
    500.
    """
    request: Request[Any, Any, Any] = Request(scope, receive)
    response = http_handler(request, refusal)
    await response.to_asgi_response(Litestar.from_scope(scope), request)(scope, receive, send)
