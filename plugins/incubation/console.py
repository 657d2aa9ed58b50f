"""Incubation's pages in the web console, declared through ``gongzhi_console_pages``.

Nothing here renders HTML: the console builds each list, detail and form from these
declarations and the module's own request-body structs, and calls the module's routes as the
signed-in user (``incubation:manage`` still guards bases, cohorts, mentors, benchmarks and
brand projects). A mentor's meetings and the end of a pairing name the pairing chosen from the
mentor's pairings. Scorecards (scores keyed by the tenant's rubric) are shown here and recorded
through the API.
"""

from __future__ import annotations

from core import (
    ConsoleChoices,
    ConsoleField,
    ConsoleForm,
    ConsoleLabel,
    ConsolePages,
    ConsoleRelated,
    ConsoleResource,
)
from plugins.incubation.bases.schemas import BaseCreate, StaffCreate
from plugins.incubation.benchmarks.schemas import BenchmarkCreate
from plugins.incubation.brand_projects.schemas import BrandProjectCreate
from plugins.incubation.cohorts.schemas import CohortCreate
from plugins.incubation.incubatees.schemas import IncubateeCreate, StageMove, StageOverride
from plugins.incubation.mentors.schemas import (
    MeetingCreate,
    MentorCreate,
    PairingCreate,
    PairingEnd,
)
from plugins.incubation.projects.schemas import ProjectCreate
from plugins.incubation.resource_matches.schemas import MatchCreate
from plugins.incubation.supervision.schemas import VisitCreate
from plugins.incubation.surveys.schemas import SurveyCreate
from plugins.incubation.trainings.schemas import TrainingCreate

MANAGE = "incubation:manage"

STAGE_HELP = (
    "needs_survey 需求调研、training 定制培训、supervision 项目督导、resource_matching 资源对接、"
    "graduated 结业、exited 退出"
)
STAGE_HELP_EN = (
    "needs_survey, training, supervision, resource_matching, graduated, or exited (with a reason)"
)
ORGANISATION_HELP = "已启用五社联动时从名录中选择，否则填写名称"
ORGANISATION_HELP_EN = "Chosen from the directory where five-sector is on, else the name"
DIRECTORY = ConsoleChoices(path="/five-sector/organisations", label="name", search="q")
"""Five-sector's organisations, where five-sector is on (elsewhere the name is typed)."""
INCUBATEE_CHOICES = ConsoleChoices(
    path="/incubation/incubatees", label="organisation_name", search="q"
)
PAIRING_ID = ConsoleLabel(
    title="结对",
    title_en="Pairing",
    help="以负责人标识",
    help_en="Named by its leader",
    choices_from=ConsoleChoices(path="/incubation/mentors/{id}/pairings", label="leader_name"),
)
BASE_ID = ConsoleLabel(
    title="培育基地",
    title_en="Base",
    choices_from=ConsoleChoices(path="/incubation/bases", label="name"),
)

