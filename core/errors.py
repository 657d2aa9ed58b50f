"""Errors as RFC 9457 problem details.

Domain code raises :class:`Problem` (or a subclass); the app turns it, Litestar's own HTTP
errors, validation failures, database integrity errors and values the database refuses into ``application/problem+json``
responses. Unexpected exceptions become a 500 whose body names only the request id, never
internals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
import structlog
from litestar import Litestar, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from msgspec import UNSET, UnsetType
from sqlalchemy.exc import DBAPIError, IntegrityError

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://gongzhi.dev/problems/"

log = structlog.get_logger("gongzhi.errors")


class FieldError(msgspec.Struct, kw_only=True):
    """One field of the request that broke a rule (``field`` is empty when none is named)."""

    field: str
    message: str
    message_en: str


class ProblemDetails(msgspec.Struct, kw_only=True):
    """The body of every error answer: RFC 9457 problem details (``application/problem+json``).

    ``title`` is Chinese and ``title_en`` English; ``errors`` names the offending fields of a
    400/409/422; ``retry_after`` (seconds) comes with a 429; ``request_id`` ties the answer to
    the server's log. A problem type may add members of its own.
    """

    type: str
    title: str
    status: int
    title_en: str | UnsetType = UNSET
    detail: str | UnsetType = UNSET
    instance: str | UnsetType = UNSET
    request_id: str | UnsetType = UNSET
    errors: list[FieldError] | UnsetType = UNSET
    retry_after: int | UnsetType = UNSET


class Problem(Exception):
    """An error a client can act on: an HTTP status, a stable ``code`` and a readable title.

    ``title`` is user-facing Chinese; ``title_en`` its English counterpart; ``detail`` may add
    specifics (a field, a value). ``extra`` members are added to the body as-is.
    """

    status: int = 400
    code: str = "bad-request"

    def __init__(
        self,
        title: str,
        *,
        title_en: str | None = None,
        detail: str | None = None,
        status: int | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.title = title
        self.title_en = title_en
        self.detail = detail
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.headers = dict(headers or {})
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
        }
        if self.title_en:
            body["title_en"] = self.title_en
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class NotFound(Problem):
    status = 404
    code = "not-found"

    def __init__(self, what: str = "资源", *, detail: str | None = None, **extra: Any) -> None:
        super().__init__(f"未找到{what}", title_en="Not found", detail=detail, **extra)


class Conflict(Problem):
    status = 409
    code = "conflict"


class Invalid(Problem):
    """Input that is well-formed but breaks a rule: 422 with the offending field named."""

    status = 422
    code = "invalid"

    def __init__(self, field: str, message: str, *, message_en: str | None = None) -> None:
        super().__init__(
            "输入不符合规则",
            title_en="Invalid input",
            detail=f"{field}: {message_en or message}",
            errors=[{"field": field, "message": message, "message_en": message_en or message}],
        )
        self.field = field


def _problem_response(request: Request[Any, Any, Any], problem: Problem) -> Response[Any]:
    request_id = request.scope.get("state", {}).get("request_id")
    body = problem.body(instance=request.url.path)
    if request_id:
        body["request_id"] = request_id
    return Response(
        content=body,
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers or None,
    )


def problem_handler(request: Request[Any, Any, Any], exc: Problem) -> Response[Any]:
    return _problem_response(request, exc)


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """A body that parses but does not fit its schema is 422 naming each field; a bad path or
    query parameter is 400. (JSON that does not parse never gets here: it is a plain 400.)

    Each field's ``message`` is Chinese and ``message_en`` the decoder's own English, as in the
    errors of :class:`Invalid`."""
    errors = [e for e in (exc.extra if isinstance(exc.extra, list) else []) if isinstance(e, dict)]
    fields = [
        {
            "field": _field_of(e),
            "message": _message_zh(str(e.get("message", ""))),
            "message_en": str(e.get("message", "")),
        }
        for e in errors
    ]
    detail = "; ".join(
        f"{f['field']}: {f['message_en']}" if f["field"] else f["message_en"] for f in fields
    )
    in_body = bool(errors) and all(e.get("source") == "body" for e in errors)
    problem = Problem(
        "输入不符合规则" if in_body else "请求格式不正确",
        title_en="Invalid input" if in_body else "Malformed request",
        detail=detail or str(exc.detail),
        code="invalid" if in_body else "validation",
        status=422 if in_body else 400,
        errors=fields,
    )
    return _problem_response(request, problem)


_NAMED_FIELD = re.compile(r"field `([^`]+)`")
_AT_PATH = re.compile(r"at `\$\.([^`]+)`")


def _field_of(error: dict[str, Any]) -> str:
    """The field an error concerns: Litestar's key, or the one msgspec names in its message."""
    message = str(error.get("message", ""))
    if match := _AT_PATH.search(message):
        return match.group(1)
    key = str(error.get("key", ""))
    if key in ("", "data") and (match := _NAMED_FIELD.search(message)):
        return match.group(1)
    return key


