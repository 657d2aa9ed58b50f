"""The console's pages of people: a tenant's members, one's own password, the audit log.

Like every console page they hold no rule of their own: each read and change is a call of the
typed API as the signed-in user (``/members``, ``/me/password``, ``/audit``), so the access check
(404 outside reach), the role and reach rules (403 with their reason), validation (422 naming
fields), throttling and audit records are the API's. A one-time password the API answers is
shown on the page that answers the form, once, and never put in a URL or a cookie.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.response import Redirect

from core.console.forms import field_errors, problem_message
from core.console.pages import PageContext, lang_for, not_found, open_page, render, to_login
from core.console.routes import PAGE_SIZE, _download, _one, _posted
from core.console.session import settings_of, visit
from core.identity.permissions import ROLES

MEMBER_ACTIONS = frozenset({"role", "reset", "disable", "enable", "remove"})
AUDIT_FILTERS = ("actor", "action", "module", "route", "tenant")
CHINA_OFFSET = "+08:00"


def _offset(request: Request[Any, Any, Any]) -> int:
    try:
        return max(0, int(request.query_params.get("offset") or 0))
    except ValueError:
        return 0


async def _members(
    page: PageContext,
    *,
    status: int = 200,
    notice: Mapping[str, Any] | None = None,
    error: Mapping[str, Any] | None = None,
) -> Response[Any]:
    params = page.request.query_params
    filters = {
        "q": (params.get("q") or "").strip(),
        "role": params.get("role") or "",
        "status": params.get("status") or "",
    }
    offset = _offset(page.request)
    answer = await page.api.get(
        f"/api/v1/tenants/{page.key}/members", limit=PAGE_SIZE, offset=offset, **filters
    )
    if not answer.ok:
        raise not_found(page.request, page.visit)
    body = answer.json()
    return page.page(
        "members.html",
        status=status,
        members=body["items"],
        total=body["total"],
        offset=offset,
        limit=PAGE_SIZE,
        filters=filters,
        roles=ROLES,
        manage=page.may("users:manage"),
        notice=notice,
        error=error,
    )


@get("/t/{tenant_key:str}/members")
async def members_page(request: Request[Any, Any, Any], tenant_key: str) -> Response[Any]:
    page = await open_page(request, tenant_key)
    return await _members(page)


@post("/t/{tenant_key:str}/members", status_code=200)
async def invite_member(request: Request[Any, Any, Any], tenant_key: str) -> Response[Any]:
    """Invite (or add a role to) a user; a new user's one-time password is shown this once."""
    values = await _posted(request)
    page = await open_page(request, tenant_key)
    body = {"username": _one(values, "username"), "role": _one(values, "role")}
    for optional in ("display_name", "password"):
        if _one(values, optional):
            body[optional] = _one(values, optional)
    answer = await page.api.post(f"/api/v1/tenants/{page.key}/members", body)
    if answer.ok:
        created = answer.json()
        return await _members(
            page,
            notice={
                "kind": "invited",
                "username": created["user"]["username"],
                "role": created["role"],
                "password": created.get("one_time_password"),
            },
        )
    errors, message = field_errors(answer.problem(), page.lang)
    return await _members(
        page,
        status=answer.status,
        error={"action": "invite", "message": message, "fields": errors, "values": body},
    )


@post("/t/{tenant_key:str}/members/{membership_id:str}/{action:str}", status_code=200)
async def change_member(
    request: Request[Any, Any, Any], tenant_key: str, membership_id: str, action: str
) -> Response[Any]:
    """A change of one membership or its user's account: ``role``, ``reset`` (password),
    ``disable``, ``enable`` or ``remove``."""
    values = await _posted(request)
    page = await open_page(request, tenant_key)
    if action not in MEMBER_ACTIONS:
        raise not_found(request, page.visit)
    base = f"/api/v1/tenants/{page.key}/members/{membership_id}"
    if action == "role":
        answer = await page.api.call("PATCH", base, body={"role": _one(values, "role")})
    elif action == "reset":
        answer = await page.api.post(f"{base}/password-reset", {})
    elif action == "remove":
        answer = await page.api.call("DELETE", base)
    else:
        answer = await page.api.post(f"{base}/{action}")
    if answer.ok and action == "reset":
        reset = answer.json()
        return await _members(
            page,
            notice={
                "kind": "reset",
                "username": reset["user"]["username"],
                "password": reset["one_time_password"],
            },
        )
    if answer.ok:
        target = f"/console/t/{page.key}/members"
        return page.visit.finish(Redirect(target, status_code=303))
    if answer.status == 404:
        raise not_found(request, page.visit)
    return await _members(
        page,
        status=answer.status,
        error={
            "action": action,
            "membership": membership_id,
            "message": problem_message(answer.problem(), page.lang),
            "fields": {},
        },
    )


