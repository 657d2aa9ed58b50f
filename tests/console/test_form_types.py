"""Form fields of types beyond the plain ones: a described type, a list of structs.

msgspec wraps a type with a description in ``Metadata``; the form must still see the integer,
the date-time and their limits inside, or it shows a text box and posts a string the API
refuses. A list of structs (budget lines, survey answers) is a text area, one item a line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from core.console.forms import body_of, fill_path, form_fields
from core.modules.pages import ConsoleForm, ConsoleLabel

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
