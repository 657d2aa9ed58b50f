"""Party-building's pages in the web console, declared through ``gongzhi_console_pages``.

Nothing here renders HTML: the console builds each list, detail and form from these
declarations and the module's own request-body structs, and calls the module's routes as the
signed-in user (``party-building:people`` still guards members' personal data,
``party-building:manage`` organisations, members and plans). An indicator's progress and a
follow-up's completion are actions of the plan's and the visit's pages, naming the indicator
or follow-up by the id its table shows.
"""

from __future__ import annotations

from core import (
    USER_CHOICES,
    ConsoleChoices,
    ConsoleField,
    ConsoleForm,
    ConsoleLabel,
    ConsolePages,
    ConsoleRelated,
    ConsoleResource,
)
from plugins.party_building.meetings.schemas import MeetingCreate
from plugins.party_building.members.schemas import (
    Conversion,
    MemberCreate,
    MemberUpdate,
    TransferCreate,
)
from plugins.party_building.organisations.schemas import (
    InstructorCreate,
    OrganisationCreate,
    OrganisationUpdate,
    UnitIn,
)
from plugins.party_building.pioneer_teams.schemas import ActivityLink, ServiceCreate, TeamCreate
from plugins.party_building.supervision.schemas import (
    FollowUpCreate,
    FollowUpDone,
    TrainingCreate,
    VisitCreate,
)
from plugins.party_building.work_plans.schemas import (
    IndicatorCreate,
    PlanCopy,
    PlanCreate,
    ProgressCreate,
)

MANAGE = "party-building:manage"
PEOPLE = "party-building:people"
LINES = ("每行一项", "One per line")
PARTY_ORGANISATIONS = ConsoleChoices(path="/party-building/organisations", label="name")
PARTY_MEMBERS = ConsoleChoices(path="/party-building/members", label="name")
DIRECTORY = ConsoleChoices(path="/five-sector/organisations", label="name", search="q")
"""Five-sector's organisations, the directory a party unit or an instructor names where
five-sector is on (elsewhere the field stays an id and the name is typed)."""
SECRETARY_ACCOUNT = ConsoleLabel(
    title="书记的账号", title_en="Secretary's account", choices_from=USER_CHOICES
)
ORGANISATION_ID = ConsoleLabel(
    title="党组织", title_en="Party organisation", choices_from=PARTY_ORGANISATIONS
)
DIRECTORY_HELP = "已启用五社联动时从名录中选择，否则填写名称"
DIRECTORY_HELP_EN = "Chosen from the directory where five-sector is on, else the name"

