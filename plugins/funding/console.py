"""Funding's pages in the web console, declared through ``gongzhi_console_pages``.

Nothing here renders HTML: the console builds each list, detail and form from these
declarations and the module's own request-body structs, and calls the module's routes as the
signed-in user, so an application's state machine answers a move it does not allow with its
409 naming the allowed states, and every amount comes from and goes to the ledger (a
tranche's amount is the plan's, never typed in). Reversing a ledger entry is done through the
API.
"""

from __future__ import annotations

import msgspec

from core import (
    ConsoleField,
    ConsoleForm,
    ConsoleLabel,
    ConsoleLink,
    ConsolePages,
    ConsoleRelated,
    ConsoleResource,
)
from plugins.funding.applications.schemas import ApplicationCreate, EvaluationCreate, Transition
from plugins.funding.calls.schemas import CallCreate
from plugins.funding.ledger.schemas import Disbursement, ReturnCreate
from plugins.funding.reviews.schemas import ConflictCreate

MANAGE = "funding:manage"
APPLY = "funding:apply"
REVIEW = "funding:review"


class NoBody(msgspec.Struct, forbid_unknown_fields=True):
    """The body of a route that takes none (submitting a draft): the form is its button."""


FEN = ("1元=100分", "1 yuan = 100 fen")

