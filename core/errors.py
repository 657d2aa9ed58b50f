"""Errors as RFC 9457 problem details.

Domain code raises :class:`Problem` (or a subclass); the app turns it, Litestar's own HTTP
errors, validation failures and database integrity errors into ``application/problem+json``
responses. Unexpected exceptions become a 500 whose body names only the request id, never
internals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import IntegrityError

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://gongzhi.dev/problems/"

log = structlog.get_logger("gongzhi.errors")


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
    query parameter is 400. (JSON that does not parse never gets here: it is a plain 400.)"""
    errors = [e for e in (exc.extra if isinstance(exc.extra, list) else []) if isinstance(e, dict)]
    fields = [{"field": _field_of(e), "message": str(e.get("message", ""))} for e in errors]
    detail = "; ".join(
        f"{f['field']}: {f['message']}" if f["field"] else f["message"] for f in fields
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
    Exception: internal_handler,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_MEDIA_TYPE",
    "Conflict",
    "Invalid",
    "NotFound",
    "Problem",
]
