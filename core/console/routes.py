"""The console's pages under ``/console``: log-in, dashboard, module matrix, tree, module pages.

Every read and change goes through the typed API in-process (:mod:`core.console.api`) as the
signed-in user; pages hold no rule of their own. Forms post back to the console, which checks
the CSRF token, calls the API, then redirects (303) on success or shows the page again with the
API's reasons on refusal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, Router, get, post
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from core.console import dashboard
from core.console.forms import (
    ORIGINAL,
    PATH_PARAMETER,
    FormField,
    body_of,
    choice_label,
    field_errors,
    fill_path,
    form_fields,
    is_edit,
    originals,
    prefilled,
    problem_message,
)
from core.console.i18n import lang_of
from core.console.pages import (
    Leave,
    PageContext,
    console_pages,
    lang_for,
    leave_handler,
    not_found,
    open_page,
    render,
)
from core.console.session import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    CSRF_FIELD,
    LANG_COOKIE,
    REFRESH_COOKIE,
    api_for,
    cookie,
    csrf_ok,
    expired,
    session_cookies,
    settings_of,
    visit,
)
from core.console.static import STATIC
from core.modules.pages import ConsoleForm, ConsoleResource

PAGE_SIZE = 50
PICK_LIMIT = 200
"""The most records a choice list offers at once; a search box reaches the others."""


async def _posted(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """The form's fields (every value of each), after checking its CSRF token (403 else)."""
    form = await request.form()
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
    token = (values.get(CSRF_FIELD) or [""])[-1]
    if not csrf_ok(settings_of(request), request.cookies.get(CSRF_COOKIE), token):
        raise Leave(
            render(request, "refused.html", {"page": None}, status=403),
        )
    return values


def _one(values: Mapping[str, list[str]], key: str) -> str:
    return (values.get(key) or [""])[-1].strip()


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


# -- log-in, log-out, language ---------------------------------------------------------------


@get("/login", name="console-login")
async def login_page(request: Request[Any, Any, Any]) -> Response[Any]:
    current = await visit(request)
    if current.principal is not None:
        return current.finish(Redirect(_safe_next(request.query_params.get("next"))))
    return render(
        request,
        "login.html",
        {
            "page": None,
            "csrf": current.csrf_token(settings_of(request)),
            "next": _safe_next(request.query_params.get("next")),
            "error": None,
            "username": "",
        },
        visit_=current,
    )


@post("/login", status_code=200)
async def login(request: Request[Any, Any, Any]) -> Response[Any]:
    current = await visit(request)
    values = await _posted(request)
    username = _one(values, "username")
    answer = await api_for(request).post(
        "/api/v1/auth/login",
        {"username": username, "password": (values.get("password") or [""])[-1]},
    )
    target = _safe_next(_one(values, "next"))
    if answer.ok:
        response: Response[Any] = Redirect(target, status_code=303)
        for item in session_cookies(request, answer.json()):
            response.set_cookie(item)
        return response
    lang = lang_for(request)
    if answer.status == 429:
        error = "throttled"
        retry = answer.headers.get("retry-after", "")
    elif answer.status == 401:
        error, retry = "credentials", ""
    else:
        error, retry = "invalid", problem_message(answer.problem(), lang)
    return render(
        request,
        "login.html",
        {
            "page": None,
            "csrf": current.csrf_token(settings_of(request)),
            "next": target,
            "error": error,
            "retry": retry,
            "username": username,
        },
        status=answer.status if answer.status in (401, 422, 429) else 400,
        visit_=current,
    )


@post("/logout", status_code=200)
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    await _posted(request)
    current = await visit(request)
    if current.principal is not None:
        await current.api(request).post("/api/v1/auth/logout")
    response: Response[Any] = Redirect("/console/login", status_code=303)
    response.set_cookie(expired(request, ACCESS_COOKIE))
    response.set_cookie(expired(request, REFRESH_COOKIE))
    return response


@get("/lang/{lang:str}")
async def switch_language(request: Request[Any, Any, Any], lang: str) -> Response[Any]:
    response: Response[Any] = Redirect(_safe_next(request.query_params.get("next")))
    response.set_cookie(cookie(request, LANG_COOKIE, lang_of(lang), max_age=365 * 24 * 3600))
    return response