INCUBATEES = ConsoleResource(
    slug="incubatees",
    title="培育对象",
    title_en="Incubatees",
    list_path="/incubatees",
    heading="organisation_name",
    search="q",
    columns=(
        ConsoleField(key="organisation_name", title="组织名称", title_en="Organisation", link=True),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="stage", title="阶段", title_en="Stage"),
        ConsoleField(key="leader_name", title="负责人", title_en="Leader"),
        ConsoleField(key="admitted_on", title="入驻日期", title_en="Admitted on"),
    ),
    detail_path="/incubatees/{id}",
    detail_fields=(
        ConsoleField(key="organisation_name", title="组织名称", title_en="Organisation"),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="stage", title="阶段", title_en="Stage"),
        ConsoleField(key="stage_changed_at", title="进入本阶段", title_en="Stage since"),
        ConsoleField(key="leader_name", title="负责人", title_en="Leader"),
        ConsoleField(key="admitted_on", title="入驻日期", title_en="Admitted on"),
        ConsoleField(key="cohort_id", title="批次 ID", title_en="Cohort id"),
        ConsoleField(key="exit_reason", title="退出理由", title_en="Exit reason"),
    ),
    create=ConsoleForm(
        key="create",
        title="入驻培育",
        title_en="Admit an incubatee",
        schema=IncubateeCreate,
        path="/incubatees",
        labels={
            "cohort_id": ConsoleLabel(
                title="批次",
                title_en="Cohort",
                choices_from=ConsoleChoices(path="/incubation/cohorts", label="name"),
            ),
            "organisation_id": ConsoleLabel(
                title="组织",
                title_en="Organisation",
                help=ORGANISATION_HELP,
                help_en=ORGANISATION_HELP_EN,
                choices_from=DIRECTORY,
            ),
            "organisation_name": ConsoleLabel(title="组织名称", title_en="Organisation name"),
            "town_centre_id": ConsoleLabel(
                title="街镇促进中心",
                title_en="Town centre",
                help="培育街镇促进中心时选择",
                help_en="When a town centre is incubated",
                choices_from=ConsoleChoices(
                    path="/incubation/bases", label="name", query={"kind": "town_centre"}
                ),
            ),
            "leader_name": ConsoleLabel(title="负责人", title_en="Leader"),
            "admitted_on": ConsoleLabel(title="入驻日期", title_en="Admitted on"),
        },
    ),
    actions=(
        ConsoleForm(
            key="stage",
            title="推进阶段",
            title_en="Move to a stage",
            schema=StageMove,
            path="/incubatees/{id}/stage",
            labels={
                "to": ConsoleLabel(
                    title="目标阶段", title_en="To stage", help=STAGE_HELP, help_en=STAGE_HELP_EN
                ),
                "reason": ConsoleLabel(
                    title="理由", title_en="Reason", help="退出时必填", help_en="Required to exit"
                ),
            },
        ),
        ConsoleForm(
            key="stage-override",
            title="特批跨阶段",
            title_en="Override the stage",
            schema=StageOverride,
            path="/incubatees/{id}/stage-override",
            permission=MANAGE,
            labels={
                "to": ConsoleLabel(title="目标阶段", title_en="To stage"),
                "reason": ConsoleLabel(title="特批理由", title_en="Reason"),
            },
        ),
        ConsoleForm(
            key="survey",
            title="记录需求调研",
            title_en="Record a needs survey",
            schema=SurveyCreate,
            path="/incubatees/{id}/surveys",
            labels={
                "surveyed_on": ConsoleLabel(title="调研日期", title_en="Surveyed on"),
                "surveyor": ConsoleLabel(title="调研人", title_en="Surveyor"),
                "answers": ConsoleLabel(
                    title="问答（问题 | 回答）", title_en="Answers (question | answer)"
                ),
                "findings": ConsoleLabel(title="结论", title_en="Findings"),
            },
        ),
        ConsoleForm(
            key="training",
            title="记录定制培训",
            title_en="Record a training",
            schema=TrainingCreate,
            path="/incubatees/{id}/trainings",
            labels={
                "title": ConsoleLabel(title="培训名称", title_en="Title"),
                "courses": ConsoleLabel(
                    title="课程", title_en="Courses", help="每行一项", help_en="One per line"
                ),
                "sessions": ConsoleLabel(
                    title="课次（日期 | 主题 | 人数）",
                    title_en="Sessions (date | topic | attendance)",
                ),
            },
        ),
        ConsoleForm(
            key="supervision",
            title="记录督导走访",
            title_en="Record a supervision visit",
            schema=VisitCreate,
            path="/incubatees/{id}/supervision-visits",
            labels={
                "follow_ups": ConsoleLabel(
                    title="整改事项（事项 | 期限 | 已完成）",
                    title_en="Follow-ups (action | due on | done)",
                ),
                "visited_on": ConsoleLabel(title="走访日期", title_en="Visited on"),
                "visitor": ConsoleLabel(title="督导人", title_en="Visitor"),
                "issues": ConsoleLabel(
                    title="发现问题", title_en="Issues", help="每行一项", help_en="One per line"
                ),
            },
        ),
        ConsoleForm(
            key="match",
            title="记录资源对接",
            title_en="Record a resource match",
            schema=MatchCreate,
            path="/incubatees/{id}/resource-matches",
            labels={
                "kind": ConsoleLabel(title="资源类型", title_en="Kind"),
                "provider": ConsoleLabel(title="提供方", title_en="Provider"),
                "description": ConsoleLabel(title="内容", title_en="Description"),
                "matched_on": ConsoleLabel(title="对接日期", title_en="Matched on"),
                "outcome": ConsoleLabel(title="结果", title_en="Outcome"),
                "amount_fen": ConsoleLabel(
                    title="金额（分）",
                    title_en="Amount (fen)",
                    help="1元=100分",
                    help_en="1 yuan = 100 fen",
                ),
            },
        ),
        ConsoleForm(
            key="project",
            title="登记带动项目",
            title_en="Add a project",
            schema=ProjectCreate,
            path="/incubatees/{id}/projects",
            labels={
                "title": ConsoleLabel(title="项目名称", title_en="Title"),
                "summary": ConsoleLabel(title="简介", title_en="Summary"),
                "funding_application_id": ConsoleLabel(
                    title="资助申请",
                    title_en="Funding application",
                    choices_from=ConsoleChoices(path="/funding/applications", label="title"),
                ),
                "funding_reference": ConsoleLabel(
                    title="其他资助编号", title_en="Other funding reference"
                ),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="各阶段记录数",
            title_en="Records per stage",
            path="/incubatees/{id}",
            key="records",
            columns=(
                ConsoleField(key="stage", title="阶段", title_en="Stage"),
                ConsoleField(key="records", title="记录数", title_en="Records"),
            ),
        ),
        ConsoleRelated(
            title="阶段变更",
            title_en="Stage history",
            path="/incubatees/{id}",
            key="history",
            columns=(
                ConsoleField(key="changed_at", title="时间", title_en="When"),
                ConsoleField(key="from_stage", title="原阶段", title_en="From"),
                ConsoleField(key="to_stage", title="新阶段", title_en="To"),
                ConsoleField(key="override", title="特批", title_en="Override"),
                ConsoleField(key="reason", title="理由", title_en="Reason"),
            ),
        ),
        ConsoleRelated(
            title="需求调研",
            title_en="Needs surveys",
            path="/incubatees/{id}/surveys",
            columns=(
                ConsoleField(key="surveyed_on", title="调研日期", title_en="Surveyed on"),
                ConsoleField(key="surveyor", title="调研人", title_en="Surveyor"),
                ConsoleField(key="findings", title="结论", title_en="Findings"),
            ),
        ),
        ConsoleRelated(
            title="定制培训",
            title_en="Trainings",
            path="/incubatees/{id}/trainings",
            columns=(
                ConsoleField(key="title", title="培训名称", title_en="Title"),
                ConsoleField(key="courses", title="课程", title_en="Courses"),
                ConsoleField(key="attendance", title="参训人次", title_en="Attendance"),
            ),
        ),
        ConsoleRelated(
            title="督导走访",
            title_en="Supervision visits",
            path="/incubatees/{id}/supervision-visits",
            columns=(
                ConsoleField(key="visited_on", title="走访日期", title_en="Visited on"),
                ConsoleField(key="visitor", title="督导人", title_en="Visitor"),
                ConsoleField(key="issues", title="发现问题", title_en="Issues"),
                ConsoleField(key="overdue", title="逾期整改", title_en="Overdue follow-ups"),
            ),
        ),
        ConsoleRelated(
            title="资源对接",
            title_en="Resource matches",
            path="/incubatees/{id}/resource-matches",
            columns=(
                ConsoleField(key="matched_on", title="对接日期", title_en="Matched on"),
                ConsoleField(key="kind", title="资源类型", title_en="Kind"),
                ConsoleField(key="provider", title="提供方", title_en="Provider"),
                ConsoleField(key="amount_fen", title="金额（分）", title_en="Amount (fen)"),
                ConsoleField(key="outcome", title="结果", title_en="Outcome"),
                ConsoleField(key="source", title="来源", title_en="Source"),
            ),
        ),
        ConsoleRelated(
            title="能力评估",
            title_en="Scorecards",
            path="/incubatees/{id}/scorecards",
            columns=(
                ConsoleField(key="scored_on", title="评估日期", title_en="Scored on"),
                ConsoleField(key="kind", title="类型", title_en="Kind"),
                ConsoleField(key="total", title="总分", title_en="Total"),
                ConsoleField(key="scored_by", title="评估人", title_en="Scored by"),
            ),
        ),
    ),
)