CALLS = ConsoleResource(
    slug="calls",
    title="资助项目",
    title_en="Calls",
    list_path="/calls",
    columns=(
        ConsoleField(key="title", title="名称", title_en="Title", link=True),
        ConsoleField(key="funder_name", title="资助方", title_en="Funder"),
        ConsoleField(key="funder_kind", title="资助方类型", title_en="Funder kind"),
        ConsoleField(key="pool_fen", title="资金池（分）", title_en="Pool (fen)"),
        ConsoleField(key="opens_on", title="开始申报", title_en="Opens on"),
        ConsoleField(key="closes_on", title="截止申报", title_en="Closes on"),
        ConsoleField(key="is_open", title="申报中", title_en="Open"),
    ),
    detail_path="/calls/{id}",
    detail_fields=(
        ConsoleField(key="title", title="名称", title_en="Title"),
        ConsoleField(key="description", title="说明", title_en="Description"),
        ConsoleField(key="funder_kind", title="资助方类型", title_en="Funder kind"),
        ConsoleField(key="funder_name", title="资助方", title_en="Funder"),
        ConsoleField(key="opens_on", title="开始申报", title_en="Opens on"),
        ConsoleField(key="closes_on", title="截止申报", title_en="Closes on"),
        ConsoleField(key="categories", title="项目类别", title_en="Categories"),
        ConsoleField(key="eligible_registrations", title="申报资格", title_en="Registrations"),
        ConsoleField(key="eligible_levels", title="申报层级", title_en="Levels"),
        ConsoleField(key="balance.pool_fen", title="资金池（分）", title_en="Pool (fen)"),
        ConsoleField(key="balance.committed_fen", title="已立项（分）", title_en="Committed"),
        ConsoleField(key="balance.disbursed_fen", title="已拨付（分）", title_en="Disbursed"),
        ConsoleField(key="balance.available_fen", title="可立项（分）", title_en="Available"),
    ),
    create=ConsoleForm(
        key="create",
        title="发布资助项目",
        title_en="Open a call",
        schema=CallCreate,
        path="/calls",
        permission=MANAGE,
        labels={
            "title": ConsoleLabel(title="名称", title_en="Title"),
            "funder_kind": ConsoleLabel(
                title="资助方类型",
                title_en="Funder kind",
                help="foundation 基金会、government 政府、enterprise 企业",
                help_en="foundation, government or enterprise",
            ),
            "funder_name": ConsoleLabel(title="资助方", title_en="Funder"),
            "pool_fen": ConsoleLabel(
                title="资金池（分）", title_en="Pool (fen)", help=FEN[0], help_en=FEN[1]
            ),
            "opens_on": ConsoleLabel(title="开始申报", title_en="Opens on"),
            "closes_on": ConsoleLabel(title="截止申报", title_en="Closes on"),
            "description": ConsoleLabel(title="说明", title_en="Description"),
            "categories": ConsoleLabel(
                title="项目类别",
                title_en="Categories",
                help="每行一项，留空用本级设置",
                help_en="One per line; empty: this tenant's settings",
            ),
            "eligible_registrations": ConsoleLabel(
                title="申报资格（registered 登记、filed 备案、none 未登记备案）",
                title_en="Eligible registrations (registered, filed, none)",
                help="每行一项，留空用本级设置",
                help_en="One per line; empty: this tenant's settings",
            ),
            "eligible_levels": ConsoleLabel(
                title="申报层级（district、town、community）",
                title_en="Eligible levels (district, town, community)",
                help="每行一项，留空用本级设置",
                help_en="One per line; empty: this tenant's settings",
            ),
            "criteria": ConsoleLabel(
                title="评审标准（标识 | 名称 | 权重）",
                title_en="Criteria (key | title | weight)",
                help="权重合计 100，留空用本级设置",
                help_en="Weights sum to 100; empty: this tenant's settings",
            ),
            "tranche_plan": ConsoleLabel(
                title="拨付计划（名称 | 比例 | agreement/midterm/closing）",
                title_en="Tranche plan (title | percent | agreement/midterm/closing)",
                help="比例合计 100，留空用本级设置",
                help_en="Percentages sum to 100; empty: this tenant's settings",
            ),
        },
    ),
    actions=(
        ConsoleForm(
            key="apply",
            title="申报项目",
            title_en="Apply",
            schema=ApplicationCreate,
            path="/calls/{id}/applications",
            permission=APPLY,
            fields=("title", "category", "budget_lines", "applicants", "summary", "documents"),
            labels={
                "title": ConsoleLabel(title="项目名称", title_en="Title"),
                "category": ConsoleLabel(
                    title="项目类别",
                    title_en="Category",
                    help="须为本资助项目的类别之一（见上方）",
                    help_en="One of the call's categories (above)",
                ),
                "budget_lines": ConsoleLabel(
                    title="预算（科目 | 金额（分））", title_en="Budget (item | amount in fen)"
                ),
                "applicants": ConsoleLabel(
                    title="申报组织（组织 ID | 名称 | registered/filed/none）",
                    title_en="Applicants (directory id | name | registration)",
                    help="两行为联合申报；无 ID 时以 | 开头",
                    help_en="Two lines: a joint application; without an id start with |",
                ),
                "summary": ConsoleLabel(title="项目简介", title_en="Summary"),
                "documents": ConsoleLabel(
                    title="申报材料（编号或链接）",
                    title_en="Documents (references)",
                    help="每行一项",
                    help_en="One per line",
                ),
            },
        ),
    ),
    related=(
        ConsoleRelated(
            title="评审排名",
            title_en="Ranking",
            path="/calls/{id}/ranking",
            columns=(
                ConsoleField(key="rank", title="名次", title_en="Rank"),
                ConsoleField(key="title", title="项目", title_en="Application"),
                ConsoleField(key="applicant_names", title="申报组织", title_en="Applicants"),
                ConsoleField(key="score", title="得分", title_en="Score"),
                ConsoleField(key="status", title="状态", title_en="Status"),
            ),
        ),
        ConsoleRelated(
            title="评审标准",
            title_en="Criteria",
            path="/calls/{id}",
            key="criteria",
            columns=(
                ConsoleField(key="title", title="标准", title_en="Criterion"),
                ConsoleField(key="weight", title="权重", title_en="Weight"),
            ),
        ),
        ConsoleRelated(
            title="拨付计划",
            title_en="Tranche plan",
            path="/calls/{id}",
            key="tranche_plan",
            columns=(
                ConsoleField(key="title", title="期次", title_en="Tranche"),
                ConsoleField(key="percent", title="比例（%）", title_en="Percent"),
                ConsoleField(key="trigger", title="拨付条件", title_en="Paid on"),
            ),
        ),
    ),
)

