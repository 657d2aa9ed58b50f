"""Five-sector's pages in the web console, declared through ``gongzhi_console_pages``.

Nothing here renders HTML: the console builds each list, detail and form from these
declarations and the module's own request-body structs, and calls the module's routes as the
signed-in user (so ``five-sector:people`` still guards personal data).
"""

from __future__ import annotations

from core import (
    TENANT_CHOICES,
    ConsoleChoices,
    ConsoleField,
    ConsoleForm,
    ConsoleLabel,
    ConsoleLink,
    ConsolePages,
    ConsoleRelated,
    ConsoleResource,
)
from plugins.five_sector.activities.schemas import ActivityClose, ActivityCreate, SignUp
from plugins.five_sector.organisations.schemas import (
    OrganisationCreate,
    OrganisationUpdate,
    RatingSet,
    Transition,
)
from plugins.five_sector.volunteers.schemas import EntryCreate, VolunteerCreate


def _csv_xlsx(path: str) -> tuple[ConsoleLink, ConsoleLink]:
    return (
        ConsoleLink(title="导出 CSV", title_en="Export CSV", path=path, query={"format": "csv"}),
        ConsoleLink(
            title="导出 Excel", title_en="Export XLSX", path=path, query={"format": "xlsx"}
        ),
    )


VOLUNTEER_CHOICES = ConsoleChoices(path="/five-sector/volunteers", label="name", search="q")

VOLUNTEER_LABELS = {
    "name": ConsoleLabel(title="姓名", title_en="Name"),
    "volunteer_number": ConsoleLabel(
        title="志愿者编号", title_en="Volunteer number", help="本组织内唯一", help_en="Unique here"
    ),
    "id_type": ConsoleLabel(title="证件类型", title_en="ID type"),
    "id_number": ConsoleLabel(title="证件号码", title_en="ID number"),
    "skills": ConsoleLabel(
        title="技能", title_en="Skills", help="每行一项", help_en="One per line"
    ),
    "served_tenants": ConsoleLabel(
        title="服务的社区",
        title_en="Tenants served",
        choices_from=TENANT_CHOICES,
    ),
}

ENTRY_LABELS = {
    "hours": ConsoleLabel(
        title="服务时长（小时）",
        title_en="Hours",
        help="大于0且不超过24，整分钟",
        help_en="More than 0, at most 24, whole minutes",
    ),
    "served_on": ConsoleLabel(title="服务日期", title_en="Served on"),
    "content": ConsoleLabel(title="服务内容", title_en="Service content"),
    "verified_by": ConsoleLabel(title="核实人", title_en="Verified by"),
}

VOLUNTEERS = ConsoleResource(
    slug="volunteers",
    title="志愿者",
    title_en="Volunteers",
    list_path="/volunteers",
    search="q",
    columns=(
        ConsoleField(key="volunteer_number", title="编号", title_en="Number"),
        ConsoleField(key="name", title="姓名", title_en="Name", link=True),
        ConsoleField(key="skills", title="技能", title_en="Skills"),
        ConsoleField(key="total_hours", title="累计时长（小时）", title_en="Total hours"),
        ConsoleField(key="star_level", title="星级", title_en="Stars"),
    ),
    detail_path="/volunteers/{id}",
    detail_fields=(
        ConsoleField(key="volunteer_number", title="编号", title_en="Number"),
        ConsoleField(key="name", title="姓名", title_en="Name"),
        ConsoleField(key="id_type", title="证件类型", title_en="ID type"),
        ConsoleField(key="skills", title="技能", title_en="Skills"),
        ConsoleField(key="total_hours", title="累计时长（小时）", title_en="Total hours"),
        ConsoleField(key="star_level", title="星级", title_en="Stars"),
    ),
    create=ConsoleForm(
        key="create",
        title="登记志愿者",
        title_en="Register a volunteer",
        schema=VolunteerCreate,
        path="/volunteers",
        labels=VOLUNTEER_LABELS,
        fields=("name", "volunteer_number", "id_type", "id_number", "skills", "served_tenants"),
    ),
    actions=(
        ConsoleForm(
            key="credit",
            title="记录服务时长",
            title_en="Credit service hours",
            schema=EntryCreate,
            path="/volunteers/{id}/entries",
            labels=ENTRY_LABELS,
            fields=("hours", "served_on", "content", "verified_by"),
        ),
    ),
    exports=_csv_xlsx("/volunteers/export"),
    documents=(
        ConsoleLink(
            title="志愿服务记录证明（PDF）",
            title_en="Service record (PDF)",
            path="/volunteers/{id}/record",
            query={"format": "pdf"},
        ),
    ),
    related=(
        ConsoleRelated(
            title="服务时长台账",
            title_en="Service-hours ledger",
            path="/volunteers/{id}/entries",
            columns=(
                ConsoleField(key="served_on", title="服务日期", title_en="Served on"),
                ConsoleField(key="hours", title="小时", title_en="Hours"),
                ConsoleField(key="kind", title="类型", title_en="Kind"),
                ConsoleField(key="content", title="服务内容", title_en="Content"),
                ConsoleField(key="verified_by", title="核实人", title_en="Verified by"),
            ),
        ),
    ),
)

