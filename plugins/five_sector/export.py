"""The columns of the module's CSV and XLSX exports, one list per list, headers in Chinese.

Keys are fields of the list's answer items; :func:`core.export_response` writes the files.
"""

from __future__ import annotations

from core import Column

ORGANISATION_COLUMNS: list[Column] = [
    Column("name", "名称"), Column("kind", "类型"), Column("category", "类别"),
    Column("status", "状态"), Column("uscc", "统一社会信用代码"),
    Column("registered_on", "登记日期"), Column("filing_number", "备案编号"),
    Column("filed_on", "备案日期"), Column("filing_expires_on", "备案有效期至"),
    Column("founders_count", "发起人数"), Column("members_count", "成员数"),
    Column("address", "地址"), Column("rating_label", "评估等级"), Column("rated_on", "评估日期"),
    Column("rating_valid_until", "等级有效期至"), Column("brand_project", "品牌项目"),
    Column("id", "编号"),
]  # fmt: skip
SOCIAL_WORKER_COLUMNS: list[Column] = [
    Column("name", "姓名"), Column("certificate_level", "证书等级"),
    Column("certificate_number", "证书编号"), Column("served_tenant_ids", "服务社区"),
    Column("id", "编号"),
]  # fmt: skip
VOLUNTEER_COLUMNS: list[Column] = [
    Column("volunteer_number", "志愿者编号"), Column("name", "姓名"), Column("skills", "技能"),
    Column("total_hours", "服务时长（小时）"), Column("star_level", "星级"), Column("id", "编号"),
]  # fmt: skip
ACTIVITY_COLUMNS: list[Column] = [
    Column("title", "活动名称"), Column("category", "类别"), Column("place", "地点"),
    Column("starts_at", "开始时间"), Column("ends_at", "结束时间"), Column("capacity", "名额"),
    Column("status", "状态"), Column("person_times", "服务人次"), Column("pairing_id", "结对"),
    Column("id", "编号"),
]  # fmt: skip
RESOURCE_COLUMNS: list[Column] = [
    Column("kind", "类型"), Column("donor_kind", "捐赠方类型"), Column("donor_name", "捐赠方"),
    Column("description", "说明"), Column("unit", "单位"), Column("quantity", "数量"),
    Column("allocated", "已分配"), Column("balance", "余额"), Column("received_on", "接收日期"),
    Column("id", "编号"),
]  # fmt: skip
PAIRING_COLUMNS: list[Column] = [
    Column("urban_tenant_id", "城市社区"), Column("rural_tenant_id", "村"),
    Column("started_on", "结对日期"), Column("goals", "目标"), Column("id", "编号"),
]  # fmt: skip
