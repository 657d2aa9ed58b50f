"""Forms built from a route's request-body struct, and form posts turned back into its JSON.

:func:`form_fields` reads the struct with :func:`msgspec.inspect.type_info`: a string becomes a
text input (its ``max_length`` kept), an integer or decimal a number input, a date or time a
date input, a ``Literal`` or an ``Enum`` a choice list, a boolean a check box, a list of strings
a text area with one value per line, a list of structs a text area with one item per line
and its values separated by ``|`` in the struct's field order; an optional field may be left
empty (an empty optional list is left out). A field whose label declares ``choices_from`` is a
choice list of the records it names (filled by the console's routes). :func:`body_of` converts
the posted strings back into the JSON body; the API's own decoder then checks every rule and its
422 ``errors`` are shown against the fields they name.

An edit form (``PATCH`` or ``PUT``) opens with the record's values as widget text
(:func:`prefilled`); each value shown is also carried in a hidden ``_was_<field>`` input, so a
``PATCH`` sends only what the user changed (:func:`body_of`), and a form shown again after a
refusal keeps both what the user typed and what the record held.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import msgspec
from msgspec import inspect as mi

from core.console.i18n import Lang, pick
from core.modules.pages import ConsoleChoices, ConsoleForm, ConsoleLabel

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
"""The zone a ``datetime-local`` input is read and shown in (the API stores UTC)."""

ORIGINAL = "_was_"
"""Prefix of the hidden inputs carrying the values an edit form opened with."""

EDIT_METHODS = frozenset({"PATCH", "PUT"})


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
    columns: tuple[str, ...] = ()
    """For a list of structs: the item's fields, one ``|``-separated value each per line."""
    source: ConsoleChoices | None = None
    """Where the records this field names come from (the label's ``choices_from``)."""
    multiple: bool = False
    """A list field: several values may be chosen (one per line when typed)."""
    options: tuple[tuple[str, str], ...] = ()
    """The records offered, as (value, label), once the console has read them."""
    searchable: bool = False
    """More records exist than are offered: a search box narrows the list."""


def _bare(kind: mi.Type) -> mi.Type:
    """``kind`` without the ``Metadata`` wrapper a ``Meta`` with a description or other extra
    JSON-schema text puts around it (its limits stay on the inner type)."""
    while isinstance(kind, mi.Metadata):
        kind = kind.type
    return kind


def _unwrap(kind: mi.Type) -> tuple[mi.Type, bool]:
    """The type inside an optional union, and whether None is allowed."""
    kind = _bare(kind)
    if isinstance(kind, mi.UnionType):
        options = [t for t in kind.types if not isinstance(_bare(t), mi.NoneType)]
        if len(options) == 1:
            return _bare(options[0]), len(options) != len(kind.types)
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
        item = _bare(kind.item_type)
        if isinstance(item, mi.StructType):
            return "lines", {"columns": tuple(f.name for f in item.fields)}
        return "lines", {}
    if isinstance(kind, mi.StrType):
        return "text", {"max_length": kind.max_length}
    return "text", {}


def _default(field: mi.Field) -> str:
    value = field.default
    if value is msgspec.NODEFAULT or value is None or isinstance(value, bool):
        return ""
    return str(value)


def _help(label: ConsoleLabel | None, lang: Lang, columns: Sequence[str]) -> str:
    """The label's help; for a list of structs, followed by how to write its items (the
    module's label names the values in its language; without one, the field names do)."""
    if label is None:
        if not columns:
            return ""
        return pick(lang, "每行一项，依次填写：", "One per line, values in order: ") + " | ".join(
            columns
        )
    told = pick(lang, label.help, label.help_en)
    if not columns:
        return told
    layout = pick(
        lang, "每行一项，各值以 | 分隔，顺序如标题", "One per line, values separated by | as titled"
    )
    return " ".join(part for part in (told, layout) if part)


PATH_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def path_parameters(form: ConsoleForm) -> list[str]:
    """The placeholders of the form's path other than ``{id}`` (the record's): each is asked
    for as a field of its own (a tranche number, a follow-up's id) and put into the path."""
    return [name for name in PATH_PARAMETER.findall(form.path) if name != "id"]


