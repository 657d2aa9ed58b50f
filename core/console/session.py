"""Signing in to the console: the API's own tokens kept in HttpOnly cookies, and CSRF tokens.

Log-in posts the form's username and password to ``POST /api/v1/auth/login`` in-process (the
same password check, audit record and login throttle as any API client, counted against the
browser's address); the answer's access and refresh tokens become two cookies, ``HttpOnly``,
``SameSite=Lax``, scoped to ``/console`` and ``Secure`` behind HTTPS. Each page turns the access
cookie into the caller's :class:`~core.identity.principal.Principal` through the identity
area's :func:`~core.identity.authn.authenticate` (so logging out, disabling the user or revoking
the session ends the console session too); an expired access token is renewed once through
``POST /api/v1/auth/refresh``. Log-out revokes the login session through the API.

Every form that changes something carries a CSRF token: the HMAC, under the deployment's
secret key, of a random value kept in a third cookie (double submit, signed). A cross-site page
can neither read that cookie nor compute the token, and ``SameSite=Lax`` already keeps the
session cookies off its posts; a post without a matching token is refused with 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from core.console.api import ApiClient
from core.identity.authn import authenticate
from core.identity.principal import Principal
from core.settings import Settings

ACCESS_COOKIE = "gz_console"
REFRESH_COOKIE = "gz_console_refresh"
CSRF_COOKIE = "gz_csrf"
LANG_COOKIE = "gz_lang"
COOKIE_PATH = "/console"
CSRF_FIELD = "csrf_token"


def _secure(request: Request[Any, Any, Any]) -> bool:
    return request.url.scheme == "https"


def cookie(
    request: Request[Any, Any, Any], name: str, value: str, *, max_age: int | None = None
) -> Cookie:
    """A console cookie: HttpOnly, SameSite=Lax, path ``/console``, Secure over HTTPS."""
    return Cookie(
        key=name,
        value=value,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=max_age,
    )


def expired(request: Request[Any, Any, Any], name: str) -> Cookie:
    return Cookie(
        key=name,
        value="",
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=0,
    )


def settings_of(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def api_for(request: Request[Any, Any, Any], token: str | None = None) -> ApiClient:
    """A client of the app's API acting for ``token``'s holder from the browser's address."""
    client = request.scope.get("client")
    request_id = request.scope.get("state", {}).get("request_id")
    return ApiClient(
        request.app,
        token=token,
        client=(client[0], client[1]) if client else None,
        request_id=request_id if isinstance(request_id, str) else None,
    )


@dataclass
class Visit:
    """The browser's standing on one request: who is signed in, and cookies to send back."""

    principal: Principal | None
    token: str | None
    csrf_seed: str
    cookies: list[Cookie] = field(default_factory=list)

    def api(self, request: Request[Any, Any, Any]) -> ApiClient:
        return api_for(request, self.token)

    def csrf_token(self, settings: Settings) -> str:
        return csrf_token_for(settings, self.csrf_seed)

    def finish(self, response: Response[Any]) -> Response[Any]:
        for item in self.cookies:
            response.set_cookie(item)
        return response


def csrf_token_for(settings: Settings, seed: str) -> str:
    return hmac.new(
        settings.secret_key.encode(), f"console-csrf:{seed}".encode(), hashlib.sha256
    ).hexdigest()


def csrf_ok(settings: Settings, seed: str | None, token: str | None) -> bool:
    """True when ``token`` is the CSRF token of the browser's ``seed`` cookie."""
    if not seed or not token:
        return False
    return hmac.compare_digest(csrf_token_for(settings, seed), token)


async def visit(request: Request[Any, Any, Any]) -> Visit:
    """Who the browser is signed in as (renewing an expired access token once), or nobody."""
    settings = settings_of(request)
    cookies: list[Cookie] = []
    seed = request.cookies.get(CSRF_COOKIE)
    if not seed:
        seed = secrets.token_urlsafe(32)
        cookies.append(cookie(request, CSRF_COOKIE, seed))
    token = request.cookies.get(ACCESS_COOKIE)
    principal: Principal | None = None
    state = request.app.state
    if token:
        principal = await authenticate(settings, state.db, state.principal_cache, token)
    if principal is None and (refresh := request.cookies.get(REFRESH_COOKIE)):
        answer = await api_for(request).post("/api/v1/auth/refresh", {"refresh_token": refresh})
        if answer.ok:
            pair = answer.json()
            token = str(pair["access_token"])
            cookies.extend(session_cookies(request, pair))
            principal = await authenticate(settings, state.db, state.principal_cache, token)
        else:
            cookies.extend([expired(request, ACCESS_COOKIE), expired(request, REFRESH_COOKIE)])
    if principal is None:
        token = None
    return Visit(principal=principal, token=token, csrf_seed=seed, cookies=cookies)


def session_cookies(request: Request[Any, Any, Any], pair: dict[str, Any]) -> list[Cookie]:
    """The two cookies of a token pair answered by log-in or refresh."""
    settings = settings_of(request)
    return [
        cookie(request, ACCESS_COOKIE, str(pair["access_token"])),
        cookie(
            request,
            REFRESH_COOKIE,
            str(pair["refresh_token"]),
            max_age=settings.refresh_token_ttl,
        ),
    ]
