"""Form fields of types beyond the plain ones: a described type, a list of structs.

msgspec wraps a type with a description in ``Metadata``; the form must still see the integer,
the date-time and their limits inside, or it shows a text box and posts a string the API
refuses. A list of structs (budget lines, survey answers) is a text area, one item a line.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import inspect as mi

from core.console.forms import ORIGINAL, body_of, fill_path, form_fields, prefilled, widget_text
from core.modules.pages import ConsoleChoices, ConsoleForm, ConsoleLabel

Fen = Annotated[int, msgspec.Meta(ge=0, le=10**13, description="金额（分） / amount in fen")]
Instant = Annotated[datetime, msgspec.Meta(tz=True, description="带时区的时间 / with an offset")]


class Described(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    amount_fen: Fen
    starts_at: Instant
    refund_fen: Fen | None = None


FORM = ConsoleForm(key="f", title="表", title_en="Form", schema=Described, path="/x")


def test_a_described_type_keeps_its_widget_limits_and_conversion() -> None:
    fields = {f.name: f for f in form_fields(FORM, "zh-CN")}
    assert fields["amount_fen"].widget == "number"
    assert fields["amount_fen"].minimum == 0
    assert fields["amount_fen"].maximum == 10**13
    assert fields["amount_fen"].required
    assert fields["starts_at"].widget == "datetime-local"
    assert fields["refund_fen"].widget == "number"
    assert not fields["refund_fen"].required
    body = body_of(
        FORM, {"amount_fen": ["1500"], "starts_at": ["2026-12-20T19:00"], "refund_fen": [""]}
    )
    assert body == {"amount_fen": 1500, "starts_at": "2026-12-20T19:00:00+08:00"}
    decoded = msgspec.json.decode(msgspec.json.encode(body), type=Described)
    assert decoded.starts_at.utcoffset() is not None


class Line(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    item: str
    amount_fen: Fen
    note: str | None = None


class Budget(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    lines: Annotated[list[Line], msgspec.Meta(min_length=1)]
    tags: list[str] | None = None


BUDGET = ConsoleForm(key="b", title="预算", title_en="Budget", schema=Budget, path="/x")


def test_a_list_of_structs_is_one_item_per_line_with_its_values_in_order() -> None:
    fields = {f.name: f for f in form_fields(BUDGET, "en")}
    assert fields["lines"].widget == "lines"
    assert fields["lines"].columns == ("item", "amount_fen", "note")
    assert "item | amount_fen | note" in fields["lines"].help
    body = body_of(BUDGET, {"lines": ["场地租赁 | 50000\n物资｜12000｜含运费\n\n"], "tags": [""]})
    assert body == {
        "lines": [
            {"item": "场地租赁", "amount_fen": 50000},
            {"item": "物资", "amount_fen": 12000, "note": "含运费"},
        ]
    }
    assert msgspec.convert(body, Budget).lines[1].note == "含运费"
    labelled = ConsoleForm(
        key="b",
        title="预算",
        title_en="Budget",
        schema=Budget,
        path="/x",
        labels={"lines": ConsoleLabel(title="预算（科目 | 金额）", title_en="Budget (item | fen)")},
    )
    help_zh = form_fields(labelled, "zh-CN")[0].help
    assert help_zh == "每行一项，各值以 | 分隔，顺序如标题"
    # A required list left empty is still sent, so the API's 422 names it.
    assert body_of(BUDGET, {"lines": [""]}) == {"lines": []}


class Done(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    done_on: str


DONE = ConsoleForm(
    key="done",
    title="完成",
    title_en="Done",
    schema=Done,
    path="/visits/{id}/follow-ups/{follow_up_id}/done",
    labels={"follow_up_id": ConsoleLabel(title="整改事项 ID", title_en="Follow-up id")},
)


def test_a_path_placeholder_besides_the_record_id_is_asked_for_and_filled_in() -> None:
    fields = form_fields(DONE, "zh-CN")
    assert [(f.name, f.label, f.required) for f in fields] == [
        ("follow_up_id", "整改事项 ID", True),
        ("done_on", "done_on", True),
    ]
    posted = {"follow_up_id": [" a/b "], "done_on": ["2026-03-01"]}
    assert fill_path(DONE.path, posted) == "/visits/{id}/follow-ups/a%2Fb/done"
    assert body_of(DONE, posted) == {"done_on": "2026-03-01"}
    assert fill_path(DONE.path, {}) == "/visits/{id}/follow-ups/-/done"


def test_fen_figures_show_as_exact_yuan_without_floats() -> None:
    from core.console.dashboard import display

    assert display(20_650_000, "fen") == "206,500.00"
    assert display(9_007_199_254_740_993, "fen") == "90,071,992,547,409.93"
    assert display(-5, "fen") == "-0.05"
    assert display(2160, "person_times") == "2,160"


class Kind(enum.Enum):
    GROUP = "group"
    FUND = "fund"


class Edit(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: str | None = None
    starts_at: Instant | None = None
    held_on: date | None = None
    kind: Kind | None = None
    level: Literal[1, 2, 3] | None = None
    open: bool | None = None
    tags: list[str] | None = None
    lines: list[Line] | None = None


RECORD = {
    "id": "0b7a",
    "name": "书画社",
    "starts_at": "2026-03-05T01:30:00Z",
    "held_on": "2026-03-05",
    "kind": "fund",
    "level": 2,
    "open": True,
    "tags": ["助老", "文体"],
    "lines": [
        {"item": "场地", "amount_fen": 50000, "note": None},
        {"item": "物资", "amount_fen": 1},
    ],
}


def test_an_edit_form_shows_each_stored_value_as_its_widget_text() -> None:
    patch = ConsoleForm(
        key="e", title="改", title_en="Edit", schema=Edit, path="/x", method="PATCH"
    )
    assert prefilled(patch, RECORD) == {
        "name": "书画社",
        # 01:30 UTC is 09:30 in Asia/Shanghai, as a datetime-local input reads it.
        "starts_at": "2026-03-05T09:30",
        "held_on": "2026-03-05",
        "kind": "fund",
        "level": "2",
        "open": "on",
        "tags": "助老\n文体",
        "lines": "场地 | 50000\n物资 | 1",
    }
    assert prefilled(patch, {**RECORD, "open": False, "tags": None})["open"] == ""
    # The local day and year may differ from UTC's.
    assert widget_text(mi.type_info(datetime), "2026-12-31T20:00:00+00:00") == "2027-01-01T04:00"
    limited = ConsoleForm(
        key="e",
        title="改",
        title_en="Edit",
        schema=Edit,
        path="/x",
        method="PATCH",
        fields=("name",),
    )
    assert prefilled(limited, RECORD) == {"name": "书画社"}


def test_a_patch_sends_only_what_changed_from_the_values_it_opened_with() -> None:
    patch = ConsoleForm(
        key="e", title="改", title_en="Edit", schema=Edit, path="/x", method="PATCH"
    )
    shown = prefilled(patch, RECORD)
    untouched = {
        **{k: [v] for k, v in shown.items()},
        **{f"{ORIGINAL}{k}": [v] for k, v in shown.items()},
    }
    assert body_of(patch, untouched) == {}
    # Line endings a browser posts (CRLF) and spacing around | are no change.
    resent = {**untouched, "lines": ["场地|50000\r\n物资 |1"], "tags": ["助老\r\n文体"]}
    assert body_of(patch, resent) == {}
    edited = {
        **untouched,
        "name": ["书画协会"],
        "starts_at": ["2026-03-05T10:00"],
        "open": [],
        "tags": ["助老"],
        "held_on": [""],
    }
    del edited["open"]
    assert body_of(patch, edited) == {
        "name": "书画协会",
        "starts_at": "2026-03-05T10:00:00+08:00",
        "held_on": None,
        "open": False,
        "tags": ["助老"],
    }
    assert body_of(patch, {**untouched, "name": [""]}) == {"name": ""}
    # A post without what the form opened with sends what is typed, and no unposted box.
    assert body_of(patch, {"name": ["书画协会"]}) == {"name": "书画协会"}
    # A PUT replaces the record: every field is sent.
    put = ConsoleForm(key="e", title="改", title_en="Edit", schema=Edit, path="/x", method="PUT")
    assert set(body_of(put, untouched)) == {
        "name",
        "starts_at",
        "held_on",
        "kind",
        "level",
        "open",
        "tags",
        "lines",
    }


def test_a_multiple_choice_posts_one_value_each_and_all_are_kept() -> None:
    chosen = ConsoleForm(
        key="m",
        title="选",
        title_en="Pick",
        schema=Edit,
        path="/x",
        fields=("tags",),
        labels={
            "tags": ConsoleLabel(
                title="标签", title_en="Tags", choices_from=ConsoleChoices(path="/tags")
            )
        },
    )
    field = form_fields(chosen, "en")[0]
    assert field.multiple
    assert field.source == ConsoleChoices(path="/tags")
    assert body_of(chosen, {"tags": ["a", "b"]}) == {"tags": ["a", "b"]}
