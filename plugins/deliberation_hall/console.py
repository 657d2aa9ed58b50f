"""The deliberation hall's pages in the web console, declared through
``gongzhi_console_pages``.

Nothing here renders HTML: the console builds each list, detail and form from these
declarations and the module's own request-body structs, and calls the module's routes as the
signed-in user, so a topic's state machine answers a move it does not allow with its 409 naming
the allowed states, and a vote still opens only in a session that meets its rules.
"""

from __future__ import annotations

import msgspec

from core import (
    ConsoleChoices,
    ConsoleField,
    ConsoleForm,
    ConsoleLabel,
    ConsolePages,
    ConsoleRelated,
    ConsoleResource,
)
from plugins.deliberation_hall.sessions.schemas import (
    Attendance,
    Publication,
    RepresentativeCreate,
    SessionCreate,
    SessionRecord,
)
from plugins.deliberation_hall.tasks.schemas import ProgressCreate, TaskCreate
from plugins.deliberation_hall.topics.schemas import (
    EscalationCreate,
    EvaluationCreate,
    TopicCreate,
    TransitionCreate,
)
from plugins.deliberation_hall.votes.schemas import BallotCreate, MyBallot, VoteCreate

MANAGE = "deliberation-hall:manage"
TAKE_PART = "deliberation-hall:take-part"


class NoBody(msgspec.Struct, forbid_unknown_fields=True):
    """The body of a route that takes none (closing a vote): the form is its button."""


PUBLISHED_AT = {
    "published_at": ConsoleLabel(
        title="张贴时间", title_en="Posted at", help="留空为现在", help_en="Empty: now"
    )
}