ORGANISATION_LABELS = {
    "name": ConsoleLabel(title="名称", title_en="Name"),
    "kind": ConsoleLabel(title="类型", title_en="Kind"),
    "category": ConsoleLabel(title="领域", title_en="Category"),
    "uscc": ConsoleLabel(title="统一社会信用代码", title_en="USCC"),
    "founders_count": ConsoleLabel(title="发起人数", title_en="Founders"),
    "members_count": ConsoleLabel(title="成员数", title_en="Members"),
    "charter_document": ConsoleLabel(title="章程文件", title_en="Charter"),
    "address": ConsoleLabel(title="活动场所", title_en="Address"),
    "brand_project": ConsoleLabel(title="品牌项目", title_en="Brand project"),
}

ORGANISATIONS = ConsoleResource(
    slug="organisations",
    title="社会组织",
    title_en="Organisations",
    list_path="/organisations",
    search="q",
    columns=(
        ConsoleField(key="name", title="名称", title_en="Name", link=True),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="category", title="领域", title_en="Category"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="rating_label", title="评估等级", title_en="Rating"),
    ),
    detail_path="/organisations/{id}",
    detail_fields=(
        ConsoleField(key="name", title="名称", title_en="Name"),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="category", title="领域", title_en="Category"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="uscc", title="统一社会信用代码", title_en="USCC"),
        ConsoleField(key="filing_number", title="备案编号", title_en="Filing number"),
        ConsoleField(key="filing_expires_on", title="备案到期", title_en="Filing expires"),
        ConsoleField(key="members_count", title="成员数", title_en="Members"),
        ConsoleField(key="address", title="活动场所", title_en="Address"),
        ConsoleField(key="rating_label", title="评估等级", title_en="Rating"),
        ConsoleField(key="brand_project", title="品牌项目", title_en="Brand project"),
    ),
    create=ConsoleForm(
        key="create",
        title="登记社会组织",
        title_en="Register an organisation",
        schema=OrganisationCreate,
        path="/organisations",
        labels=ORGANISATION_LABELS,
    ),
    actions=(
        ConsoleForm(
            key="edit",
            title="修改",
            title_en="Edit",
            schema=OrganisationUpdate,
            path="/organisations/{id}",
            method="PATCH",
            labels=ORGANISATION_LABELS,
        ),
        ConsoleForm(
            key="transition",
            title="变更状态",
            title_en="Change status",
            schema=Transition,
            path="/organisations/{id}/transitions",
            permission="five-sector:manage",
            labels={
                "to": ConsoleLabel(title="新状态", title_en="New status"),
                "reason": ConsoleLabel(title="理由", title_en="Reason"),
                "filing_number": ConsoleLabel(title="备案编号", title_en="Filing number"),
                "filed_on": ConsoleLabel(title="备案日期", title_en="Filed on"),
                "uscc": ConsoleLabel(title="统一社会信用代码", title_en="USCC"),
                "registered_on": ConsoleLabel(title="登记日期", title_en="Registered on"),
            },
        ),
        ConsoleForm(
            key="rating",
            title="评估等级",
            title_en="Set rating",
            schema=RatingSet,
            path="/organisations/{id}/rating",
            permission="five-sector:manage",
            labels={
                "rating": ConsoleLabel(title="等级（1A–5A）", title_en="Rating (1A–5A)"),
                "rated_on": ConsoleLabel(title="评估日期", title_en="Rated on"),
            },
        ),
    ),
    exports=_csv_xlsx("/organisations/export"),
)