APPLICATIONS = ConsoleResource(
    slug="applications",
    title="项目申报",
    title_en="Applications",
    list_path="/applications",
    columns=(
        ConsoleField(key="title", title="项目", title_en="Application", link=True),
        ConsoleField(key="applicant_names", title="申报组织", title_en="Applicants"),
        ConsoleField(key="status_title", title="状态", title_en="Status"),
        ConsoleField(key="requested_fen", title="申请（分）", title_en="Requested (fen)"),
        ConsoleField(key="approved_fen", title="立项（分）", title_en="Approved (fen)"),
        ConsoleField(key="disbursed_fen", title="已拨付（分）", title_en="Disbursed (fen)"),
    ),
    detail_path="/applications/{id}",
    detail_fields=(
        ConsoleField(key="title", title="项目", title_en="Application"),
        ConsoleField(key="category", title="类别", title_en="Category"),
        ConsoleField(key="summary", title="简介", title_en="Summary"),
        ConsoleField(key="applicant_names", title="申报组织", title_en="Applicants"),
        ConsoleField(key="joint", title="联合申报", title_en="Joint"),
        ConsoleField(key="status", title="状态", title_en="Status"),
        ConsoleField(key="status_title", title="状态（中文）", title_en="Status (Chinese)"),
        ConsoleField(key="allowed_next", title="可转入状态", title_en="May move to"),
        ConsoleField(key="requested_fen", title="申请（分）", title_en="Requested (fen)"),
        ConsoleField(key="approved_fen", title="立项（分）", title_en="Approved (fen)"),
        ConsoleField(key="committed_fen", title="待拨付（分）", title_en="Committed (fen)"),
        ConsoleField(key="disbursed_fen", title="已拨付（分）", title_en="Disbursed (fen)"),
        ConsoleField(key="documents", title="申报材料", title_en="Documents"),
    ),
    actions=(
        ConsoleForm(
            key="submit",
            title="提交申报",
            title_en="Submit",
            schema=NoBody,
            path="/applications/{id}/submit",
            permission=APPLY,
        ),
        ConsoleForm(
            key="transition",
            title="变更状态",
            title_en="Move the application",
            schema=Transition,
            path="/applications/{id}/transitions",
            permission=MANAGE,
            labels={
                "to": ConsoleLabel(
                    title="新状态",
                    title_en="New status",
                    help="见上方“可转入状态”",
                    help_en="See “May move to” above",
                ),
                "reason": ConsoleLabel(
                    title="理由",
                    title_en="Reason",
                    help="终止时必填",
                    help_en="Required to terminate",
                ),
                "approved_fen": ConsoleLabel(
                    title="立项金额（分）",
                    title_en="Approved amount (fen)",
                    help="立项时填写，留空为申请金额",
                    help_en="With approved; empty: the requested amount",
                ),
            },
        ),
        ConsoleForm(
            key="evaluation",
            title="中期/结项评估",
            title_en="Evaluate",
            schema=EvaluationCreate,
            path="/applications/{id}/evaluations",
            permission=MANAGE,
            labels={
                "stage": ConsoleLabel(
                    title="阶段",
                    title_en="Stage",
                    help="midterm 中期、final 结项",
                    help_en="midterm or final",
                ),
                "passed": ConsoleLabel(title="通过", title_en="Passed"),
                "evaluated_on": ConsoleLabel(title="评估日期", title_en="Evaluated on"),
                "note": ConsoleLabel(title="意见", title_en="Note"),
            },
        ),
        ConsoleForm(
            key="disbursement",
            title="拨付",
            title_en="Pay a tranche",
            schema=Disbursement,
            path="/applications/{id}/disbursements",
            permission=MANAGE,
            labels={
                "tranche": ConsoleLabel(
                    title="期次",
                    title_en="Tranche",
                    help="见下方拨付表",
                    help_en="See the tranches below",
                ),
                "disbursed_on": ConsoleLabel(title="拨付日期", title_en="Disbursed on"),
                "note": ConsoleLabel(
                    title="说明",
                    title_en="Note",
                    help="金额按拨付计划计算",
                    help_en="The amount is the plan's",
                ),
            },
        ),
        ConsoleForm(
            key="return",
            title="登记退回资金",
            title_en="Record money given back",
            schema=ReturnCreate,
            path="/applications/{id}/returns",
            permission=MANAGE,
            labels={
                "amount_fen": ConsoleLabel(
                    title="金额（分）", title_en="Amount (fen)", help=FEN[0], help_en=FEN[1]
                ),
                "returned_on": ConsoleLabel(title="退回日期", title_en="Returned on"),
                "reason": ConsoleLabel(title="原因", title_en="Reason"),
            },
        ),
        ConsoleForm(
            key="conflict",
            title="声明回避",
            title_en="Declare a conflict of interest",
            schema=ConflictCreate,
            path="/applications/{id}/conflicts",
            permission=REVIEW,
            labels={"reason": ConsoleLabel(title="回避理由", title_en="Reason")},
        ),
    ),
    related=(
        ConsoleRelated(
            title="预算",
            title_en="Budget",
            path="/applications/{id}",
            key="budget_lines",
            columns=(
                ConsoleField(key="item", title="科目", title_en="Item"),
                ConsoleField(key="amount_fen", title="金额（分）", title_en="Amount (fen)"),
            ),
        ),
        ConsoleRelated(
            title="拨付",
            title_en="Tranches",
            path="/applications/{id}/tranches",
            columns=(
                ConsoleField(key="tranche", title="期次", title_en="Tranche"),
                ConsoleField(key="title", title="名称", title_en="Title"),
                ConsoleField(key="percent", title="比例（%）", title_en="Percent"),
                ConsoleField(key="amount_fen", title="金额（分）", title_en="Amount (fen)"),
                ConsoleField(key="disbursed", title="已拨付", title_en="Paid"),
            ),
        ),
        ConsoleRelated(
            title="状态记录",
            title_en="History",
            path="/applications/{id}",
            key="history",
            columns=(
                ConsoleField(key="changed_at", title="时间", title_en="At"),
                ConsoleField(key="from_status", title="原状态", title_en="From"),
                ConsoleField(key="to_status", title="新状态", title_en="To"),
                ConsoleField(key="reason", title="理由", title_en="Reason"),
            ),
        ),
        ConsoleRelated(
            title="评估",
            title_en="Evaluations",
            path="/applications/{id}",
            key="evaluations",
            columns=(
                ConsoleField(key="stage", title="阶段", title_en="Stage"),
                ConsoleField(key="passed", title="通过", title_en="Passed"),
                ConsoleField(key="evaluated_on", title="日期", title_en="On"),
                ConsoleField(key="note", title="意见", title_en="Note"),
            ),
        ),
    ),
)