ORGANISATIONS = ConsoleResource(
    slug="organisations",
    title="党组织",
    title_en="Party organisations",
    list_path="/organisations",
    columns=(
        ConsoleField(key="name", title="名称", title_en="Name", link=True),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="secretary_name", title="书记", title_en="Secretary"),
        ConsoleField(key="members_total", title="党员数", title_en="Members"),
        ConsoleField(key="id", title="ID", title_en="Id"),
    ),
    detail_path="/organisations/{id}",
    detail_fields=(
        ConsoleField(key="id", title="ID", title_en="Id"),
        ConsoleField(key="name", title="名称", title_en="Name"),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="secretary_name", title="书记", title_en="Secretary"),
        ConsoleField(key="has_committee", title="设委员会", title_en="Has a committee"),
        ConsoleField(key="established_on", title="成立日期", title_en="Established on"),
        ConsoleField(key="full_members", title="正式党员", title_en="Full members"),
        ConsoleField(key="probationary_members", title="预备党员", title_en="Probationary"),
        ConsoleField(key="members_total", title="党员总数", title_en="Members"),
        ConsoleField(key="parent_id", title="上级党组织 ID", title_en="Parent id"),
    ),
    create=ConsoleForm(
        key="create",
        title="新建党组织",
        title_en="Set up a party organisation",
        schema=OrganisationCreate,
        path="/organisations",
        permission=MANAGE,
        labels={
            "name": ConsoleLabel(title="名称", title_en="Name"),
            "kind": ConsoleLabel(
                title="类型",
                title_en="Kind",
                help="committee 党委、general_branch 党总支、branch 党支部、joint_branch 联合党支部、"
                "group 党小组",
                help_en="committee, general_branch, branch, joint_branch or group",
            ),
            "parent_id": ConsoleLabel(
                title="上级党组织", title_en="Parent organisation", choices_from=PARTY_ORGANISATIONS
            ),
            "secretary_name": ConsoleLabel(title="书记", title_en="Secretary"),
            "secretary_user_id": SECRETARY_ACCOUNT,
            "has_committee": ConsoleLabel(title="设委员会", title_en="Has a committee"),
            "established_on": ConsoleLabel(title="成立日期", title_en="Established on"),
            "units": ConsoleLabel(
                title="覆盖的社会组织（组织 ID | 名称）",
                title_en="Organisations covered (directory id | name)",
                help="无 ID 时以 | 开头只填名称",
                help_en="Without an id, start the line with | and give the name",
            ),
        },
    ),
    actions=(
        ConsoleForm(
            key="edit",
            title="修改",
            title_en="Edit",
            schema=OrganisationUpdate,
            path="/organisations/{id}",
            method="PATCH",
            permission=MANAGE,
            labels={
                "name": ConsoleLabel(title="名称", title_en="Name"),
                "secretary_name": ConsoleLabel(title="书记", title_en="Secretary"),
                "secretary_user_id": SECRETARY_ACCOUNT,
                "has_committee": ConsoleLabel(title="设委员会", title_en="Has a committee"),
            },
        ),
        ConsoleForm(
            key="unit",
            title="增加覆盖的社会组织",
            title_en="Cover an organisation",
            schema=UnitIn,
            path="/organisations/{id}/units",
            permission=MANAGE,
            labels={
                "organisation_id": ConsoleLabel(
                    title="社会组织",
                    title_en="Organisation",
                    help=DIRECTORY_HELP,
                    help_en=DIRECTORY_HELP_EN,
                    choices_from=DIRECTORY,
                ),
                "organisation_name": ConsoleLabel(
                    title="社会组织名称", title_en="Organisation name"
                ),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="覆盖的社会组织",
            title_en="Organisations covered",
            path="/organisations/{id}",
            key="units",
            columns=(ConsoleField(key="organisation_name", title="名称", title_en="Name"),),
        ),
        ConsoleRelated(
            title="设置提醒",
            title_en="Warnings",
            path="/organisations/{id}",
            key="warnings",
            columns=(
                ConsoleField(key="message", title="提醒", title_en="Warning"),
                ConsoleField(key="message_en", title="English", title_en="In English"),
            ),
        ),
        ConsoleRelated(
            title="党员名册",
            title_en="Roster",
            path="/organisations/{id}/roster",
            columns=(
                ConsoleField(key="name", title="姓名", title_en="Name"),
                ConsoleField(key="status", title="状态", title_en="Status"),
            ),
        ),
    ),
)