@get("/")
async def home(request: Request[Any, Any, Any]) -> Response[Any]:
    current = await visit(request)
    if current.principal is None:
        return current.finish(Redirect("/console/login"))
    me = await current.api(request).get("/api/v1/me")
    for membership in me.json().get("memberships", []) if me.ok else []:
        if membership.get("tenant"):
            slug = membership["tenant"]["slug"]
            return current.finish(Redirect(f"/console/t/{slug}"))
    from core.console.pages import reachable

    choices = await reachable(current.api(request), request)
    if choices:
        return current.finish(Redirect(f"/console/t/{choices[0].slug}"))
    return render(request, "no_tenant.html", {"page": None, "user": current.principal})


@get("/switch")
async def switch_tenant(request: Request[Any, Any, Any]) -> Response[Any]:
    slug = request.query_params.get("tenant") or ""
    return Redirect(f"/console/t/{quote(slug, safe='')}")


# -- dashboard ------------------------------------------------------------------------------


@get("/t/{tenant_key:str}")
async def dashboard_page(request: Request[Any, Any, Any], tenant_key: str) -> Response[Any]:
    page = await open_page(request, tenant_key)
    board, status = await dashboard.load(request, page)
    return page.page("dashboard.html", board=board, status=status)


# -- module matrix --------------------------------------------------------------------------