LEDGER = ConsoleResource(
    slug="ledger",
    title="资金台账",
    title_en="Ledger",
    list_path="/ledger",
    columns=(
        ConsoleField(key="occurred_on", title="发生日期", title_en="On"),
        ConsoleField(key="kind_title", title="类型", title_en="Kind"),
        ConsoleField(key="tranche", title="期次", title_en="Tranche"),
        ConsoleField(key="amount_fen", title="金额（分）", title_en="Amount (fen)"),
        ConsoleField(key="committed_total", title="累计立项（分）", title_en="Committed total"),
        ConsoleField(key="disbursed_total", title="累计拨付（分）", title_en="Disbursed total"),
        ConsoleField(key="reason", title="说明", title_en="Note"),
    ),
    exports=(
        ConsoleLink(
            title="导出 CSV", title_en="Export CSV", path="/ledger/export", query={"format": "csv"}
        ),
        ConsoleLink(
            title="导出 Excel",
            title_en="Export XLSX",
            path="/ledger/export",
            query={"format": "xlsx"},
        ),
    ),
)

PAGES = ConsolePages(
    title="公益项目与资金",
    title_en="Charity projects and funding",
    resources=(CALLS, APPLICATIONS, LEDGER),
)
"""Calls (open one, apply to it, its ranking and plan), applications through their lifecycle,
and the ledger with its CSV/XLSX export."""