MEMBERS = ConsoleResource(
    slug="members",
    title="党员",
    title_en="Party members",
    list_path="/members",
    columns=(
        ConsoleField(key="name", title="姓名", title_en="Name", link=True),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="joined_on", title="入党日期", title_en="Joined on"),
        ConsoleField(key="conversion_due_on", title="预备期满", title_en="Probation ends"),
        ConsoleField(key="model_post", title="示范岗", title_en="Model post"),
    ),
    detail_path="/members/{id}",
    detail_fields=(
        ConsoleField(key="name", title="姓名", title_en="Name"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="gender", title="性别", title_en="Gender"),
        ConsoleField(key="birth_date", title="出生日期", title_en="Born on"),
        ConsoleField(key="phone", title="电话", title_en="Phone"),
        ConsoleField(key="joined_on", title="入党日期", title_en="Joined on"),
        ConsoleField(key="converted_on", title="转正日期", title_en="Converted on"),
        ConsoleField(key="conversion_due_on", title="预备期满", title_en="Probation ends"),
        ConsoleField(key="show_identity", title="亮身份", title_en="Shows identity"),
        ConsoleField(key="model_post", title="示范岗", title_en="Model post"),
        ConsoleField(key="party_organisation_id", title="党组织 ID", title_en="Organisation id"),
    ),
    create=ConsoleForm(
        key="create",
        title="登记党员",
        title_en="Register a member",
        schema=MemberCreate,
        path="/members",
        permission=MANAGE,
        fields=(
            "party_organisation_id",
            "name",
            "status",
            "gender",
            "birth_date",
            "phone",
            "id_number",
            "joined_on",
            "converted_on",
            "show_identity",
            "model_post",
        ),
        labels={
            "party_organisation_id": ORGANISATION_ID,
            "name": ConsoleLabel(title="姓名", title_en="Name"),
            "status": ConsoleLabel(
                title="状态",
                title_en="Status",
                help="probationary 预备党员、full 正式党员",
                help_en="probationary or full",
            ),
            "gender": ConsoleLabel(title="性别", title_en="Gender"),
            "birth_date": ConsoleLabel(title="出生日期", title_en="Born on"),
            "phone": ConsoleLabel(title="电话", title_en="Phone"),
            "id_number": ConsoleLabel(title="身份证号", title_en="ID number"),
            "joined_on": ConsoleLabel(title="入党日期", title_en="Joined on"),
            "converted_on": ConsoleLabel(title="转正日期", title_en="Converted on"),
            "show_identity": ConsoleLabel(title="亮身份", title_en="Shows identity"),
            "model_post": ConsoleLabel(title="党员示范岗", title_en="Model post"),
        },
    ),
    actions=(
        ConsoleForm(
            key="edit",
            title="修改联系方式、亮身份与示范岗",
            title_en="Edit phone, identity and model post",
            schema=MemberUpdate,
            path="/members/{id}",
            method="PATCH",
            permission=MANAGE,
            labels={
                "phone": ConsoleLabel(title="电话", title_en="Phone"),
                "show_identity": ConsoleLabel(title="亮身份", title_en="Shows identity"),
                "model_post": ConsoleLabel(title="党员示范岗", title_en="Model post"),
            },
        ),
        ConsoleForm(
            key="conversion",
            title="预备党员转正",
            title_en="Convert to full member",
            schema=Conversion,
            path="/members/{id}/conversion",
            permission=MANAGE,
            labels={"converted_on": ConsoleLabel(title="转正日期", title_en="Converted on")},
        ),
        ConsoleForm(
            key="transfer",
            title="组织关系转接",
            title_en="Transfer",
            schema=TransferCreate,
            path="/members/{id}/transfers",
            permission=MANAGE,
            labels={
                "to_organisation_id": ConsoleLabel(
                    title="转入党组织", title_en="To organisation", choices_from=PARTY_ORGANISATIONS
                ),
                "transferred_on": ConsoleLabel(title="转接日期", title_en="Transferred on"),
                "reason": ConsoleLabel(title="原因", title_en="Reason"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="组织关系转接记录",
            title_en="Transfers",
            path="/members/{id}",
            key="transfers",
            columns=(
                ConsoleField(key="transferred_on", title="日期", title_en="On"),
                ConsoleField(key="from_organisation_id", title="转出", title_en="From"),
                ConsoleField(key="to_organisation_id", title="转入", title_en="To"),
                ConsoleField(key="reason", title="原因", title_en="Reason"),
            ),
        ),
    ),
)

MEETINGS = ConsoleResource(
    slug="meetings",
    title="三会一课",
    title_en="Meetings",
    list_path="/meetings",
    heading="topic",
    columns=(
        ConsoleField(key="topic", title="主题", title_en="Topic", link=True),
        ConsoleField(key="type", title="类型", title_en="Type"),
        ConsoleField(key="held_on", title="日期", title_en="Held on"),
        ConsoleField(key="attendees_count", title="到会人数", title_en="Attendees"),
        ConsoleField(key="quorum_met", title="达到法定人数", title_en="Quorum met"),
    ),
    detail_path="/meetings/{id}",
    detail_fields=(
        ConsoleField(key="topic", title="主题", title_en="Topic"),
        ConsoleField(key="type", title="类型", title_en="Type"),
        ConsoleField(key="held_on", title="日期", title_en="Held on"),
        ConsoleField(key="party_organisation_id", title="党组织 ID", title_en="Organisation id"),
        ConsoleField(key="attendees_count", title="到会人数", title_en="Attendees"),
        ConsoleField(key="full_members_count", title="应到正式党员", title_en="Full members"),
        ConsoleField(key="quorum_met", title="达到法定人数", title_en="Quorum met"),
        ConsoleField(key="minutes", title="会议记录", title_en="Minutes"),
    ),
    create=ConsoleForm(
        key="create",
        title="记录会议",
        title_en="Record a meeting",
        schema=MeetingCreate,
        path="/meetings",
        labels={
            "party_organisation_id": ORGANISATION_ID,
            "type": ConsoleLabel(
                title="类型",
                title_en="Type",
                help="party_assembly 党员大会、branch_committee 支委会、group_meeting 党小组会、"
                "party_lesson 党课、theme_day 主题党日",
                help_en="assembly, branch committee, group meeting, party lesson or theme day",
            ),
            "held_on": ConsoleLabel(title="日期", title_en="Held on"),
            "topic": ConsoleLabel(title="主题", title_en="Topic"),
            "attendee_ids": ConsoleLabel(
                title="到会党员",
                title_en="Attending members",
                choices_from=PARTY_MEMBERS,
            ),
            "minutes": ConsoleLabel(title="会议记录", title_en="Minutes"),
        },
    ),
)

TEAMS = ConsoleResource(
    slug="pioneer-teams",
    title="先锋队",
    title_en="Pioneer teams",
    list_path="/pioneer-teams",
    columns=(
        ConsoleField(key="name", title="名称", title_en="Name", link=True),
        ConsoleField(key="theme", title="主题", title_en="Theme"),
        ConsoleField(key="leader_name", title="队长", title_en="Leader"),
        ConsoleField(key="person_times", title="服务人次", title_en="Person-times"),
    ),
    detail_path="/pioneer-teams/{id}",
    detail_fields=(
        ConsoleField(key="name", title="名称", title_en="Name"),
        ConsoleField(key="theme", title="主题", title_en="Theme"),
        ConsoleField(key="leader_name", title="队长", title_en="Leader"),
        ConsoleField(key="person_times", title="服务人次", title_en="Person-times"),
        ConsoleField(key="member_person_times", title="党员人次", title_en="Members' person-times"),
        ConsoleField(key="other_person_times", title="群众人次", title_en="Others' person-times"),
    ),
    create=ConsoleForm(
        key="create",
        title="组建先锋队",
        title_en="Form a pioneer team",
        schema=TeamCreate,
        path="/pioneer-teams",
        permission=MANAGE,
        labels={
            "name": ConsoleLabel(title="名称", title_en="Name"),
            "theme": ConsoleLabel(title="主题", title_en="Theme"),
            "leader_name": ConsoleLabel(title="队长", title_en="Leader"),
            "party_organisation_id": ORGANISATION_ID,
            "member_ids": ConsoleLabel(
                title="队员",
                title_en="Members",
                choices_from=PARTY_MEMBERS,
            ),
        },
    ),
    actions=(
        ConsoleForm(
            key="service",
            title="记录服务人次",
            title_en="Record a service",
            schema=ServiceCreate,
            path="/pioneer-teams/{id}/services",
            labels={
                "title": ConsoleLabel(title="服务内容", title_en="Service"),
                "served_on": ConsoleLabel(title="服务日期", title_en="Served on"),
                "member_person_times": ConsoleLabel(title="党员人次", title_en="Members"),
                "other_person_times": ConsoleLabel(title="群众人次", title_en="Others"),
            },
        ),
        ConsoleForm(
            key="activity",
            title="关联五社联动活动",
            title_en="Link a five-sector activity",
            schema=ActivityLink,
            path="/pioneer-teams/{id}/activities",
            labels={
                "activity_id": ConsoleLabel(
                    title="活动",
                    title_en="Activity",
                    help="活动结项时自动计入人次",
                    help_en="Closing it credits the team",
                    choices_from=ConsoleChoices(
                        path="/five-sector/activities", label="title", search="q"
                    ),
                ),
                "title": ConsoleLabel(title="活动名称", title_en="Activity title"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="服务记录",
            title_en="Services",
            path="/pioneer-teams/{id}/services",
            columns=(
                ConsoleField(key="served_on", title="日期", title_en="Served on"),
                ConsoleField(key="title", title="服务内容", title_en="Service"),
                ConsoleField(key="member_person_times", title="党员人次", title_en="Members"),
                ConsoleField(key="other_person_times", title="群众人次", title_en="Others"),
                ConsoleField(key="source", title="来源", title_en="Source"),
            ),
        ),
        ConsoleRelated(
            title="关联活动",
            title_en="Linked activities",
            path="/pioneer-teams/{id}",
            key="activities",
            columns=(ConsoleField(key="title", title="活动", title_en="Activity"),),
        ),
    ),
)

PLANS = ConsoleResource(
    slug="work-plans",
    title="工作计划",
    title_en="Work plans",
    list_path="/work-plans",
    columns=(
        ConsoleField(key="title", title="标题", title_en="Title", link=True),
        ConsoleField(key="year", title="年度", title_en="Year"),
        ConsoleField(key="method", title="工作法", title_en="Method"),
        ConsoleField(key="is_template", title="模板", title_en="Template"),
    ),
    detail_path="/work-plans/{id}",
    detail_fields=(
        ConsoleField(key="title", title="标题", title_en="Title"),
        ConsoleField(key="year", title="年度", title_en="Year"),
        ConsoleField(key="method", title="工作法", title_en="Method"),
        ConsoleField(key="is_template", title="模板", title_en="Template"),
    ),
    create=ConsoleForm(
        key="create",
        title="制定工作计划",
        title_en="Draw up a work plan",
        schema=PlanCreate,
        path="/work-plans",
        permission=MANAGE,
        labels={
            "year": ConsoleLabel(title="年度", title_en="Year"),
            "title": ConsoleLabel(title="标题", title_en="Title"),
            "method": ConsoleLabel(
                title="工作法", title_en="Method", help="如 136工作法", help_en="e.g. 136工作法"
            ),
            "pillars": ConsoleLabel(
                title="板块（标识 | 分组 | 名称）", title_en="Pillars (key | group | name)"
            ),
            "indicators": ConsoleLabel(
                title="指标（板块标识 | 指标 | 单位 | 目标值）",
                title_en="Indicators (pillar key | name | unit | target)",
            ),
            "is_template": ConsoleLabel(
                title="作为下级的模板", title_en="A template for the tenants below"
            ),
        },
    ),
    actions=(
        ConsoleForm(
            key="copy",
            title="按此模板制定本级计划",
            title_en="Make this tenant's plan from it",
            schema=PlanCopy,
            path="/work-plans/{id}/copy",
            permission=MANAGE,
            labels={
                "year": ConsoleLabel(title="年度", title_en="Year"),
                "title": ConsoleLabel(title="标题", title_en="Title"),
            },
        ),
        ConsoleForm(
            key="indicator",
            title="增加指标",
            title_en="Add an indicator",
            schema=IndicatorCreate,
            path="/work-plans/{id}/indicators",
            permission=MANAGE,
            labels={
                "pillar": ConsoleLabel(title="所属板块（标识）", title_en="Pillar key"),
                "name": ConsoleLabel(title="指标", title_en="Indicator"),
                "unit": ConsoleLabel(title="单位", title_en="Unit"),
                "target": ConsoleLabel(title="目标值", title_en="Target"),
            },
        ),
        ConsoleForm(
            key="progress",
            title="记录指标进度",
            title_en="Record progress",
            schema=ProgressCreate,
            path="/work-plans/{id}/indicators/{plan_indicator_id}/progress",
            labels={
                "plan_indicator_id": ConsoleLabel(
                    title="指标",
                    title_en="Indicator",
                    choices_from=ConsoleChoices(
                        path="/party-building/work-plans/{id}", key="indicators", label="name"
                    ),
                ),
                "amount": ConsoleLabel(title="完成量", title_en="Amount"),
                "recorded_on": ConsoleLabel(title="日期", title_en="Recorded on"),
                "note": ConsoleLabel(title="说明", title_en="Note"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="板块",
            title_en="Pillars",
            path="/work-plans/{id}",
            key="pillars",
            columns=(
                ConsoleField(key="group", title="分组", title_en="Group"),
                ConsoleField(key="name", title="板块", title_en="Pillar"),
                ConsoleField(key="indicators", title="指标数", title_en="Indicators"),
                ConsoleField(key="indicators_met", title="已完成", title_en="Met"),
            ),
        ),
        ConsoleRelated(
            title="指标",
            title_en="Indicators",
            path="/work-plans/{id}",
            key="indicators",
            columns=(
                ConsoleField(key="pillar", title="板块", title_en="Pillar"),
                ConsoleField(key="name", title="指标", title_en="Indicator"),
                ConsoleField(key="target", title="目标", title_en="Target"),
                ConsoleField(key="progress", title="进度", title_en="Progress"),
                ConsoleField(key="unit", title="单位", title_en="Unit"),
                ConsoleField(key="percent", title="完成率（%）", title_en="Percent"),
                ConsoleField(key="id", title="ID", title_en="Id"),
            ),
        ),
    ),
)

VISITS = ConsoleResource(
    slug="supervision-visits",
    title="督导检查",
    title_en="Supervision visits",
    list_path="/supervision-visits",
    heading="visited_unit",
    columns=(
        ConsoleField(key="visited_unit", title="检查单位", title_en="Unit visited", link=True),
        ConsoleField(key="visited_on", title="日期", title_en="Visited on"),
        ConsoleField(key="supervisor", title="督导人", title_en="Supervisor"),
    ),
    detail_path="/supervision-visits/{id}",
    detail_fields=(
        ConsoleField(key="visited_unit", title="检查单位", title_en="Unit visited"),
        ConsoleField(key="visited_on", title="日期", title_en="Visited on"),
        ConsoleField(key="supervisor", title="督导人", title_en="Supervisor"),
        ConsoleField(key="findings", title="发现问题", title_en="Findings"),
    ),
    create=ConsoleForm(
        key="create",
        title="记录督导检查",
        title_en="Record a visit",
        schema=VisitCreate,
        path="/supervision-visits",
        labels={
            "party_organisation_id": ORGANISATION_ID,
            "visited_unit": ConsoleLabel(title="检查单位", title_en="Unit visited"),
            "visited_on": ConsoleLabel(title="日期", title_en="Visited on"),
            "supervisor": ConsoleLabel(title="督导人", title_en="Supervisor"),
            "findings": ConsoleLabel(title="发现问题", title_en="Findings"),
            "follow_ups": ConsoleLabel(
                title="整改事项（事项 | 期限）", title_en="Follow-ups (action | due on)"
            ),
        },
    ),
    actions=(
        ConsoleForm(
            key="follow-up",
            title="增加整改事项",
            title_en="Add a follow-up",
            schema=FollowUpCreate,
            path="/supervision-visits/{id}/follow-ups",
            labels={
                "action": ConsoleLabel(title="整改事项", title_en="Action"),
                "due_on": ConsoleLabel(title="期限", title_en="Due on"),
            },
        ),
        ConsoleForm(
            key="follow-up-done",
            title="整改完成",
            title_en="Complete a follow-up",
            schema=FollowUpDone,
            path="/supervision-visits/{id}/follow-ups/{supervision_follow_up_id}/done",
            labels={
                "supervision_follow_up_id": ConsoleLabel(
                    title="整改事项",
                    title_en="Follow-up",
                    choices_from=ConsoleChoices(
                        path="/party-building/supervision-visits/{id}",
                        key="follow_ups",
                        label="action",
                    ),
                ),
                "done_on": ConsoleLabel(title="完成日期", title_en="Done on"),
                "outcome": ConsoleLabel(title="整改结果", title_en="Outcome"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="整改事项",
            title_en="Follow-ups",
            path="/supervision-visits/{id}",
            key="follow_ups",
            columns=(
                ConsoleField(key="action", title="整改事项", title_en="Action"),
                ConsoleField(key="due_on", title="期限", title_en="Due on"),
                ConsoleField(key="status", title="状态", title_en="Status"),
                ConsoleField(key="overdue", title="逾期", title_en="Overdue"),
                ConsoleField(key="outcome", title="结果", title_en="Outcome"),
                ConsoleField(key="id", title="ID", title_en="Id"),
            ),
        ),
    ),
)

TRAININGS = ConsoleResource(
    slug="trainings",
    title="党务培训",
    title_en="Trainings",
    list_path="/trainings",
    columns=(
        ConsoleField(key="title", title="培训", title_en="Title"),
        ConsoleField(key="held_on", title="日期", title_en="Held on"),
        ConsoleField(key="trainer", title="主讲", title_en="Trainer"),
        ConsoleField(key="attended_count", title="参训人数", title_en="Attended"),
        ConsoleField(key="attendance_percent", title="参训率（%）", title_en="Attendance %"),
    ),
    create=ConsoleForm(
        key="create",
        title="记录培训",
        title_en="Record a training",
        schema=TrainingCreate,
        path="/trainings",
        labels={
            "title": ConsoleLabel(title="培训", title_en="Title"),
            "held_on": ConsoleLabel(title="日期", title_en="Held on"),
            "trainer": ConsoleLabel(title="主讲", title_en="Trainer"),
            "invited_count": ConsoleLabel(title="应参训人数", title_en="Invited"),
            "attendee_names": ConsoleLabel(
                title="参训人员", title_en="Attendees", help=LINES[0], help_en=LINES[1]
            ),
        },
    ),
)

INSTRUCTORS = ConsoleResource(
    slug="instructors",
    title="党建指导员",
    title_en="Instructors",
    list_path="/instructors",
    columns=(
        ConsoleField(key="name", title="姓名", title_en="Name"),
        ConsoleField(key="organisation_name", title="联系的社会组织", title_en="Organisation"),
        ConsoleField(key="assigned_on", title="选派日期", title_en="Assigned on"),
    ),
    create=ConsoleForm(
        key="create",
        title="选派党建指导员",
        title_en="Assign an instructor",
        schema=InstructorCreate,
        path="/instructors",
        permission=MANAGE,
        fields=("name", "organisation_id", "organisation_name", "assigned_on"),
        labels={
            "name": ConsoleLabel(title="姓名", title_en="Name"),
            "organisation_id": ConsoleLabel(
                title="社会组织",
                title_en="Organisation",
                help=DIRECTORY_HELP,
                help_en=DIRECTORY_HELP_EN,
                choices_from=DIRECTORY,
            ),
            "organisation_name": ConsoleLabel(title="社会组织名称", title_en="Organisation name"),
            "assigned_on": ConsoleLabel(title="选派日期", title_en="Assigned on"),
        },
    ),
)

PAGES = ConsolePages(
    title="党建引领",
    title_en="Party building",
    resources=(ORGANISATIONS, MEMBERS, MEETINGS, TEAMS, PLANS, VISITS, TRAININGS, INSTRUCTORS),
)
"""Party organisations, members (with conversion and transfer), meetings, pioneer teams,
work plans, supervision visits, trainings and instructors."""
