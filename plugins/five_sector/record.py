"""The printable volunteer service record (志愿服务记录证明), as JSON, HTML or PDF.

It names what 志愿服务记录办法 requires: the volunteer, ID type and number, volunteer number,
hours and content of service, the issuing body and its responsible person, the certificate
number and date. The PDF needs a font with Chinese glyphs; where none is installed the PDF
answer is a 503 saying so, never a PDF with missing characters.
"""

from __future__ import annotations

import html
import os
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Response

from core import Problem, Tenant, operation_answering
from plugins.five_sector.volunteers.schemas import Entry, Volunteer

SHANGHAI = ZoneInfo("Asia/Shanghai")
HTML_MEDIA_TYPE = "text/html; charset=utf-8"
PDF_MEDIA_TYPE = "application/pdf"
FONT_ENV = "GONGZHI_CJK_FONT"


class ServiceRecord(msgspec.Struct, kw_only=True):
    """志愿服务记录证明: the volunteer, their ledger and who issues the record."""

    issuing_body: str
    responsible_person: str
    certificate_number: str
    issued_on: date
    volunteer: Volunteer
    entries: list[Entry] = msgspec.field(default_factory=list)


def build(
    tenant: Tenant,
    volunteer: Volunteer,
    entries: list[Entry],
    responsible_person: str,
) -> ServiceRecord:
    """The record as of today (Asia/Shanghai); the certificate number is derived from the
    issuing tenant, the volunteer number and the date, so reprinting the same day repeats it."""
    issued = datetime.now(UTC).astimezone(SHANGHAI).date()
    number = f"{tenant.slug}-{volunteer.volunteer_number}-{issued:%Y%m%d}".upper()
    return ServiceRecord(
        issuing_body=tenant.name,
        responsible_person=responsible_person,
        certificate_number=number,
        issued_on=issued,
        volunteer=volunteer,
        entries=entries,
    )


def _rows(record: ServiceRecord) -> list[tuple[str, str]]:
    v = record.volunteer
    return [
        ("姓名", v.name),
        ("证件类型", v.id_type or ""),
        ("证件号码", v.id_number or ""),
        ("志愿者编号", v.volunteer_number),
        ("累计服务时长（小时）", f"{v.total_hours:.2f}"),
        ("星级", "★" * v.star_level or "—"),
        ("出具单位", record.issuing_body),
        ("负责人", record.responsible_person),
        ("证明编号", record.certificate_number),
        ("出具日期", record.issued_on.isoformat()),
    ]


def _entry_cells(entry: Entry) -> list[str]:
    kind = "冲正" if entry.kind == "reversal" else "服务"
    return [
        entry.served_on.isoformat(),
        kind,
        f"{entry.hours:.2f}",
        entry.content,
        entry.verified_by,
    ]


ENTRY_HEADERS = ["服务日期", "类型", "时长（小时）", "服务内容", "核实人"]


def to_html(record: ServiceRecord) -> str:
    """A self-contained printable page; every value is escaped."""
    e = html.escape
    facts = "\n".join(f"<tr><th>{e(k)}</th><td>{e(str(val))}</td></tr>" for k, val in _rows(record))
    head = "".join(f"<th>{e(h)}</th>" for h in ENTRY_HEADERS)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{e(c)}</td>" for c in _entry_cells(entry)) + "</tr>"
        for entry in record.entries
    )
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>志愿服务记录证明</title>
<style>body{{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:2em}}
table{{border-collapse:collapse;margin-bottom:1.5em}}th,td{{border:1px solid #444;padding:4px 8px;text-align:left}}
@media print{{body{{margin:0}}}}</style></head>
<body><h1>志愿服务记录证明</h1>
<table class="facts">
{facts}
</table>
<h2>服务记录</h2>
<table class="entries"><thead><tr>{head}</tr></thead><tbody>
{body}
</tbody></table>
<p>出具单位（盖章）：{e(record.issuing_body)}　负责人：{e(record.responsible_person)}</p>
</body></html>
"""


def find_cjk_font() -> Path | None:
    """A TrueType/OpenType font with Chinese glyphs: ``GONGZHI_CJK_FONT``, else fontconfig."""
    configured = os.environ.get(FONT_ENV)
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(listed.splitlines()):
        path = Path(line.split(":", 1)[0].strip())
        if path.suffix.lower() in (".ttf", ".otf", ".ttc") and path.is_file():
            return path
    return None


def to_pdf(record: ServiceRecord, font: Path) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("cjk", "", str(font))
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 12, "志愿服务记录证明", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=11)
    for key, value in _rows(record):
        pdf.cell(50, 8, key, border=1)
        pdf.cell(0, 8, str(value), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (28, 16, 26, 80, 30)
    for header, width in zip(ENTRY_HEADERS, widths, strict=True):
        pdf.cell(width, 8, header, border=1)
    pdf.ln()
    for entry in record.entries:
        for value, width in zip(_entry_cells(entry), widths, strict=True):
            pdf.cell(width, 8, value[:40], border=1)
        pdf.ln()
    return bytes(pdf.output())


def respond(record: ServiceRecord, format: str) -> Response[Any]:
    filename = f"volunteer-record-{record.certificate_number}"
    if format == "json":
        return Response(content=record)
    if format == "html":
        return Response(content=to_html(record), media_type=HTML_MEDIA_TYPE)
    font = find_cjk_font()
    if font is None:
        raise Problem(
            "服务器未安装中文字体，无法生成PDF，请使用HTML版本打印",
            title_en="No Chinese font installed: PDF unavailable, print the HTML version",
            status=503,
            code="pdf-font-missing",
        )
    return Response(
        content=to_pdf(record, font),
        media_type=PDF_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
    )


RecordOperation = operation_answering(
    {
        HTML_MEDIA_TYPE: "可打印的网页（format=html）/ a printable page (format=html)",
        PDF_MEDIA_TYPE: "PDF 文件（format=pdf；无中文字体时为 503）/ a PDF (format=pdf; 503 "
        "where no Chinese font is installed)",
    },
    keep_json=True,
)
"""The record route's answers: JSON (``format=json``), HTML or PDF."""