def tree_order(head: dict[str, Any], below: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``head`` and the tenants ``below`` it, each parent followed by its children."""
    children: dict[Any, list[dict[str, Any]]] = {}
    for row in below:
        children.setdefault(row["parent_id"], []).append(row)
    ordered: list[dict[str, Any]] = []
    pending = [head]
    while pending:
        row = pending.pop()
        ordered.append(row)
        pending.extend(reversed(children.get(row["id"], [])))
    return ordered


async def _matrix(page: PageContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    below: list[dict[str, Any]] = []
    answer = await page.api.get(f"/api/v1/tenants/{page.key}/subtree", depth=2, limit=200)
    if answer.ok:
        below = answer.json()["items"]
    rows = tree_order(page.tenant, below)
    names = {row["slug"]: row["name"] for row in rows}
    table: list[dict[str, Any]] = []
    for row in rows:
        states = await page.api.get(f"/api/v1/tenants/{row['slug']}/modules")
        if states.ok:
            found = {
                item["module"]: {**item, "decided_name": names.get(item["decided_by"] or "", "")}
                for item in states.json()["items"]
            }
            table.append({"tenant": row, "states": found})
    columns = page.modules
    return columns, table


@get("/t/{tenant_key:str}/modules")
async def matrix_page(request: Request[Any, Any, Any], tenant_key: str) -> Response[Any]:
    page = await open_page(request, tenant_key)
    columns, table = await _matrix(page)
    return page.page(
        "matrix.html", columns=columns, table=table, manage=page.may("modules:manage"), error=None
    )


@post("/t/{tenant_key:str}/modules/{row:str}/{module:str}", status_code=200)
async def matrix_change(
    request: Request[Any, Any, Any], tenant_key: str, row: str, module: str
) -> Response[Any]:
    values = await _posted(request)
    page = await open_page(request, tenant_key)
    what = _one(values, "what")
    if what == "policy":
        answer = await page.api.call(
            "PUT",
            f"/api/v1/tenants/{row}/modules/{module}/policy",
            body={"policy": _one(values, "policy")},
        )
    else:
        answer = await page.api.call(
            "PUT",
            f"/api/v1/tenants/{row}/modules/{module}",
            body={"enabled": _one(values, "enabled") == "true"},
        )
    if answer.ok:
        return page.visit.finish(Redirect(f"/console/t/{page.key}/modules", status_code=303))
    columns, table = await _matrix(page)
    return page.page(
        "matrix.html",
        status=answer.status,
        columns=columns,
        table=table,
        manage=page.may("modules:manage"),
        error={
            "row": row,
            "module": module,
            "message": problem_message(answer.problem(), page.lang),
        },
    )


# -- the tree -------------------------------------------------------------------------------


async def _tree(page: PageContext, q: str, status: str) -> dict[str, Any]:
    answer = await page.api.get(
        f"/api/v1/tenants/{page.key}/subtree",
        limit=200,
        q=q or None,
        status=status or None,
    )
    items = answer.json()["items"] if answer.ok else []
    total = answer.json()["total"] if answer.ok else 0
    if not q and not status:
        items = tree_order(page.tenant, items)[1:]
    return {"items": items, "total": total, "q": q, "status": status}


@get("/t/{tenant_key:str}/tree")
async def tree_page(request: Request[Any, Any, Any], tenant_key: str) -> Response[Any]:
    page = await open_page(request, tenant_key)
    q = (request.query_params.get("q") or "").strip()
    status = request.query_params.get("status") or ""
    tree = await _tree(page, q, status)
    return page.page("tree.html", tree=tree, write=page.may("tenants:write"), error=None)


@get("/t/{tenant_key:str}/tree/{node:str}")
async def tree_node(request: Request[Any, Any, Any], tenant_key: str, node: str) -> Response[Any]:
    page = await open_page(request, tenant_key)
    answer = await page.api.get(f"/api/v1/tenants/{node}")
    if not answer.ok:
        raise not_found(request, page.visit)
    return page.page("tree_node.html", node=answer.json(), write=page.may("tenants:write"))


@post("/t/{tenant_key:str}/tree/{node:str}/{action:str}", status_code=200)
async def tree_change(
    request: Request[Any, Any, Any], tenant_key: str, node: str, action: str
) -> Response[Any]:
    values = await _posted(request)
    page = await open_page(request, tenant_key)
    base = f"/api/v1/tenants/{node}"
    if action == "create":
        body = {
            k: _one(values, k)
            for k in ("slug", "name", "name_en", "kind", "division_code")
            if _one(values, k)
        }
        answer = await page.api.post(f"{base}/children", body)
    elif action == "rename":
        body = {k: _one(values, k) for k in ("name", "name_en") if _one(values, k)}
        answer = await page.api.call("PATCH", base, body=body)
    elif action == "move":
        answer = await page.api.post(f"{base}/move", {"parent": _one(values, "parent")})
    elif action == "archive":
        answer = await page.api.post(f"{base}/archive")
    else:
        raise not_found(request, page.visit)
    if answer.ok:
        slug = answer.json()["slug"]
        return page.visit.finish(Redirect(f"/console/t/{page.key}/tree/{slug}", status_code=303))
    current = await page.api.get(base)
    if not current.ok:
        raise not_found(request, page.visit)
    errors, message = field_errors(answer.problem(), page.lang)
    return page.page(
        "tree_node.html",
        status=answer.status,
        node=current.json(),
        write=page.may("tenants:write"),
        error={"action": action, "message": message, "fields": errors},
    )


# -- module pages ---------------------------------------------------------------------------


def _resource(
    request: Request[Any, Any, Any], page: PageContext, module: str, slug: str
) -> ConsoleResource:
    declared = console_pages(request).get(module)
    if declared is None or not page.enabled(module):
        raise not_found(request, page.visit)
    for resource in declared.resources:
        if resource.slug == slug:
            return resource
    raise not_found(request, page.visit)


def _api_path(page: PageContext, module: str, path: str, record_id: str | None = None) -> str:
    if record_id is not None:
        path = path.replace("{id}", quote(record_id, safe=""))
    return f"/api/v1/tenants/{page.key}/{module}{path}"


def _choices_path(path: str, record_id: str | None, record: Mapping[str, Any] | None) -> str:
    """A choice list's path with ``{id}`` the record's id and any other placeholder the
    record's field of that name (a vote's ``{session_id}``); None where one is missing."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = record_id if name == "id" else (record or {}).get(name)
        if found is None or found == "":
            raise LookupError(name)
        return quote(str(found), safe="")

    return PATH_PARAMETER.sub(value, path)


