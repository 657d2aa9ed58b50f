"""What every signed-in console page shares: the tenant, the switcher, the navigation, render.

A page under ``/console/t/{tenant_key}`` first reads its tenant through the API
(``GET /api/v1/tenants/{t}``): a tenant outside the caller's reach answers 404 there, and so
here. The switcher lists exactly the tenants the caller reaches (the tenants of their
memberships and everything below; every root for a platform administrator). The navigation
shows a module's entry only where the API says the module is on.

Reading the switcher takes several API calls (the caller's memberships, each reached tree), so
it is kept per login session (:class:`SwitcherCache`) rather than read on every page. A kept
switcher is dropped as soon as any tenant change commits in this process (a tenant created,
renamed, moved, archived through the API or the console), when the caller's memberships change
(they are part of its key), and after :data:`SWITCHER_TTL` seconds, the bound for changes made
by another process (another worker, ``gongzhi tenants apply``). It only offers links: every
page still reads its tenant through the API, which answers 404 outside the caller's reach.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from litestar import Request, Response
from litestar.response import Redirect
from sqlalchemy import select

from core.console.api import ApiClient
from core.console.i18n import Lang, lang_of, pick, translations
from core.console.session import CSRF_FIELD, LANG_COOKIE, Visit, settings_of, visit
from core.db import SYSTEM, Database
from core.identity.access import decide
from core.identity.principal import Principal
from core.modules.pages import ConsolePages
from core.tenancy.cache import generation
from core.tenancy.models import Tenant, path_segment

TEMPLATES = Path(__file__).parent / "templates"
SWITCHER_LIMIT = 500
SWITCHER_TTL = 30.0
"""Seconds a kept switcher lives: how long a tenant change made by another process may take to
reach the switcher (one made through this process reaches it at once)."""
SWITCHER_ENTRIES = 10_000
"""Past this many kept switchers the cache starts over rather than grow without bound."""
SWITCHER_STATE = "console_switchers"

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


class Leave(Exception):
    """Stop a page and answer ``response`` instead (a redirect to log in, a 404 page)."""

    def __init__(self, response: Response[Any]) -> None:
        super().__init__("leave")
        self.response = response


def leave_handler(_request: Request[Any, Any, Any], exc: Leave) -> Response[Any]:
    return exc.response


def lang_for(request: Request[Any, Any, Any]) -> Lang:
    return lang_of(request.cookies.get(LANG_COOKIE))


def render(
    request: Request[Any, Any, Any],
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    visit_: Visit | None = None,
) -> Response[Any]:
    """An HTML page in the browser's language."""
    lang = lang_for(request)
    words = translations(lang)
    defaults: dict[str, Any] = {"page": None, "user": None, "csrf": "", "error": None, "retry": ""}
    html = ENV.get_template(template).render(
        **{**defaults, **context},
        _=words.gettext,
        ngettext=words.ngettext,
        lang=lang,
        pick=lambda zh, en: pick(lang, zh, en),
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        csrf_field=CSRF_FIELD,
    )
    response: Response[Any] = Response(
        html,
        status_code=status,
        media_type="text/html",
        headers={
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": (
                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
            ),
            "Referrer-Policy": "same-origin",
        },
    )
    return visit_.finish(response) if visit_ else response


def not_found(request: Request[Any, Any, Any], visit_: Visit | None = None) -> Leave:
    return Leave(render(request, "not_found.html", {"page": None}, status=404, visit_=visit_))


def to_login(request: Request[Any, Any, Any], visit_: Visit) -> Leave:
    target = quote(request.url.path, safe="/")
    return Leave(visit_.finish(Redirect(f"/console/login?next={target}", status_code=303)))


@dataclass(frozen=True, slots=True)
class TenantChoice:
    slug: str
    name: str
    level: str
    depth: int


@dataclass
class NavEntry:
    module: str
    title: str
    resources: list[tuple[str, str]]


@dataclass
class PageContext:
    """A signed-in page at one tenant."""

    request: Request[Any, Any, Any]
    visit: Visit
    api: ApiClient
    lang: Lang
    tenant: dict[str, Any]
    modules: list[dict[str, Any]]
    switcher: list[TenantChoice]
    nav: list[NavEntry]
    csrf: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return str(self.tenant["slug"])

    def may(self, permission: str) -> bool:
        """Does the caller hold ``permission`` here (to show a form; the API still decides)?"""
        principal = self.visit.principal
        assert principal is not None
        return decide(
            principal.grants,
            self.tenant_path,
            permission,
            self.request.app.state.permissions,
            principal.api_scope,
        )

    @property
    def tenant_path(self) -> str:
        return str(self.extra.get("path", ""))

    def enabled(self, module: str) -> bool:
        return any(m["module"] == module and m["enabled"] for m in self.modules)

    def page(self, template: str, status: int = 200, **values: Any) -> Response[Any]:
        return render(
            self.request,
            template,
            {"page": self, "user": self.visit.principal, **values},
            status=status,
            visit_=self.visit,
        )


def console_pages(request: Request[Any, Any, Any]) -> Mapping[str, ConsolePages]:
    found: Mapping[str, ConsolePages] = request.app.state.console_pages
    return found


def tenant_path(tenant: Mapping[str, Any]) -> str:
    """The materialised path of a tenant as ``GET /api/v1/tenants/{t}`` answers it: the ids of
    its ancestors (root first) and its own, each followed by ``/``."""
    chain = [*(tenant.get("ancestors") or []), tenant]
    return "/" + "".join(f"{path_segment(uuid.UUID(str(row['id'])))}/" for row in chain)