TOPICS = ConsoleResource(
    slug="topics",
    title="议题",
    title_en="Topics",
    list_path="/topics",
    search="q",
    columns=(
        ConsoleField(key="title", title="议题", title_en="Topic", link=True),
        ConsoleField(key="category", title="类别", title_en="Category"),
        ConsoleField(key="proposer_name", title="提议人", title_en="Proposer"),
        ConsoleField(key="state_title", title="状态", title_en="State"),
        ConsoleField(key="collected_at", title="收集时间", title_en="Collected at"),
    ),
    detail_path="/topics/{id}",
    detail_fields=(
        ConsoleField(key="title", title="议题", title_en="Topic"),
        ConsoleField(key="description", title="内容", title_en="Description"),
        ConsoleField(key="category", title="类别", title_en="Category"),
        ConsoleField(key="proposer_kind", title="提议人类型", title_en="Proposer kind"),
        ConsoleField(key="proposer_name", title="提议人", title_en="Proposer"),
        ConsoleField(key="state", title="状态", title_en="State"),
        ConsoleField(key="state_title", title="状态（中文）", title_en="State (Chinese)"),
        ConsoleField(key="allowed_next", title="可转入状态", title_en="May move to"),
        ConsoleField(key="may_act", title="由本级办理", title_en="Handled here"),
        ConsoleField(key="result_summary", title="表决结果", title_en="Result"),
        ConsoleField(key="outcome", title="结果", title_en="Outcome"),
        ConsoleField(key="satisfaction_average", title="满意度", title_en="Satisfaction"),
    ),
    create=ConsoleForm(
        key="create",
        title="提交议题",
        title_en="Raise a topic",
        schema=TopicCreate,
        path="/topics",
        permission=TAKE_PART,
        labels={
            "title": ConsoleLabel(title="议题", title_en="Title"),
            "description": ConsoleLabel(title="内容", title_en="Description"),
            "category": ConsoleLabel(
                title="类别",
                title_en="Category",
                help="社区服务、环境整治、公共设施、邻里关系、物业管理、其他（以本级设置为准）",
                help_en="One of this tenant's categories (setting categories)",
            ),
            "proposer_kind": ConsoleLabel(title="提议人类型", title_en="Proposer kind"),
            "proposer_name": ConsoleLabel(title="提议人", title_en="Proposer"),
            "proposer_contact": ConsoleLabel(
                title="联系方式", title_en="Contact", help="仅工作人员可见", help_en="Staff only"
            ),
            "cosigners": ConsoleLabel(
                title="附议人（姓名 | 联系方式）", title_en="Co-signers (name | contact)"
            ),
            "attachments": ConsoleLabel(
                title="附件（名称 | 编号或链接）", title_en="Attachments (name | reference)"
            ),
            "organisation_id": ConsoleLabel(
                title="提议的社会组织",
                title_en="Proposing organisation",
                help="由社会组织提议时选择",
                help_en="When an organisation proposes",
                choices_from=ConsoleChoices(
                    path="/five-sector/organisations", label="name", search="q"
                ),
            ),
        },
    ),
    actions=(
        ConsoleForm(
            key="transition",
            title="变更状态",
            title_en="Move the topic",
            schema=TransitionCreate,
            path="/topics/{id}/transitions",
            permission=MANAGE,
            labels={
                "to": ConsoleLabel(
                    title="新状态",
                    title_en="New state",
                    help="见上方“可转入状态”",
                    help_en="See “May move to” above",
                ),
                "reason": ConsoleLabel(
                    title="理由",
                    title_en="Reason",
                    help="不予受理和关闭时必填",
                    help_en="Required to reject or close",
                ),
            },
        ),
        ConsoleForm(
            key="session",
            title="召开议事会/听证会",
            title_en="Convene a session",
            schema=SessionCreate,
            path="/topics/{id}/sessions",
            permission=MANAGE,
            labels={
                "kind": ConsoleLabel(
                    title="类型",
                    title_en="Kind",
                    help="meeting 议事会、hearing 听证会",
                    help_en="meeting or hearing",
                ),
                "title": ConsoleLabel(title="名称", title_en="Title"),
                "place": ConsoleLabel(title="地点", title_en="Place"),
                "starts_at": ConsoleLabel(
                    title="开始时间（北京时间）", title_en="Starts at (Beijing time)"
                ),
            },
        ),
        ConsoleForm(
            key="task",
            title="分派落实任务",
            title_en="Assign a task",
            schema=TaskCreate,
            path="/topics/{id}/tasks",
            permission=MANAGE,
            labels={
                "title": ConsoleLabel(title="任务", title_en="Task"),
                "owner_name": ConsoleLabel(title="责任人", title_en="Owner"),
                "due_on": ConsoleLabel(title="期限", title_en="Due on"),
            },
        ),
        ConsoleForm(
            key="escalation",
            title="提交上级",
            title_en="Escalate",
            schema=EscalationCreate,
            path="/topics/{id}/escalations",
            permission=MANAGE,
            labels={"reason": ConsoleLabel(title="理由", title_en="Reason")},
        ),
        ConsoleForm(
            key="evaluation",
            title="满意度评价",
            title_en="Rate the implementation",
            schema=EvaluationCreate,
            path="/topics/{id}/evaluations",
            permission=TAKE_PART,
            labels={
                "score": ConsoleLabel(title="评分（1–5）", title_en="Score (1–5)"),
                "comment": ConsoleLabel(title="意见", title_en="Comment"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="状态记录",
            title_en="History",
            path="/topics/{id}",
            key="transitions",
            columns=(
                ConsoleField(key="at", title="时间", title_en="At"),
                ConsoleField(key="from_state", title="原状态", title_en="From"),
                ConsoleField(key="to_state", title="新状态", title_en="To"),
                ConsoleField(key="actor_name", title="操作人", title_en="By"),
                ConsoleField(key="reason", title="理由", title_en="Reason"),
            ),
        ),
        ConsoleRelated(
            title="提交上级记录",
            title_en="Escalations",
            path="/topics/{id}",
            key="escalations",
            columns=(
                ConsoleField(key="at", title="时间", title_en="At"),
                ConsoleField(key="actor_name", title="操作人", title_en="By"),
                ConsoleField(key="reason", title="理由", title_en="Reason"),
            ),
        ),
        ConsoleRelated(
            title="附议人",
            title_en="Co-signers",
            path="/topics/{id}",
            key="cosigners",
            columns=(ConsoleField(key="name", title="姓名", title_en="Name"),),
        ),
    ),
)

SESSIONS = ConsoleResource(
    slug="sessions",
    title="议事会",
    title_en="Sessions",
    list_path="/sessions",
    columns=(
        ConsoleField(key="title", title="名称", title_en="Title", link=True),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="place", title="地点", title_en="Place"),
        ConsoleField(key="starts_at", title="开始", title_en="Starts"),
        ConsoleField(key="status", title="状态", title_en="Status"),
    ),
    detail_path="/sessions/{id}",
    detail_fields=(
        ConsoleField(key="title", title="名称", title_en="Title"),
        ConsoleField(key="kind", title="类型", title_en="Kind"),
        ConsoleField(key="place", title="地点", title_en="Place"),
        ConsoleField(key="starts_at", title="开始", title_en="Starts"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="notice_published_at", title="公告时间", title_en="Notice posted"),
        ConsoleField(
            key="representatives_published_at", title="代表名单公示", title_en="List posted"
        ),
        ConsoleField(key="check.may_vote", title="可以表决", title_en="May vote"),
        ConsoleField(key="check.representatives", title="代表人数", title_en="Representatives"),
        ConsoleField(key="check.present", title="到会人数", title_en="Present"),
        ConsoleField(key="summary", title="会议纪要", title_en="Summary"),
    ),
    actions=(
        ConsoleForm(
            key="notice",
            title="张贴会议公告",
            title_en="Post the notice",
            schema=Publication,
            path="/sessions/{id}/notice",
            permission=MANAGE,
            labels=PUBLISHED_AT,
        ),
        ConsoleForm(
            key="representative",
            title="增加代表",
            title_en="Add a representative",
            schema=RepresentativeCreate,
            path="/sessions/{id}/representatives",
            permission=MANAGE,
            fields=("name", "stakeholder", "present", "contact"),
            labels={
                "name": ConsoleLabel(title="姓名", title_en="Name"),
                "stakeholder": ConsoleLabel(
                    title="利害关系人或普通居民", title_en="Stakeholder or ordinary resident"
                ),
                "present": ConsoleLabel(title="已到会", title_en="Present"),
                "contact": ConsoleLabel(title="联系方式", title_en="Contact"),
            },
        ),
        ConsoleForm(
            key="attendance",
            title="登记到会",
            title_en="Mark attendance",
            schema=Attendance,
            path="/sessions/{id}/representatives/{representative_id}/attendance",
            permission=MANAGE,
            labels={
                "representative_id": ConsoleLabel(
                    title="代表",
                    title_en="Representative",
                    choices_from=ConsoleChoices(
                        path="/deliberation-hall/sessions/{id}/representatives"
                    ),
                ),
                "present": ConsoleLabel(title="到会", title_en="Present"),
            },
        ),
        ConsoleForm(
            key="representatives-publication",
            title="公示代表名单",
            title_en="Post the list of representatives",
            schema=Publication,
            path="/sessions/{id}/representatives/publication",
            permission=MANAGE,
            labels=PUBLISHED_AT,
        ),
        ConsoleForm(
            key="vote",
            title="发起表决",
            title_en="Open a vote",
            schema=VoteCreate,
            path="/sessions/{id}/votes",
            permission=MANAGE,
            labels={
                "question": ConsoleLabel(title="表决事项", title_en="Question"),
                "method": ConsoleLabel(
                    title="表决方式",
                    title_en="Method",
                    help="majority 过半数、two_thirds 三分之二、consent 协商一致",
                    help_en="majority, two_thirds or consent",
                ),
                "secret": ConsoleLabel(title="无记名", title_en="Secret"),
            },
        ),
        ConsoleForm(
            key="record",
            title="记录会议",
            title_en="Record the session",
            schema=SessionRecord,
            path="/sessions/{id}/record",
            permission=MANAGE,
            labels={
                "minutes": ConsoleLabel(title="会议记录", title_en="Minutes"),
                "summary": ConsoleLabel(title="会议纪要", title_en="Summary"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="未满足的规则",
            title_en="Rules not met",
            path="/sessions/{id}/check",
            key="breaches",
            columns=(
                ConsoleField(key="message", title="规则", title_en="Rule"),
                ConsoleField(key="message_en", title="English", title_en="In English"),
            ),
        ),
        ConsoleRelated(
            title="代表",
            title_en="Representatives",
            path="/sessions/{id}/representatives",
            columns=(
                ConsoleField(key="name", title="姓名", title_en="Name"),
                ConsoleField(key="stakeholder", title="利害关系人", title_en="Stakeholder"),
                ConsoleField(key="present", title="到会", title_en="Present"),
                ConsoleField(key="id", title="ID", title_en="Id"),
            ),
        ),
    ),
)

VOTES = ConsoleResource(
    slug="votes",
    title="表决",
    title_en="Votes",
    list_path="/votes",
    heading="question",
    columns=(
        ConsoleField(key="question", title="表决事项", title_en="Question", link=True),
        ConsoleField(key="method", title="方式", title_en="Method"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="ballots_cast", title="已投票", title_en="Ballots"),
        ConsoleField(key="outcome", title="结果", title_en="Outcome"),
    ),
    detail_path="/votes/{id}",
    detail_fields=(
        ConsoleField(key="question", title="表决事项", title_en="Question"),
        ConsoleField(key="method", title="方式", title_en="Method"),
        ConsoleField(key="secret", title="无记名", title_en="Secret"),
        ConsoleField(key="choices", title="选项", title_en="Choices"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="representatives", title="代表人数", title_en="Representatives"),
        ConsoleField(key="present", title="到会人数", title_en="Present"),
        ConsoleField(key="ballots_cast", title="已投票", title_en="Ballots"),
        ConsoleField(key="outcome", title="结果", title_en="Outcome"),
    ),
    actions=(
        ConsoleForm(
            key="ballot",
            title="登记选票",
            title_en="Record a ballot",
            schema=BallotCreate,
            path="/votes/{id}/ballots",
            permission=MANAGE,
            labels={
                "representative_id": ConsoleLabel(
                    title="代表",
                    title_en="Representative",
                    choices_from=ConsoleChoices(
                        path="/deliberation-hall/sessions/{session_id}/representatives"
                    ),
                ),
                "choice": ConsoleLabel(title="选择", title_en="Choice"),
            },
        ),
        ConsoleForm(
            key="my-ballot",
            title="投出我的一票",
            title_en="Cast my ballot",
            schema=MyBallot,
            path="/votes/{id}/my-ballot",
            permission=TAKE_PART,
            labels={"choice": ConsoleLabel(title="选择", title_en="Choice")},
        ),
        ConsoleForm(
            key="close",
            title="结束表决并计票",
            title_en="Close and count",
            schema=NoBody,
            path="/votes/{id}/close",
            permission=MANAGE,
        ),
    ),
    related=(
        ConsoleRelated(
            title="选票",
            title_en="Ballots",
            path="/votes/{id}/ballots",
            columns=(
                ConsoleField(key="name", title="代表", title_en="Representative"),
                ConsoleField(key="choice", title="选择", title_en="Choice"),
                ConsoleField(key="cast_at", title="时间", title_en="Cast at"),
            ),
        ),
    ),
)

TASKS = ConsoleResource(
    slug="tasks",
    title="落实任务",
    title_en="Tasks",
    list_path="/tasks",
    columns=(
        ConsoleField(key="title", title="任务", title_en="Task", link=True),
        ConsoleField(key="owner_name", title="责任人", title_en="Owner"),
        ConsoleField(key="due_on", title="期限", title_en="Due on"),
        ConsoleField(key="progress", title="进度（%）", title_en="Progress %"),
        ConsoleField(key="overdue", title="逾期", title_en="Overdue"),
    ),
    detail_path="/tasks/{id}",
    detail_fields=(
        ConsoleField(key="title", title="任务", title_en="Task"),
        ConsoleField(key="owner_name", title="责任人", title_en="Owner"),
        ConsoleField(key="due_on", title="期限", title_en="Due on"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="progress", title="进度（%）", title_en="Progress %"),
        ConsoleField(key="done_on", title="完成日期", title_en="Done on"),
        ConsoleField(key="overdue", title="逾期", title_en="Overdue"),
    ),
    actions=(
        ConsoleForm(
            key="progress",
            title="报告进度",
            title_en="Report progress",
            schema=ProgressCreate,
            path="/tasks/{id}/progress",
            permission=MANAGE,
            labels={
                "progress": ConsoleLabel(
                    title="进度（%）",
                    title_en="Progress (%)",
                    help="100 表示完成",
                    help_en="100 marks it done",
                ),
                "note": ConsoleLabel(title="说明", title_en="Note"),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="进度记录",
            title_en="Updates",
            path="/tasks/{id}",
            key="updates",
            columns=(
                ConsoleField(key="at", title="时间", title_en="At"),
                ConsoleField(key="progress", title="进度（%）", title_en="Progress %"),
                ConsoleField(key="note", title="说明", title_en="Note"),
            ),
        ),
    ),
)

PAGES = ConsolePages(
    title="居民议事厅",
    title_en="Deliberation hall",
    resources=(TOPICS, SESSIONS, VOTES, TASKS),
)
"""Topics through their state machine, sessions with their rules, votes and tasks."""