async def _offer(
    page: PageContext,
    field: FormField,
    record_id: str | None,
    record: Mapping[str, Any] | None = None,
    chosen: Sequence[str] = (),
    search: str = "",
) -> FormField:
    """``field`` as a choice list of the records its label's ``choices_from`` names, read
    through the API as the signed-in user at this tenant (so only records of its reach are
    offered); ``chosen`` values are kept even when the list does not hold them. ``field``
    unchanged (a text input) where the list cannot be read."""
    source = field.source
    if source is None:
        return field
    try:
        path = _choices_path(source.path, record_id, record)
    except LookupError:
        return field
    query: dict[str, Any] = {**source.query, "limit": max(1, min(source.limit, PICK_LIMIT))}
    if search and source.search:
        query[source.search] = search
    answer = await page.api.get(f"/api/v1/tenants/{page.key}{path}", **query)
    if not answer.ok:
        return field
    found = answer.json()
    rows = found.get(source.key) if isinstance(found, dict) else found
    if not isinstance(rows, list):
        return field
    options = [option for row in rows if (option := choice_label(row, source)) is not None]
    if source.with_tenant:
        own = (str(page.tenant["slug"]), str(page.tenant["name"]))
        if not search or any(search.lower() in part.lower() for part in own):
            options.insert(0, own)
    total = found.get("total") if isinstance(found, dict) else None
    known = {value for value, _ in options}
    options += [(value, value) for value in chosen if value and value not in known]
    return replace(
        field,
        widget="pick",
        options=tuple(options),
        searchable=bool(source.search)
        and (bool(search) or (isinstance(total, int) and total > len(rows))),
    )


def _chosen(field: FormField, text: str) -> list[str]:
    return [v.strip() for v in text.splitlines() if v.strip()] if field.multiple else [text]


async def _form_view(
    page: PageContext,
    form: ConsoleForm,
    record_id: str | None = None,
    record: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, Sequence[str]] | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    """What the form template needs: its fields (choice lists read), the values to show and,
    for an edit form, the values it opened with. A form shown again after a refusal
    (``values`` posted) shows what the user typed, and keeps the values it first opened with."""
    fields = form_fields(form, page.lang)
    if values is not None:
        shown = {
            k: "\n".join(v) if any(f.name == k and f.multiple for f in fields) else v[-1]
            for k, v in values.items()
            if v and not k.startswith(ORIGINAL)
        }
        before = originals(values)
    elif record is not None and is_edit(form):
        shown = prefilled(form, record)
        before = dict(shown)
    else:
        shown, before = {}, {}
    if values is not None:
        for f in fields:
            if f.widget == "checkbox" and f.name not in shown:
                shown[f.name] = ""
    offered = [
        await _offer(page, f, record_id, record, _chosen(f, shown.get(f.name, f.default)))
        for f in fields
    ]
    return {
        "key": form.key,
        "title": (page.lang == "en" and form.title_en) or form.title,
        "fields": offered,
        "errors": dict(errors or {}),
        "values": shown,
        "originals": before if is_edit(form) else {},
        "original_prefix": ORIGINAL,
        "record_id": record_id,
        "message": message,
    }


@get("/t/{tenant_key:str}/m/{module:str}/{res:str}")
async def module_list(
    request: Request[Any, Any, Any], tenant_key: str, module: str, res: str
) -> Response[Any]:
    page = await open_page(request, tenant_key)
    resource = _resource(request, page, module, res)
    q = (request.query_params.get("q") or "").strip()
    try:
        offset = max(0, int(request.query_params.get("offset") or 0))
    except ValueError:
        offset = 0
    query: dict[str, Any] = {"limit": PAGE_SIZE, "offset": offset}
    if resource.search and q:
        query[resource.search] = q
    answer = await page.api.get(_api_path(page, module, resource.list_path), **query)
    if not answer.ok:
        raise not_found(request, page.visit)
    body = answer.json()
    return page.page(
        "module_list.html",
        module=module,
        resource=resource,
        rows=body["items"],
        total=body["total"],
        offset=offset,
        limit=PAGE_SIZE,
        q=q,
        can_create=resource.create is not None
        and page.may(resource.create.permission or f"{module}:write"),
    )


def _download(request: Request[Any, Any, Any], answer: Any) -> Response[Any]:
    headers = {
        k: v for k, v in answer.headers.items() if k in ("content-type", "content-disposition")
    }
    return Response(
        answer.body,
        status_code=answer.status,
        headers=headers,
        media_type=answer.headers.get("content-type", "application/octet-stream"),
    )