def fill_path(path: str, posted: Mapping[str, Sequence[str]]) -> str:
    """``path`` with every placeholder but ``{id}`` replaced by its posted value, quoted."""

    def value(match: re.Match[str]) -> str:
        if match.group(1) == "id":
            return match.group(0)
        given = [v for v in posted.get(match.group(1), []) if v is not None]
        return quote(given[-1].strip() if given else "", safe="") or "-"

    return PATH_PARAMETER.sub(value, path)


def form_fields(form: ConsoleForm, lang: Lang) -> list[FormField]:
    """The inputs of ``form`` in its declared order, labelled in ``lang``: first one for each
    placeholder of its path (see :func:`path_parameters`), then the body's."""
    info = mi.type_info(form.schema)
    assert isinstance(info, mi.StructType)
    by_name = {f.name: f for f in info.fields}
    names = list(form.fields) or [f.name for f in info.fields]
    found: list[FormField] = []
    for name in path_parameters(form):
        label = form.labels.get(name)
        found.append(
            FormField(
                name=name,
                label=pick(lang, label.title, label.title_en) if label else name,
                help=_help(label, lang, ()),
                widget="text",
                required=True,
                source=label.choices_from if label else None,
            )
        )
    for name in names:
        field = by_name[name]
        kind, optional = _unwrap(field.type)
        widget, extra = _widget(kind)
        label = form.labels.get(name)
        found.append(
            FormField(
                name=name,
                label=pick(lang, label.title, label.title_en) if label else name,
                help=_help(label, lang, extra.get("columns", ())),
                widget=widget,
                required=field.required and not optional and widget != "checkbox",
                default=_default(field),
                source=label.choices_from if label else None,
                multiple=widget == "lines" and not extra.get("columns"),
                **{k: v for k, v in extra.items() if v is not None},
            )
        )
    return found


def is_edit(form: ConsoleForm) -> bool:
    """Whether ``form`` changes an existing record, and so opens with its values."""
    return form.method.upper() in EDIT_METHODS