_ZH_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Expected `array` of length >= (\d+)"), "至少需要 {0} 项"),
    (re.compile(r"Expected `array` of length <= (\d+)"), "不能超过 {0} 项"),
    (re.compile(r"of length >= (\d+)"), "长度至少为 {0} 个字符"),
    (re.compile(r"of length <= (\d+)"), "长度不能超过 {0} 个字符"),
    (re.compile(r"matching regex"), "格式不正确"),
    (re.compile(r"Expected `(?:int|float|number)` >= (-?[\d.]+)"), "不能小于 {0}"),
    (re.compile(r"Expected `(?:int|float|number)` <= (-?[\d.]+)"), "不能大于 {0}"),
    (re.compile(r"Expected `(?:int|float|number)` > (-?[\d.]+)"), "须大于 {0}"),
    (re.compile(r"Expected `(?:int|float|number)` < (-?[\d.]+)"), "须小于 {0}"),
    (re.compile(r"Invalid enum value"), "取值不在允许的范围内"),
    (re.compile(r"missing required field"), "缺少必填字段"),
    (re.compile(r"unknown field"), "不允许的字段"),
    (re.compile(r"Expected `[^`]+`, got"), "类型不正确"),
)


def _message_zh(message: str) -> str:
    """The Chinese for one of the decoder's English messages (a general one when unknown)."""
    for pattern, template in _ZH_MESSAGES:
        if match := pattern.search(message):
            return template.format(*match.groups())
    return "输入不符合规则"


_HTTP_TITLES = {
    400: ("请求格式不正确", "Bad request"),
    401: ("需要登录", "Authentication required"),
    404: ("未找到资源", "Not found"),
    405: ("不支持该请求方法", "Method not allowed"),
    413: ("请求体过大", "Request body too large"),
    429: ("请求过于频繁", "Too many requests"),
}


def http_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = 401 if isinstance(exc, NotAuthorizedException) else exc.status_code
    title, title_en = _HTTP_TITLES.get(status, ("请求失败", "Request failed"))
    detail = exc.detail if exc.detail and exc.detail != title_en else None
    problem = Problem(
        title,
        title_en=title_en,
        detail=detail,
        status=status,
        code=title_en.lower().replace(" ", "-"),
        headers=exc.headers,
    )
    if status == 401:
        problem.headers.setdefault("WWW-Authenticate", 'Bearer realm="gongzhi"')
    return _problem_response(request, problem)