@get("/t/{tenant_key:str}/m/{module:str}/{res:str}/export/{index:int}")
async def module_export(
    request: Request[Any, Any, Any], tenant_key: str, module: str, res: str, index: int
) -> Response[Any]:
    page = await open_page(request, tenant_key)
    resource = _resource(request, page, module, res)
    if not 0 <= index < len(resource.exports):
        raise not_found(request, page.visit)
    link = resource.exports[index]
    answer = await page.api.get(_api_path(page, module, link.path), **link.query)
    if not answer.ok:
        raise not_found(request, page.visit)
    return _download(request, answer)


@get("/t/{tenant_key:str}/m/{module:str}/{res:str}/new")
async def module_new(
    request: Request[Any, Any, Any], tenant_key: str, module: str, res: str
) -> Response[Any]:
    page = await open_page(request, tenant_key)
    resource = _resource(request, page, module, res)
    if resource.create is None:
        raise not_found(request, page.visit)
    return page.page(
        "module_form.html",
        module=module,
        resource=resource,
        form=await _form_view(page, resource.create),
    )


@post("/t/{tenant_key:str}/m/{module:str}/{res:str}/new", status_code=200)
async def module_create(
    request: Request[Any, Any, Any], tenant_key: str, module: str, res: str
) -> Response[Any]:
    values = await _posted(request)
    page = await open_page(request, tenant_key)
    resource = _resource(request, page, module, res)
    if resource.create is None:
        raise not_found(request, page.visit)
    form = resource.create
    answer = await page.api.call(
        form.method,
        _api_path(page, module, fill_path(form.path, values)),
        body=body_of(form, values),
    )
    if answer.ok:
        created = answer.json()
        target = f"/console/t/{page.key}/m/{module}/{res}"
        if resource.detail_path and isinstance(created, dict) and "id" in created:
            target += f"/{created['id']}"
        return page.visit.finish(Redirect(target, status_code=303))
    errors, message = field_errors(answer.problem(), page.lang)
    return page.page(
        "module_form.html",
        status=answer.status,
        module=module,
        resource=resource,
        form=await _form_view(page, form, errors=errors, values=values, message=message),
    )


async def _detail(
    page: PageContext,
    module: str,
    resource: ConsoleResource,
    record_id: str,
    failed: tuple[ConsoleForm, Mapping[str, Sequence[str]], Any] | None = None,
) -> Response[Any]:
    """A record's page; ``failed`` is an action refused by the API (its form, what was
    posted, the API's answer), shown again with the user's values and the API's reasons."""
    request = page.request
    if resource.detail_path is None:
        raise not_found(request, page.visit)
    answer = await page.api.get(_api_path(page, module, resource.detail_path, record_id))
    if not answer.ok:
        raise not_found(request, page.visit)
    record = answer.json()
    related = []
    for item in resource.related:
        found = await page.api.get(_api_path(page, module, item.path, record_id), limit=200)
        rows = found.json() if found.ok else []
        if isinstance(rows, dict):
            rows = rows.get(item.key, [])
        related.append({"spec": item, "rows": rows})
    status = 200
    forms = []
    for action in resource.actions:
        if not page.may(action.permission or f"{module}:write"):
            continue
        if failed is not None and failed[0].key == action.key:
            status = failed[2].status
            errors, message = field_errors(failed[2].problem(), page.lang)
            forms.append(
                await _form_view(
                    page,
                    action,
                    record_id,
                    record,
                    errors=errors,
                    values=failed[1],
                    message=message,
                )
            )
        else:
            forms.append(await _form_view(page, action, record_id, record))
    return page.page(
        "module_detail.html",
        status=status,
        module=module,
        resource=resource,
        record=record,
        record_id=record_id,
        heading=str(
            (resource.heading and record.get(resource.heading))
            or record.get("name")
            or record.get("title")
            or record_id
        ),
        related=related,
        forms=forms,
    )


@get("/t/{tenant_key:str}/m/{module:str}/{res:str}/{record_id:str}")
async def module_detail(
    request: Request[Any, Any, Any], tenant_key: str, module: str, res: str, record_id: str
) -> Response[Any]:
    page = await open_page(request, tenant_key)
    resource = _resource(request, page, module, res)
    return await _detail(page, module, resource, record_id)