# -- one's own password ---------------------------------------------------------------------


async def _password_page(
    request: Request[Any, Any, Any],
    *,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    message: str | None = None,
    done: bool = False,
) -> Response[Any]:
    current = await visit(request)
    if current.principal is None:
        raise to_login(request, current)
    me = await current.api(request).get("/api/v1/me")
    required = bool(me.ok and me.json().get("password_change_required"))
    return render(
        request,
        "password.html",
        {
            "page": None,
            "user": current.principal,
            "csrf": current.csrf_token(settings_of(request)),
            "required": required,
            "errors": dict(errors or {}),
            "message": message,
            "done": done,
        },
        status=status,
        visit_=current,
    )


@get("/password")
async def password_page(request: Request[Any, Any, Any]) -> Response[Any]:
    return await _password_page(request)


@post("/password", status_code=200)
async def change_password(request: Request[Any, Any, Any]) -> Response[Any]:
    """Change the signed-in user's password; their other logins end, this one stays."""
    values = await _posted(request)
    current = await visit(request)
    if current.principal is None:
        raise to_login(request, current)
    new = (values.get("new_password") or [""])[-1]
    if new != (values.get("repeat_password") or [""])[-1]:
        return await _password_page(request, status=422, errors={"repeat_password": "mismatch"})
    answer = await current.api(request).post(
        "/api/v1/me/password",
        {"current_password": (values.get("current_password") or [""])[-1], "new_password": new},
    )
    if answer.ok:
        return await _password_page(request, done=True)
    errors, message = field_errors(answer.problem(), lang_for(request))
    if answer.status == 429:
        message = f"{message} ({answer.headers.get('retry-after', '')} s)"
    return await _password_page(request, status=answer.status, errors=errors, message=message)


# -- the audit log --------------------------------------------------------------------------


def _audit_query(request: Request[Any, Any, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The page's filters as typed, and the API's query for them (dates as China days)."""
    params = request.query_params
    shown = {name: (params.get(name) or "").strip() for name in (*AUDIT_FILTERS, "since", "until")}
    query = {name: shown[name] for name in AUDIT_FILTERS if shown[name]}
    for name, shift in (("since", 0), ("until", 1)):
        try:
            day = date.fromisoformat(shown[name]) + timedelta(days=shift) if shown[name] else None
        except ValueError:
            day = None
            shown[name] = ""
        if day is not None:
            query[name] = f"{day.isoformat()}T00:00:00{CHINA_OFFSET}"
    return shown, query


@get("/t/{tenant_key:str}/audit")
async def audit_page(request: Request[Any, Any, Any], tenant_key: str) -> Response[Any]:
    page = await open_page(request, tenant_key)
    shown, query = _audit_query(request)
    offset = _offset(request)
    answer = await page.api.get(
        f"/api/v1/tenants/{page.key}/audit", limit=PAGE_SIZE, offset=offset, **query
    )
    if answer.status == 404:
        raise not_found(request, page.visit)
    body = answer.json() if answer.ok else {"items": [], "total": 0}
    return page.page(
        "audit.html",
        status=200 if answer.ok else answer.status,
        entries=body["items"],
        total=body["total"],
        offset=offset,
        limit=PAGE_SIZE,
        filters=shown,
        filters_qs=urlencode({k: v for k, v in shown.items() if v}),
        error=None if answer.ok else problem_message(answer.problem(), page.lang),
    )


@get("/t/{tenant_key:str}/audit/export/{format:str}")
async def audit_export(
    request: Request[Any, Any, Any], tenant_key: str, format: str
) -> Response[Any]:
    page = await open_page(request, tenant_key)
    if format not in ("csv", "xlsx"):
        raise not_found(request, page.visit)
    _, query = _audit_query(request)
    answer = await page.api.get(f"/api/v1/tenants/{page.key}/audit/export", format=format, **query)
    if not answer.ok:
        raise not_found(request, page.visit)
    return _download(request, answer)


PAGES = [
    members_page,
    invite_member,
    change_member,
    password_page,
    change_password,
    audit_page,
    audit_export,
]
