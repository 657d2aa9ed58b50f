"""CSV and XLSX export of the module's lists: one column list per list, headers in Chinese."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from litestar import Response
from openpyxl import Workbook

Column = tuple[str, str]
"""(key in the list item, column header)."""

ORGANISATION_COLUMNS: list[Column] = [
    ("name", "名称"), ("kind", "类型"), ("category", "类别"), ("status", "状态"),
    ("uscc", "统一社会信用代码"), ("registered_on", "登记日期"), ("filing_number", "备案编号"),
    ("filed_on", "备案日期"), ("filing_expires_on", "备案有效期至"),
    ("founders_count", "发起人数"), ("members_count", "成员数"), ("address", "地址"),
    ("rating_label", "评估等级"), ("rated_on", "评估日期"),
    ("rating_valid_until", "等级有效期至"), ("brand_project", "品牌项目"), ("id", "编号"),
]  # fmt: skip
SOCIAL_WORKER_COLUMNS: list[Column] = [
    ("name", "姓名"), ("certificate_level", "证书等级"), ("certificate_number", "证书编号"),
    ("served_tenant_ids", "服务社区"), ("id", "编号"),
]  # fmt: skip
VOLUNTEER_COLUMNS: list[Column] = [
    ("volunteer_number", "志愿者编号"), ("name", "姓名"), ("skills", "技能"),
    ("total_hours", "服务时长（小时）"), ("star_level", "星级"), ("id", "编号"),
]  # fmt: skip
ACTIVITY_COLUMNS: list[Column] = [
    ("title", "活动名称"), ("category", "类别"), ("place", "地点"), ("starts_at", "开始时间"),
    ("ends_at", "结束时间"), ("capacity", "名额"), ("status", "状态"),
    ("person_times", "服务人次"), ("pairing_id", "结对"), ("id", "编号"),
]  # fmt: skip
RESOURCE_COLUMNS: list[Column] = [
    ("kind", "类型"), ("donor_kind", "捐赠方类型"), ("donor_name", "捐赠方"),
    ("description", "说明"), ("unit", "单位"), ("quantity", "数量"), ("allocated", "已分配"),
    ("balance", "余额"), ("received_on", "接收日期"), ("id", "编号"),
]  # fmt: skip
PAIRING_COLUMNS: list[Column] = [
    ("urban_tenant_id", "城市社区"), ("rural_tenant_id", "村"), ("started_on", "结对日期"),
    ("goals", "目标"), ("id", "编号"),
]  # fmt: skip

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: lists joined, times in ISO form, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _guard_formula(value: Any) -> Any:
    """Text starting with = + - @ is prefixed so spreadsheets never run it as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(columns: Sequence[Column], items: Sequence[dict[str, Any]]) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese headers correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in columns])
    for item in items:
        writer.writerow([_guard_formula(cell(item.get(key))) for key, _ in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheet: str, columns: Sequence[Column], items: Sequence[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet[:31]
    worksheet.append([title for _, title in columns])
    for item in items:
        worksheet.append([_guard_formula(cell(item.get(key))) for key, _ in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def respond(
    name: str, columns: Sequence[Column], items: Sequence[dict[str, Any]], format: str
) -> Response[bytes]:
    if format == "xlsx":
        content, media_type = to_xlsx(name, columns, items), XLSX_TYPE
    else:
        content, media_type = to_csv(columns, items), CSV_TYPE
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'},
    )