def integrity_handler(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[Any]:
    log.info("integrity_error", error=str(exc.orig))
    problem = Conflict(
        "与已有数据冲突",
        title_en="Conflicts with existing data",
        detail="a unique or referential rule of the database was violated",
    )
    return _problem_response(request, problem)


DATA_EXCEPTION_CLASS = "22"
"""SQLSTATE class of data exceptions (22003 numeric value out of range, 22021 a NUL byte in
text, ...): the database refusing a value the request carried."""


def database_handler(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A value the database refuses is the client's input (422); any other database error is
    the server's (500, logged)."""
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if not str(sqlstate or "").startswith(DATA_EXCEPTION_CLASS):
        return internal_handler(request, exc)
    log.info("data_error", sqlstate=sqlstate, error=str(exc.orig)[:200])
    problem = Problem(
        "输入值无法保存",
        title_en="Input value not storable",
        detail="a value is out of range or contains a character the database cannot store",
        status=422,
        code="invalid-value",
    )
    return _problem_response(request, problem)


def internal_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled_error", exc_info=exc)
    problem = Problem(
        "服务器内部错误",
        title_en="Internal server error",
        status=HTTP_500_INTERNAL_SERVER_ERROR,
        code="internal",
    )
    return _problem_response(request, problem)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    Problem: problem_handler,
    ValidationException: validation_handler,
    HTTPException: http_handler,
    IntegrityError: integrity_handler,
    DBAPIError: database_handler,
    Exception: internal_handler,
}

PROBLEM_DESCRIPTIONS: dict[int, str] = {
    400: "请求格式不正确（参数或 JSON）/ Malformed request: a parameter, or JSON that does not parse",
    401: "需要登录或令牌无效 / No valid credentials",
    403: "无权执行此操作 / Not allowed",
    404: "未找到，或无权查看 / Not found, or not yours to see",
    409: "与现有状态冲突 / Conflicts with the current state",
    422: "输入不符合规则，errors 列出字段 / Input breaks a rule; errors names each field",
    429: "请求过于频繁，retry_after 秒后再试 / Too many requests; retry after retry_after seconds",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_REQUEST_KWARGS = frozenset({"request", "state", "scope", "headers", "cookies", "query", "body"})


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI answers with the :class:`ProblemDetails` body for ``statuses``, to pass as a route
    handler's ``responses=``. The app already declares 400, 401, 404, 409 and 422 wherever a
    route can give them; a handler adds the others it raises (403, 429...)."""
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            generate_examples=False,
            description=PROBLEM_DESCRIPTIONS.get(status, "问题详情 / Problem details"),
            media_type=PROBLEM_MEDIA_TYPE,
        )
        for status in statuses
    }


def expected_problems(handler: HTTPRouteHandler, path_parameters: Iterable[str]) -> list[int]:
    """The problem statuses an operation can answer with, from what it takes:

    400 always (a malformed request); 401 when it needs a caller (a declared permission or the
    ``principal`` dependency); 404 when its path names something; 409 for a write to a tenant;
    422 when it takes a body or query parameters its rules can refuse, or writes to a tenant.
    """
    params = set(handler.parsed_fn_signature.parameters)
    path = set(path_parameters)
    statuses = [400]
    if handler.opt.get("permission") or "principal" in params:
        statuses.append(401)
    if path:
        statuses.append(404)
    write = not set(handler.http_methods) <= SAFE_METHODS
    if write and "tenant_key" in path:
        statuses.append(409)
    own = params - path - _REQUEST_KWARGS - set(handler.resolve_dependencies())
    if own or (write and "tenant_key" in path):
        statuses.append(422)
    return statuses


def add_problem_responses(app: Litestar) -> None:
    """Declare the problem answers of every operation of ``app`` in its OpenAPI document.

    Litestar 2 takes ``responses`` per handler only, so the app adds them to each registered
    handler (the kernel's and every module's) before the document is first built; what a
    handler declares itself is kept. Litestar's own 400 ``ValidationException`` schema is
    replaced, since the server answers it with a problem too.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            declared = dict(handler.responses or {})
            statuses = expected_problems(handler, route.path_parameters)
            handler.responses = {**problem_responses(*statuses), **declared}


__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_MEDIA_TYPE",
    "Conflict",
    "FieldError",
    "Invalid",
    "NotFound",
    "Problem",
    "ProblemDetails",
    "add_problem_responses",
    "problem_responses",
]