def _dig(record: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(record, Mapping) or part not in record:
            return None
        record = record[part]
    return record


def widget_text(kind: mi.Type, value: Any) -> str:
    """A JSON value of ``kind`` as its input shows it: dates as ``YYYY-MM-DD``, date-times in
    Asia/Shanghai local time for ``datetime-local``, lists one item a line (a struct's values
    ``|``-separated in its field order), a true boolean as a checked box, nothing for null."""
    kind, _ = _unwrap(kind)
    if value is None:
        return ""
    if isinstance(kind, mi.BoolType):
        return "on" if value is True else ""
    if isinstance(kind, mi.DateTimeType) and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M")
    if isinstance(kind, mi.ListType | mi.SetType | mi.FrozenSetType) and isinstance(
        value, list | tuple
    ):
        item = _bare(kind.item_type)
        if isinstance(item, mi.StructType):
            return "\n".join(
                " | ".join(
                    widget_text(f.type, row.get(f.encode_name)) if isinstance(row, Mapping) else ""
                    for f in item.fields
                ).rstrip(" |")
                for row in value
            )
        return "\n".join(widget_text(item, v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def prefilled(form: ConsoleForm, record: Mapping[str, Any]) -> dict[str, str]:
    """What an edit form shows first: each body field's value in the record (the detail
    answer's field of the same name), as widget text. Fields the record does not hold are
    left out (the form shows their default)."""
    info = mi.type_info(form.schema)
    assert isinstance(info, mi.StructType)
    names = set(form.fields) or {f.name for f in info.fields}
    shown: dict[str, str] = {}
    for field in info.fields:
        if field.name in names and field.encode_name in record:
            shown[field.name] = widget_text(field.type, _dig(record, field.encode_name))
    return shown


def originals(posted: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The values an edit form opened with, as posted back in its hidden inputs."""
    return {
        key[len(ORIGINAL) :]: (values[-1] if values else "")
        for key, values in posted.items()
        if key.startswith(ORIGINAL)
    }


def choice_label(row: Any, source: ConsoleChoices) -> tuple[str, str] | None:
    """One record of a choice list as (value, label); None when it has no value."""
    value = _dig(row, source.value)
    if value is None or value == "":
        return None
    label = _dig(row, source.label)
    return str(value), str(label) if label not in (None, "") else str(value)


def _raw(kind: mi.Type, values: Sequence[str]) -> str:
    """The text posted for one field: a list field joins every value posted (a multiple
    choice posts one each), any other takes the last."""
    if isinstance(kind, mi.ListType | mi.SetType | mi.FrozenSetType):
        return "\n".join(v.strip() for v in values)
    return values[-1].strip() if values else ""


def _items(kind: mi.ListType | mi.SetType | mi.FrozenSetType, raw: str) -> list[Any]:
    item = _bare(kind.item_type)
    if isinstance(item, mi.StructType):
        return [_row(item, line) for line in raw.splitlines() if line.strip()]
    return [line.strip() for line in raw.replace("，", "\n").splitlines() if line.strip()]


def _cleared(kind: mi.Type) -> Any:
    """What a PATCH sends for a field the user emptied: an empty text for a string (the API
    decides whether it may be blank), null for anything else."""
    return "" if isinstance(kind, mi.StrType) else None


def body_of(form: ConsoleForm, posted: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The JSON body of a form post: empty optional fields left out, values typed.

    A ``PATCH`` whose post carries the values the form opened with (``_was_<field>``) sends
    only the fields whose typed value differs from them: a field the user did not touch is
    never sent, one the user emptied is sent empty. A ``PATCH`` field posted without what it
    opened with is sent as typed, and left out when not posted at all.
    """
    info = mi.type_info(form.schema)
    assert isinstance(info, mi.StructType)
    names = set(form.fields) or {f.name for f in info.fields}
    patch = form.method.upper() == "PATCH"
    was = originals(posted) if patch else {}
    body: dict[str, Any] = {}
    for field in info.fields:
        if field.name not in names:
            continue
        kind, _ = _unwrap(field.type)
        raw = _raw(kind, [v for v in posted.get(field.name, []) if v is not None])
        if field.name in was:
            now = _value(kind, raw)
            if now != _value(kind, was[field.name].replace("\r\n", "\n").strip()):
                body[field.encode_name] = _cleared(kind) if now is None else now
            continue
        if patch and field.name not in posted:
            continue
        if isinstance(kind, mi.BoolType):
            body[field.encode_name] = raw in ("on", "true", "1")
            continue
        if isinstance(kind, mi.ListType | mi.SetType | mi.FrozenSetType):
            items = _items(kind, raw)
            if items or field.required:
                body[field.encode_name] = items
            continue
        if raw == "":
            continue
        body[field.encode_name] = _typed(kind, raw)
    return body


def _value(kind: mi.Type, raw: str) -> Any:
    """The JSON value of a posted text, for comparing what an edit form opened with to what
    it sends back."""
    if isinstance(kind, mi.BoolType):
        return raw in ("on", "true", "1")
    if isinstance(kind, mi.ListType | mi.SetType | mi.FrozenSetType):
        return _items(kind, raw)
    return _typed(kind, raw) if raw else None


def _typed(kind: mi.Type, raw: str) -> Any:
    """A posted non-empty string as the JSON value of ``kind`` (left as text when it does not
    parse, so the API's 422 names the field)."""
    if (
        isinstance(kind, mi.LiteralType) and all(isinstance(v, int) for v in kind.values)
    ) or isinstance(kind, mi.IntType):
        return int(raw) if raw.lstrip("-").isdigit() else raw
    if isinstance(kind, mi.FloatType):
        try:
            return float(raw)
        except ValueError:
            return raw
    if isinstance(kind, mi.DateTimeType) and len(raw) == 16:
        return raw + ":00+08:00"
    if isinstance(kind, mi.BoolType):
        return raw.lower() in ("on", "true", "1", "yes", "是")
    return raw


def _row(item: mi.StructType, line: str) -> dict[str, Any]:
    """One line of a list-of-structs field: ``|``-separated values in the item's field order,
    empty ones left out."""
    values = [v.strip() for v in line.replace("｜", "|").split("|")]
    row: dict[str, Any] = {}
    for field, raw in zip(item.fields, values, strict=False):
        if raw:
            row[field.encode_name] = _typed(_unwrap(field.type)[0], raw)
    return row


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
