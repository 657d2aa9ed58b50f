"""Forms built from a route's request-body struct, and form posts turned back into its JSON.

:func:`form_fields` reads the struct with :func:`msgspec.inspect.type_info`: a string becomes a
text input (its ``max_length`` kept), an integer or decimal a number input, a date or time a
date input, a ``Literal`` or an ``Enum`` a choice list, a boolean a check box, a list of strings
a text area with one value per line; an optional field may be left empty. :func:`body_of`
converts the posted strings back into the JSON body; the API's own decoder then checks every
rule and its 422 ``errors`` are shown against the fields they name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import inspect as mi

from core.console.i18n import Lang, pick
from core.modules.pages import ConsoleForm


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    help: str
    widget: str  # text, number, date, datetime-local, select, checkbox, lines
    required: bool
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    step: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: str = ""


def _unwrap(kind: mi.Type) -> tuple[mi.Type, bool]:
    """The type inside an optional union, and whether None is allowed."""
    if isinstance(kind, mi.UnionType):
        options = [t for t in kind.types if not isinstance(t, mi.NoneType)]
        if len(options) == 1:
            return options[0], len(options) != len(kind.types)
    return kind, False


def _widget(kind: mi.Type) -> tuple[str, dict[str, Any]]:
    if isinstance(kind, mi.BoolType):
        return "checkbox", {}
    if isinstance(kind, mi.LiteralType):
        return "select", {"choices": tuple(str(v) for v in kind.values)}
    if isinstance(kind, mi.EnumType):
        return "select", {"choices": tuple(str(m.value) for m in kind.cls)}
    if isinstance(kind, mi.IntType):
        return "number", {"step": "1", "minimum": kind.ge, "maximum": kind.le}
    if isinstance(kind, mi.FloatType | mi.DecimalType):
        return "number", {"step": "any"}
    if isinstance(kind, mi.DateType):
        return "date", {}
    if isinstance(kind, mi.DateTimeType):
        return "datetime-local", {}
    if isinstance(kind, mi.ListType | mi.SetType | mi.FrozenSetType):
        return "lines", {}
    if isinstance(kind, mi.StrType):
        return "text", {"max_length": kind.max_length}
    return "text", {}


def _default(field: mi.Field) -> str:
    value = field.default
    if value is msgspec.NODEFAULT or value is None or isinstance(value, bool):
        return ""
    return str(value)


def form_fields(form: ConsoleForm, lang: Lang) -> list[FormField]:
    """The inputs of ``form`` in its declared order, labelled in ``lang``."""
    info = mi.type_info(form.schema)
    assert isinstance(info, mi.StructType)
    by_name = {f.name: f for f in info.fields}
    names = list(form.fields) or [f.name for f in info.fields]
    found: list[FormField] = []
    for name in names:
        field = by_name[name]
        kind, optional = _unwrap(field.type)
        widget, extra = _widget(kind)
        label = form.labels.get(name)
        found.append(
            FormField(
                name=name,
                label=pick(lang, label.title, label.title_en) if label else name,
                help=pick(lang, label.help, label.help_en) if label else "",
                widget=widget,
                required=field.required and not optional and widget != "checkbox",
                default=_default(field),
                **{k: v for k, v in extra.items() if v is not None},
            )
        )
    return found


def body_of(form: ConsoleForm, posted: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The JSON body of a form post: empty optional fields left out, values typed."""
    info = mi.type_info(form.schema)
    assert isinstance(info, mi.StructType)
    names = set(form.fields) or {f.name for f in info.fields}
    body: dict[str, Any] = {}
    for field in info.fields:
        if field.name not in names:
            continue
        kind, _ = _unwrap(field.type)
        values = [v for v in posted.get(field.name, []) if v is not None]
        raw = values[-1].strip() if values else ""
        if isinstance(kind, mi.BoolType):
            body[field.encode_name] = raw in ("on", "true", "1")
            continue
        if isinstance(kind, mi.ListType | mi.SetType | mi.FrozenSetType):
            body[field.encode_name] = [
                line.strip() for line in raw.replace("，", "\n").splitlines() if line.strip()
            ]
            continue
        if raw == "":
            continue
        if (
            isinstance(kind, mi.LiteralType) and all(isinstance(v, int) for v in kind.values)
        ) or isinstance(kind, mi.IntType):
            body[field.encode_name] = int(raw) if raw.lstrip("-").isdigit() else raw
        elif isinstance(kind, mi.FloatType):
            try:
                body[field.encode_name] = float(raw)
            except ValueError:
                body[field.encode_name] = raw
        elif isinstance(kind, mi.DateTimeType) and len(raw) == 16:
            body[field.encode_name] = raw + ":00+08:00"
        else:
            body[field.encode_name] = raw
    return body


def field_errors(problem: Mapping[str, Any], lang: Lang) -> tuple[dict[str, str], str]:
    """A 422 problem's messages by field name, and its message for the whole form."""
    by_field: dict[str, str] = {}
    for error in problem.get("errors") or []:
        if not isinstance(error, dict):
            continue
        where = str(error.get("field") or error.get("loc") or error.get("key") or "")
        name = where.split(".")[-1].strip("$[]'\"") if where else ""
        message = str(
            error.get("message_en" if lang == "en" else "message") or error.get("message") or ""
        )
        if name:
            by_field[name] = message
    return by_field, problem_message(problem, lang)


def problem_message(problem: Mapping[str, Any], lang: Lang) -> str:
    """A refusal's reason in ``lang``: the problem's title in that language, and its detail."""
    if lang == "en":
        title = str(problem.get("title_en") or problem.get("title") or "")
    else:
        title = str(problem.get("title") or "")
    detail = str(problem.get("detail") or "")
    if lang != "en" and problem.get("detail_zh"):
        detail = str(problem["detail_zh"])
    return f"{title}：{detail}" if title and detail and detail != title else title or detail


def encode(value: Any) -> Any:
    return msgspec.to_builtins(value)