class SwitcherCache:
    """Each login session's switcher, until a tenant change or :data:`SWITCHER_TTL` passes.

    An entry remembers the tenant-cache generation (:func:`core.tenancy.cache.generation`)
    taken *before* its tenants were read, so a change committed while they were being read
    already makes it stale.
    """

    def __init__(self, ttl: float = SWITCHER_TTL) -> None:
        self.ttl = ttl
        self._entries: dict[Hashable, tuple[int, float, list[TenantChoice]]] = {}

    def get(self, key: Hashable) -> list[TenantChoice] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        read_under, read_at, choices = entry
        if read_under != generation() or time.monotonic() - read_at >= self.ttl:
            del self._entries[key]
            return None
        return choices

    def keep(self, key: Hashable, read_under: int, choices: list[TenantChoice]) -> None:
        if len(self._entries) >= SWITCHER_ENTRIES:
            self._entries.clear()
        self._entries[key] = (read_under, time.monotonic(), choices)


def switcher_cache(request: Request[Any, Any, Any]) -> SwitcherCache:
    """The app's :class:`SwitcherCache`, made on first use."""
    state = request.app.state
    found = state.get(SWITCHER_STATE)
    if not isinstance(found, SwitcherCache):
        found = SwitcherCache()
        state[SWITCHER_STATE] = found
    return found


def _switcher_key(principal: Principal) -> Hashable:
    """A login session and the memberships it holds now."""
    return (principal.user_id, principal.session_id, principal.grants, principal.api_scope)


def _walk(
    row: dict[str, Any],
    depth: int,
    children: Mapping[str | None, list[dict[str, Any]]],
    found: dict[str, TenantChoice],
) -> None:
    """Add ``row`` and its descendants to ``found`` in tree order."""
    if row["slug"] not in found:
        found[row["slug"]] = TenantChoice(row["slug"], row["name"], row["level"], depth)
    for child in children.get(row["id"], []):
        _walk(child, depth + 1, children, found)


async def reachable(
    api: ApiClient, request: Request[Any, Any, Any], principal: Principal | None = None
) -> list[TenantChoice]:
    """Every tenant the caller reaches, each subtree in tree order, for the switcher; kept per
    login session when ``principal`` (the caller) is given."""
    if principal is None:
        return await _read_reachable(api, request)
    cache = switcher_cache(request)
    key = _switcher_key(principal)
    found = cache.get(key)
    if found is None:
        read_under = generation()
        found = await _read_reachable(api, request)
        if found:
            cache.keep(key, read_under, found)
    return found


async def _read_reachable(api: ApiClient, request: Request[Any, Any, Any]) -> list[TenantChoice]:
    me = await api.get("/api/v1/me")
    if not me.ok:
        return []
    tops: list[str] = []
    for membership in me.json()["memberships"]:
        tenant = membership.get("tenant")
        if tenant is None:
            db: Database = request.app.state.db
            async with db.session(context=SYSTEM) as session:
                roots = await session.scalars(
                    select(Tenant.slug).where(Tenant.parent_id.is_(None)).order_by(Tenant.slug)
                )
                tops.extend(roots)
        elif tenant["slug"] not in tops:
            tops.append(tenant["slug"])
    found: dict[str, TenantChoice] = {}
    for top in tops:
        if top in found:
            continue
        answer = await api.get(f"/api/v1/tenants/{top}")
        if not answer.ok:
            continue
        head = answer.json()
        rows = [head]
        offset = 0
        while len(rows) < SWITCHER_LIMIT:
            page = await api.get(
                f"/api/v1/tenants/{top}/subtree", limit=200, offset=offset, depth=8
            )
            if not page.ok:
                break
            body = page.json()
            rows.extend(body["items"])
            offset += len(body["items"])
            if not body["items"] or offset >= body["total"]:
                break
        children: dict[str | None, list[dict[str, Any]]] = {}
        for row in rows[1:]:
            children.setdefault(row["parent_id"], []).append(row)

        _walk(head, 0, children, found)
    return list(found.values())


async def open_page(request: Request[Any, Any, Any], tenant_key: str) -> PageContext:
    """The context of a signed-in page at ``tenant_key``; a redirect to log in or a 404 else,
    or to ``/console/password`` while the user must replace a password an administrator set."""
    current = await visit(request)
    if current.principal is None:
        raise to_login(request, current)
    api = current.api(request)
    answer = await api.get(f"/api/v1/tenants/{tenant_key}")
    if answer.status == 403 and str(answer.problem().get("type", "")).endswith(
        "/password-change-required"
    ):
        raise Leave(current.finish(Redirect("/console/password", status_code=303)))
    if not answer.ok:
        raise not_found(request, current)
    tenant = answer.json()
    modules_answer = await api.get(f"/api/v1/tenants/{tenant['slug']}/modules")
    modules = modules_answer.json()["items"] if modules_answer.ok else []
    lang = lang_for(request)
    pages = console_pages(request)
    nav = [
        NavEntry(
            module=name,
            title=pick(lang, declared.title, declared.title_en),
            resources=[(r.slug, pick(lang, r.title, r.title_en)) for r in declared.resources],
        )
        for name, declared in sorted(pages.items())
        if any(m["module"] == name and m["enabled"] for m in modules)
    ]
    context = PageContext(
        request=request,
        visit=current,
        api=api,
        lang=lang,
        tenant=tenant,
        modules=modules,
        switcher=await reachable(api, request, current.principal),
        nav=nav,
        csrf=current.csrf_token(settings_of(request)),
    )
    context.extra["path"] = tenant_path(tenant)
    return context