@get("/t/{tenant_key:str}/choices/{module:str}/{res:str}/{form_key:str}/{name:str}")
async def module_choices(
    request: Request[Any, Any, Any],
    tenant_key: str,
    module: str,
    res: str,
    form_key: str,
    name: str,
) -> Response[Any]:
    """The options of one choice-list field matching the search box's text (``_search``),
    for htmx to put in place; the field's current value (``name``) stays offered."""
    page = await open_page(request, tenant_key)
    resource = _resource(request, page, module, res)
    forms = [resource.create, *resource.actions] if resource.create else [*resource.actions]
    form = next((f for f in forms if f.key == form_key), None)
    if form is None or not page.may(form.permission or f"{module}:write"):
        raise not_found(request, page.visit)
    field = next((f for f in form_fields(form, page.lang) if f.name == name), None)
    if field is None or field.source is None:
        raise not_found(request, page.visit)
    record_id = request.query_params.get("record") or None
    record: Mapping[str, Any] | None = None
    if record_id is not None and resource.detail_path is not None:
        answer = await page.api.get(_api_path(page, module, resource.detail_path, record_id))
        if not answer.ok:
            raise not_found(request, page.visit)
        record = answer.json()
    chosen = [v for v in request.query_params.getall(name, []) if v]
    search = (request.query_params.get("_search") or "").strip()
    offered = await _offer(page, field, record_id, record, chosen, search)
    return page.page("module_options.html", field=offered, chosen=chosen)


@get("/t/{tenant_key:str}/m/{module:str}/{res:str}/{record_id:str}/document/{index:int}")
async def module_document(
    request: Request[Any, Any, Any],
    tenant_key: str,
    module: str,
    res: str,
    record_id: str,
    index: int,
) -> Response[Any]:
    page = await open_page(request, tenant_key)
    resource = _resource(request, page, module, res)
    if not 0 <= index < len(resource.documents):
        raise not_found(request, page.visit)
    link = resource.documents[index]
    answer = await page.api.get(_api_path(page, module, link.path, record_id), **link.query)
    if not answer.ok:
        raise not_found(request, page.visit)
    return _download(request, answer)


@post("/t/{tenant_key:str}/m/{module:str}/{res:str}/{record_id:str}/{action:str}", status_code=200)
async def module_action(
    request: Request[Any, Any, Any],
    tenant_key: str,
    module: str,
    res: str,
    record_id: str,
    action: str,
) -> Response[Any]:
    values = await _posted(request)
    page = await open_page(request, tenant_key)
    resource = _resource(request, page, module, res)
    form = next((a for a in resource.actions if a.key == action), None)
    if form is None:
        raise not_found(request, page.visit)
    answer = await page.api.call(
        form.method,
        _api_path(page, module, fill_path(form.path, values), record_id),
        body=body_of(form, values),
    )
    if answer.ok:
        target = f"/console/t/{page.key}/m/{module}/{res}/{record_id}"
        return page.visit.finish(Redirect(target, status_code=303))
    return await _detail(page, module, resource, record_id, (form, values, answer))


PAGES = [
    login_page,
    login,
    logout,
    switch_language,
    home,
    switch_tenant,
    dashboard_page,
    matrix_page,
    matrix_change,
    tree_page,
    tree_node,
    tree_change,
    module_list,
    module_export,
    module_new,
    module_create,
    module_detail,
    module_choices,
    module_document,
    module_action,
]


def console_router() -> Router:
    """Every console page at ``/console`` and its assets at ``/console/static``."""
    # The pages of people build on this module's form helpers, so they are imported here.
    from core.console.users import PAGES as PEOPLE_PAGES

    return Router(
        path="/console",
        route_handlers=[
            *PAGES,
            *PEOPLE_PAGES,
            create_static_files_router(
                path="/static",
                directories=[STATIC],
                name="console-static",
                include_in_schema=False,
                cache_control=None,
            ),
        ],
        exception_handlers={Leave: leave_handler},
        include_in_schema=False,
    )