BASES = ConsoleResource(
    slug="bases",
    title="培育基地",
    title_en="Bases",
    list_path="/bases",
    columns=(
        ConsoleField(key="name", title="名称", title_en="Name", link=True),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="established_on", title="成立日期", title_en="Established on"),
        ConsoleField(key="id", title="ID", title_en="Id"),
    ),
    detail_path="/bases/{id}",
    detail_fields=(
        ConsoleField(key="id", title="ID", title_en="Id"),
        ConsoleField(key="name", title="名称", title_en="Name"),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="established_on", title="成立日期", title_en="Established on"),
        ConsoleField(key="address", title="地址", title_en="Address"),
        ConsoleField(key="description", title="简介", title_en="Description"),
    ),
    create=ConsoleForm(
        key="create",
        title="设立培育基地",
        title_en="Set up a base",
        schema=BaseCreate,
        path="/bases",
        permission=MANAGE,
        labels={
            "kind": ConsoleLabel(
                title="类型",
                title_en="Kind",
                help="district_base 区级培育基地（区）、town_centre 街镇促进中心（街镇）",
                help_en="district_base at a district, town_centre at a town",
            ),
            "name": ConsoleLabel(title="名称", title_en="Name"),
            "established_on": ConsoleLabel(title="成立日期", title_en="Established on"),
            "address": ConsoleLabel(title="地址", title_en="Address"),
            "description": ConsoleLabel(title="简介", title_en="Description"),
        },
    ),
    actions=(
        ConsoleForm(
            key="staff",
            title="添加工作人员",
            title_en="Add staff",
            schema=StaffCreate,
            path="/bases/{id}/staff",
            permission=MANAGE,
            fields=("name", "role", "title"),
            labels={
                "name": ConsoleLabel(title="姓名", title_en="Name"),
                "role": ConsoleLabel(title="角色", title_en="Role"),
                "title": ConsoleLabel(title="职务", title_en="Title"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="工作人员",
            title_en="Staff",
            path="/bases/{id}/staff",
            columns=(
                ConsoleField(key="name", title="姓名", title_en="Name"),
                ConsoleField(key="role", title="角色", title_en="Role"),
                ConsoleField(key="title", title="职务", title_en="Title"),
            ),
        ),
    ),
)

COHORTS = ConsoleResource(
    slug="cohorts",
    title="培育批次",
    title_en="Cohorts",
    list_path="/cohorts",
    columns=(
        ConsoleField(key="name", title="批次", title_en="Cohort", link=True),
        ConsoleField(key="intake_on", title="入驻日期", title_en="Intake on"),
        ConsoleField(key="id", title="ID", title_en="Id"),
    ),
    detail_path="/cohorts/{id}",
    detail_fields=(
        ConsoleField(key="id", title="ID", title_en="Id"),
        ConsoleField(key="name", title="批次", title_en="Cohort"),
        ConsoleField(key="base_id", title="培育基地 ID", title_en="Base id"),
        ConsoleField(key="intake_on", title="入驻日期", title_en="Intake on"),
        ConsoleField(key="incubatees", title="培育对象数", title_en="Incubatees"),
    ),
    create=ConsoleForm(
        key="create",
        title="新建批次",
        title_en="Open a cohort",
        schema=CohortCreate,
        path="/cohorts",
        permission=MANAGE,
        labels={
            "base_id": BASE_ID,
            "name": ConsoleLabel(title="批次名称", title_en="Name"),
            "intake_on": ConsoleLabel(title="入驻日期", title_en="Intake on"),
        },
    ),
    related=(
        ConsoleRelated(
            title="各阶段人数",
            title_en="Incubatees per stage",
            path="/cohorts/{id}",
            key="stages",
            columns=(
                ConsoleField(key="stage", title="阶段", title_en="Stage"),
                ConsoleField(key="incubatees", title="培育对象数", title_en="Incubatees"),
            ),
        ),
    ),
)

MENTORS = ConsoleResource(
    slug="mentors",
    title="书记领航",
    title_en="Mentors",
    list_path="/mentors",
    columns=(
        ConsoleField(key="name", title="姓名", title_en="Name", link=True),
        ConsoleField(key="title", title="职务", title_en="Title"),
    ),
    detail_path="/mentors/{id}",
    detail_fields=(
        ConsoleField(key="name", title="姓名", title_en="Name"),
        ConsoleField(key="title", title="职务", title_en="Title"),
        ConsoleField(key="base_id", title="培育基地 ID", title_en="Base id"),
    ),
    create=ConsoleForm(
        key="create",
        title="登记领航导师",
        title_en="Add a mentor",
        schema=MentorCreate,
        path="/mentors",
        permission=MANAGE,
        fields=("base_id", "name", "title"),
        labels={
            "base_id": BASE_ID,
            "name": ConsoleLabel(title="姓名", title_en="Name"),
            "title": ConsoleLabel(title="职务", title_en="Title"),
        },
    ),
    actions=(
        ConsoleForm(
            key="pair",
            title="一对一结对",
            title_en="Pair with a leader",
            schema=PairingCreate,
            path="/mentors/{id}/pairings",
            labels={
                "incubatee_id": ConsoleLabel(
                    title="培育对象", title_en="Incubatee", choices_from=INCUBATEE_CHOICES
                ),
                "started_on": ConsoleLabel(title="开始日期", title_en="Started on"),
                "leader_name": ConsoleLabel(title="组织负责人", title_en="Leader"),
            },
        ),
        ConsoleForm(
            key="meeting",
            title="记录结对交流",
            title_en="Record a meeting",
            schema=MeetingCreate,
            path="/mentors/{id}/pairings/{mentorship_id}/meetings",
            labels={
                "mentorship_id": PAIRING_ID,
                "met_on": ConsoleLabel(title="日期", title_en="Met on"),
                "topic": ConsoleLabel(title="主题", title_en="Topic"),
                "notes": ConsoleLabel(title="记录", title_en="Notes"),
                "next_steps": ConsoleLabel(title="下一步", title_en="Next steps"),
            },
        ),
        ConsoleForm(
            key="end",
            title="结束结对",
            title_en="End a pairing",
            schema=PairingEnd,
            path="/mentors/{id}/pairings/{mentorship_id}/end",
            labels={
                "mentorship_id": PAIRING_ID,
                "ended_on": ConsoleLabel(title="结束日期", title_en="Ended on"),
                "reason": ConsoleLabel(title="理由", title_en="Reason"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="结对",
            title_en="Pairings",
            path="/mentors/{id}/pairings",
            columns=(
                ConsoleField(key="leader_name", title="组织负责人", title_en="Leader"),
                ConsoleField(key="started_on", title="开始", title_en="Started"),
                ConsoleField(key="ended_on", title="结束", title_en="Ended"),
                ConsoleField(key="end_reason", title="结束理由", title_en="End reason"),
                ConsoleField(key="id", title="ID", title_en="Id"),
            ),
        ),
    ),
)

BENCHMARKS = ConsoleResource(
    slug="benchmarks",
    title="标杆示范",
    title_en="Benchmarks",
    list_path="/benchmarks",
    heading="organisation_name",
    columns=(
        ConsoleField(key="organisation_name", title="组织", title_en="Organisation", link=True),
        ConsoleField(key="headline", title="标题", title_en="Headline"),
        ConsoleField(key="designated_on", title="认定日期", title_en="Designated on"),
    ),
    detail_path="/benchmarks/{id}",
    detail_fields=(
        ConsoleField(key="organisation_name", title="组织", title_en="Organisation"),
        ConsoleField(key="headline", title="标题", title_en="Headline"),
        ConsoleField(key="designated_on", title="认定日期", title_en="Designated on"),
        ConsoleField(key="story", title="示范故事", title_en="Story"),
        ConsoleField(key="highlights", title="亮点", title_en="Highlights"),
        ConsoleField(key="stage", title="培育阶段", title_en="Incubation stage"),
        ConsoleField(key="capacity_growth", title="能力提升（分）", title_en="Capacity growth"),
        ConsoleField(key="brand_projects", title="品牌项目", title_en="Brand projects"),
    ),
    create=ConsoleForm(
        key="create",
        title="认定标杆组织",
        title_en="Designate a benchmark",
        schema=BenchmarkCreate,
        path="/benchmarks",
        permission=MANAGE,
        labels={
            "base_id": BASE_ID,
            "designated_on": ConsoleLabel(title="认定日期", title_en="Designated on"),
            "headline": ConsoleLabel(title="标题", title_en="Headline"),
            "story": ConsoleLabel(title="示范故事", title_en="Story"),
            "highlights": ConsoleLabel(
                title="亮点", title_en="Highlights", help="每行一项", help_en="One per line"
            ),
            "organisation_id": ConsoleLabel(
                title="组织",
                title_en="Organisation",
                help=ORGANISATION_HELP,
                help_en=ORGANISATION_HELP_EN,
                choices_from=DIRECTORY,
            ),
            "organisation_name": ConsoleLabel(title="组织名称", title_en="Organisation name"),
            "incubatee_id": ConsoleLabel(
                title="培育对象",
                title_en="Incubatee",
                help="由培育对象成长而来时选择",
                help_en="When it grew from an incubatee",
                choices_from=INCUBATEE_CHOICES,
            ),
        },
    ),
)

PROJECTS = ConsoleResource(
    slug="projects",
    title="项目带动",
    title_en="Projects",
    list_path="/projects",
    columns=(
        ConsoleField(key="title", title="项目名称", title_en="Title", link=True),
        ConsoleField(key="funder_name", title="资助方", title_en="Funder"),
        ConsoleField(key="approved_fen", title="立项金额（分）", title_en="Approved (fen)"),
    ),
    detail_path="/projects/{id}",
    detail_fields=(
        ConsoleField(key="title", title="项目名称", title_en="Title"),
        ConsoleField(key="summary", title="简介", title_en="Summary"),
        ConsoleField(key="incubatee_id", title="培育对象 ID", title_en="Incubatee id"),
        ConsoleField(key="funding_application_id", title="资助申请 ID", title_en="Application id"),
        ConsoleField(key="funding_reference", title="其他资助编号", title_en="Other reference"),
        ConsoleField(key="funder_name", title="资助方", title_en="Funder"),
        ConsoleField(key="approved_fen", title="立项金额（分）", title_en="Approved (fen)"),
    ),
)

BRAND_PROJECTS = ConsoleResource(
    slug="brand-projects",
    title="品牌项目",
    title_en="Brand projects",
    list_path="/brand-projects",
    columns=(
        ConsoleField(key="name", title="名称", title_en="Name", link=True),
        ConsoleField(key="started_on", title="开始", title_en="Started on"),
    ),
    detail_path="/brand-projects/{id}",
    detail_fields=(
        ConsoleField(key="name", title="名称", title_en="Name"),
        ConsoleField(key="started_on", title="开始", title_en="Started on"),
        ConsoleField(key="story", title="项目故事", title_en="Story"),
    ),
    create=ConsoleForm(
        key="create",
        title="登记品牌项目",
        title_en="Add a brand project",
        schema=BrandProjectCreate,
        path="/brand-projects",
        permission=MANAGE,
        labels={
            "figures": ConsoleLabel(
                title="项目数据（指标 | 数值 | 单位）", title_en="Figures (label | value | unit)"
            ),
            "organisations": ConsoleLabel(
                title="参与组织（组织 ID | 名称）",
                title_en="Organisations (directory id | name)",
                help="无 ID 时以 | 开头只填名称",
                help_en="Without an id, start the line with | and give the name",
            ),
            "name": ConsoleLabel(title="名称", title_en="Name"),
            "story": ConsoleLabel(title="项目故事", title_en="Story"),
            "started_on": ConsoleLabel(title="开始日期", title_en="Started on"),
        },
    ),
    related=(
        ConsoleRelated(
            title="项目数据",
            title_en="Figures",
            path="/brand-projects/{id}",
            key="figures",
            columns=(
                ConsoleField(key="label", title="指标", title_en="Figure"),
                ConsoleField(key="value", title="数值", title_en="Value"),
                ConsoleField(key="unit", title="单位", title_en="Unit"),
            ),
        ),
        ConsoleRelated(
            title="参与组织",
            title_en="Organisations behind it",
            path="/brand-projects/{id}",
            key="organisations",
            columns=(ConsoleField(key="name", title="组织", title_en="Organisation"),),
        ),
    ),
)

PAGES = ConsolePages(
    title="社会组织培育",
    title_en="Incubation",
    resources=(INCUBATEES, COHORTS, BASES, MENTORS, BENCHMARKS, PROJECTS, BRAND_PROJECTS),
)
"""Incubatees along the chain (admit, move, train, supervise, match, projects), cohorts, bases,
mentors, benchmarks, projects and brand projects."""
