"""Lists as spreadsheets: CSV and XLSX answers for any module's list, safe to open in Excel.

A module describes the columns once (:class:`Column`) and answers an export route with
:func:`export_response`; the route declares ``operation_class=ExportOperation`` so the OpenAPI
document lists both media types. What a caller may rely on:

- the first row holds the column titles, the following rows one item each, in the given order;
- CSV is UTF-8 with a byte-order mark (so Excel reads Chinese text correctly), comma separated,
  quoted where needed; XLSX is one sheet named after the file;
- text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``)
  is prefixed with ``'``, in both formats (CSV/formula injection);
- lists are joined with ``、``, dates and times are in ISO 8601, booleans are 是/否, missing
  values are empty cells, UUIDs and other values are text.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

from litestar import Response
from litestar.openapi.spec import Operation
from litestar.openapi.spec.enums import OpenAPIType
from litestar.openapi.spec.header import OpenAPIHeader
from litestar.openapi.spec.media_type import OpenAPIMediaType
from litestar.openapi.spec.response import OpenAPIResponse
from litestar.openapi.spec.schema import Schema
from openpyxl import Workbook

ExportFormat = Literal["csv", "xlsx"]
"""The formats of an export route's ``format`` query parameter."""

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES: Mapping[str, str] = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
FORMULA_STARTS = ("=", "+", "-", "@")
SHEET_TITLE_MAX = 31


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an export: the item's field ``key`` under the header ``title``.

    ``value`` computes the cell from the whole item instead, for a column no single field
    holds. Items may be mappings, msgspec structs or any object with attributes.
    """

    key: str
    title: str
    value: Callable[[Any], Any] | None = None

    def of(self, item: Any) -> Any:
        if self.value is not None:
            return self.value(item)
        if isinstance(item, Mapping):
            return item.get(self.key)
        return getattr(item, self.key, None)


def cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell, formula-guarded (see the module's rules)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple | set | frozenset):
        return guard_formula("、".join(str(cell(v)) for v in value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return guard_formula(str(value))


def guard_formula(text: str) -> str:
    """``text`` prefixed with ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _rows(rows: Iterable[Any], columns: Sequence[Column]) -> Iterable[list[Any]]:
    for row in rows:
        yield [cell(column.of(row)) for column in columns]


def to_csv(rows: Iterable[Any], columns: Sequence[Column]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.title for column in columns])
    writer.writerows(_rows(rows, columns))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[Any], columns: Sequence[Column], sheet: str) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet[:SHEET_TITLE_MAX]
    worksheet.append([column.title for column in columns])
    for values in _rows(rows, columns):
        worksheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def content_disposition(filename: str) -> str:
    """An ``attachment`` header; a non-ASCII name is also given in RFC 6266 form."""
    if filename.isascii():
        return f'attachment; filename="{filename}"'
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def export_response(
    rows: Iterable[Any], columns: Sequence[Column], format: ExportFormat, filename: str
) -> Response[bytes]:
    """A download of ``rows`` as ``filename.csv`` or ``filename.xlsx`` (sheet ``filename``).

    ``rows`` are the items of a list answer (or a :class:`core.Page`'s ``items``); the caller
    decides how many, since an export is usually the whole filtered list, not one page.
    """
    content = to_xlsx(rows, columns, filename) if format == "xlsx" else to_csv(rows, columns)
    return Response(
        content=content,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": content_disposition(f"{filename}.{format}")},
    )


_ATTACHMENT_HEADER = {
    "content-disposition": OpenAPIHeader(
        schema=Schema(type=OpenAPIType.STRING),
        description="下载文件名（JSON 回答没有）/ the file name of a download (none for JSON)",
    )
}


def operation_answering(
    media_types: Mapping[str, str], *, keep_json: bool = False
) -> type[Operation]:
    """An OpenAPI operation class whose success answer lists ``media_types``.

    ``media_types`` maps each media type to a description of the body in it (a document, not
    JSON: published as a string with that ``contentMediaType``). With ``keep_json`` the JSON body
    derived from the handler's return annotation stays listed beside them (a route answering
    JSON or a document by a ``format`` parameter). Pass the result as the handler's
    ``operation_class``.
    """

    def declare(self: Operation) -> None:
        for code, response in (self.responses or {}).items():
            if not code.startswith("2") or not isinstance(response, OpenAPIResponse):
                continue
            kept = {
                name: media
                for name, media in (response.content or {}).items()
                if keep_json and name.startswith("application/json")
            }
            documents = {
                name: OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.STRING, content_media_type=name, description=description
                    )
                )
                for name, description in media_types.items()
            }
            response.content = {**kept, **documents}
            response.headers = {**(response.headers or {}), **_ATTACHMENT_HEADER}

    name = "Operation_" + "_".join(sorted(t.split(";")[0].replace("/", "_") for t in media_types))
    return dataclass(type(name, (Operation,), {"__post_init__": declare}))


ExportOperation = operation_answering(
    {
        CSV_MEDIA_TYPE: "CSV，UTF-8 带 BOM，首行为列名 / CSV, UTF-8 with BOM, header row first",
        XLSX_MEDIA_TYPE: "Excel 工作簿，一个工作表 / an Excel workbook with one sheet",
    }
)
"""The ``operation_class`` of an export route: its answer is CSV or XLSX, by ``format``."""