ACTIVITIES = ConsoleResource(
    slug="activities",
    title="活动",
    title_en="Activities",
    list_path="/activities",
    search="q",
    columns=(
        ConsoleField(key="title", title="标题", title_en="Title", link=True),
        ConsoleField(key="category", title="类别", title_en="Category"),
        ConsoleField(key="place", title="地点", title_en="Place"),
        ConsoleField(key="starts_at", title="开始", title_en="Starts"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="person_times", title="人次", title_en="Person-times"),
    ),
    detail_path="/activities/{id}",
    detail_fields=(
        ConsoleField(key="title", title="标题", title_en="Title"),
        ConsoleField(key="category", title="类别", title_en="Category"),
        ConsoleField(key="place", title="地点", title_en="Place"),
        ConsoleField(key="starts_at", title="开始", title_en="Starts"),
        ConsoleField(key="ends_at", title="结束", title_en="Ends"),
        ConsoleField(key="capacity", title="名额", title_en="Capacity"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="person_times", title="人次", title_en="Person-times"),
    ),
    create=ConsoleForm(
        key="create",
        title="发布活动",
        title_en="Create an activity",
        schema=ActivityCreate,
        path="/activities",
        labels={
            "title": ConsoleLabel(title="标题", title_en="Title"),
            "category": ConsoleLabel(title="类别", title_en="Category"),
            "place": ConsoleLabel(title="地点", title_en="Place"),
            "starts_at": ConsoleLabel(title="开始时间", title_en="Starts at"),
            "ends_at": ConsoleLabel(title="结束时间", title_en="Ends at"),
            "capacity": ConsoleLabel(title="名额", title_en="Capacity"),
        },
        fields=("title", "category", "place", "starts_at", "ends_at", "capacity"),
    ),
    actions=(
        ConsoleForm(
            key="sign-up",
            title="报名",
            title_en="Sign up",
            schema=SignUp,
            path="/activities/{id}/participants",
            labels={
                "role": ConsoleLabel(title="身份", title_en="Role"),
                "volunteer_id": ConsoleLabel(
                    title="志愿者", title_en="Volunteer", choices_from=VOLUNTEER_CHOICES
                ),
                "name": ConsoleLabel(title="姓名", title_en="Name"),
            },
        ),
        ConsoleForm(
            key="close",
            title="结项并记录时长",
            title_en="Close and credit hours",
            schema=ActivityClose,
            path="/activities/{id}/close",
            labels={
                "verified_by": ConsoleLabel(title="核实人", title_en="Verified by"),
                "beneficiary_person_times": ConsoleLabel(
                    title="受益人次", title_en="Beneficiary person-times"
                ),
            },
        ),
    ),
    exports=_csv_xlsx("/activities/export"),
    related=(
        ConsoleRelated(
            title="参与者",
            title_en="Participants",
            path="/activities/{id}",
            key="participants",
            columns=(
                ConsoleField(key="name", title="姓名", title_en="Name"),
                ConsoleField(key="role", title="身份", title_en="Role"),
                ConsoleField(key="checked_in_at", title="签到", title_en="Checked in"),
            ),
        ),
    ),
)

PAGES = ConsolePages(
    title="五社联动",
    title_en="Five-sector linkage",
    resources=(VOLUNTEERS, ORGANISATIONS, ACTIVITIES),
)
"""Volunteers (with crediting hours and the PDF record), organisations and activities."""
