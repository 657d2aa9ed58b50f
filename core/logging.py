"""Structured logging: JSON lines in production, a readable console in development.

Every log line written while a request is served carries ``request_id`` and, once resolved,
``tenant``, ``user`` and ``module``: the request's log context, bound with :func:`bind`. Values
bound through :mod:`structlog.contextvars` are added to every line as well.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TextIO

import msgspec
import structlog
from structlog.typing import EventDict

from core.settings import Settings

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
REQUEST_ID_HEADER = b"x-request-id"
access_log = structlog.get_logger("gongzhi.access")
_access: Any = access_log
"""The access line's logger, bound once per :func:`configure_logging`: the lazy proxy would
rebuild a logger from the configuration on every line, which cost more than writing it."""


_json = msgspec.json.Encoder(enc_hook=repr)
_context: ContextVar[dict[str, Any] | None] = ContextVar("gongzhi_log_context", default=None)
"""The request's log context: one dict per request, where structlog's own binding kept a
context variable per key and went through every variable of the context (``copy_context``) to
merge them into a line and again to clear them, twice per request."""


def merge_request_context(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
    """Add the request's log context to a line; the line's own values win."""
    context = _context.get()
    if context:
        for key, value in context.items():
            if key not in event_dict:
                event_dict[key] = value
    return event_dict


_STRUCTLOG_VARS: dict[str, ContextVar[Any]] | None = getattr(
    structlog.contextvars, "_CONTEXT_VARS", None
)
_STRUCTLOG_PREFIX = structlog.contextvars.STRUCTLOG_KEY_PREFIX


def merge_structlog_context(logger: Any, method: str, event_dict: EventDict) -> EventDict:
    """Add the values bound with :func:`structlog.contextvars.bind_contextvars` to a line, as
    :func:`structlog.contextvars.merge_contextvars` does; the line's own values win.

    structlog's processor copies the whole context and walks every variable in it (the
    framework's, the database's, the kernel's) for the few it made; this one reads only the
    variables structlog keeps for its bound values.
    """
    variables = _STRUCTLOG_VARS
    if variables is None:
        return structlog.contextvars.merge_contextvars(logger, method, event_dict)
    prefix = len(_STRUCTLOG_PREFIX)
    for name, variable in tuple(variables.items()):
        value = variable.get(Ellipsis)
        if value is not Ellipsis:
            event_dict.setdefault(name[prefix:], value)
    return event_dict


_stamped_second: tuple[int, str] = (-1, "")


def add_timestamp(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
    """Stamp a line with the time, in UTC, ISO 8601 to the microsecond
    (``2026-12-02T04:30:00.123456Z``), as structlog's ``TimeStamper(fmt="iso", utc=True)``
    does but for always writing the microseconds.

    The date and time of the second are formatted once per second; structlog's stamper built
    an aware ``datetime`` and formatted all of it on every line, the costliest step of the
    access line.
    """
    global _stamped_second
    second, micros = divmod(time.time_ns() // 1000, 1_000_000)
    stamped = _stamped_second
    if stamped[0] != second:
        stamped = _stamped_second = (
            second,
            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)),
        )
    event_dict["timestamp"] = f"{stamped[1]}.{micros:06d}Z"
    return event_dict


def render_json(_logger: Any, _method: str, event_dict: dict[str, Any]) -> str:
    """One JSON line per event, encoded by msgspec: a quarter of the access line's cost went to
    the standard library's encoder. Values JSON has no type for are written as their ``repr``
    (as structlog's own renderer does); UUIDs, dates and times as their ISO text."""
    return _json.encode(event_dict).decode()


@dataclass(frozen=True, slots=True)
class _AccessWriter:
    """The access line run through the configured processors and written here, without
    structlog's logger and printer; used while those processors are still structlog's
    (:func:`end_request` checks), so a test's ``capture_logs`` or another ``configure`` gets
    every line through structlog again."""

    processors: list[Any]
    file: TextIO


_writer: _AccessWriter | None = None


def configure_logging(settings: Settings) -> None:
    """Configure structlog and the standard library's root logger once per process."""
    level = getattr(logging, settings.log_level)
    shared: list[Any] = [
        merge_request_context,
        merge_structlog_context,
        structlog.processors.add_log_level,
        add_timestamp,
    ]
    renderer: Any
    if settings.log_format == "json":
        renderer = render_json
        shared.append(structlog.processors.format_exc_info)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    processors = [*shared, renderer]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=max(level, logging.WARNING), stream=sys.stderr, force=True)
    global _access, _writer
    _access = access_log.bind()
    json_at_info = settings.log_format == "json" and level <= logging.INFO
    _writer = _AccessWriter(processors, sys.stderr) if json_at_info else None


def bind(**values: Any) -> None:
    """Add ``values`` to every log line of the current request (of the current context, outside
    a request). A task the request started shares its context: what either binds, both log."""
    context = _context.get()
    if context is None:
        _context.set(values)
    else:
        context.update(values)


def new_request_id() -> str:
    """A fresh request id: 32 hex digits in the form of a random (version 4) UUID, as
    ``uuid.uuid4().hex`` gives, from one call to the system's random source instead of a
    :class:`uuid.UUID` built and formatted per request."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return raw.hex()


def request_id_of(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The request's id: the client's ``X-Request-ID`` (the last one sent) when it is 8 to 64
    letters, digits, dots, underscores or dashes, a fresh one otherwise."""
    incoming = b""
    for name, value in headers:
        if name == REQUEST_ID_HEADER:
            incoming = value
    if incoming:
        text = incoming.decode("latin-1")
        if _REQUEST_ID_RE.match(text):
            return text
    return new_request_id()


def start_request(request_id: str) -> None:
    """Start the log context of a request: nothing bound before it, ``request_id`` bound."""
    _context.set({"request_id": request_id})


def end_request(method: object, path: str, status: int, seconds: float) -> None:
    """Write the request's access line (``method``, ``path``, ``status``, ``duration_ms`` and
    the request's log context) and clear the context.

    In JSON at level ``INFO`` or below the line goes through the configured processors here
    and is written in one call: structlog's logger, its copy of the event and its printer
    were half of what the line cost, on every request (issue 12, thirteenth pass)."""
    writer = _writer
    duration_ms = round(seconds * 1000, 2)
    if writer is not None and structlog.get_config()["processors"] is writer.processors:
        line: Any = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "event": "request",
        }
        for processor in writer.processors:
            line = processor(None, "info", line)
        writer.file.write(line + "\n")
    else:
        _access.info("request", method=method, path=path, status=status, duration_ms=duration_ms)
    _context.set(None)
