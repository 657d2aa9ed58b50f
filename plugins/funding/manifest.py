"""The funding module's manifest: name, permissions and per-tenant setting defaults.

Its routes, migrations, metrics, events and isolation fixtures are added in the package's
``__init__`` (``plugins.funding.MANIFEST``), so the module's own code can read its name and
settings here without importing its routes.
"""

from __future__ import annotations

from core import Manifest, Permission

NAME = "funding"
_everyone = frozenset({"admin", "staff", "member"})
_staff = frozenset({"admin", "staff"})
_admin = frozenset({"admin"})

MANIFEST = Manifest(
    name=NAME,
    title="公益项目与资金",
    title_en="Charity projects and funding",
    version="0.1.0",
    core=">=0.2,<0.3",
    description=(
        "公益创投与项目申报：资金池、联合申报、评审、分期拨付与公开账本 / "
        "funding calls, joint applications, panel review, tranches and a public ledger"
    ),
    permissions=(
        Permission(
            f"{NAME}:read",
            "查看公益项目与资金",
            "Read calls, applications and the ledger",
            _everyone,
            NAME,
        ),
        Permission(f"{NAME}:apply", "提交项目申报", "Draft and submit applications", _staff, NAME),
        Permission(f"{NAME}:review", "评审项目申报", "Review and score applications", _staff, NAME),
        Permission(
            f"{NAME}:manage",
            "管理资金池、立项与拨付",
            "Manage calls, decisions, tranches and ledger corrections",
            _admin,
            NAME,
        ),
        Permission(
            f"{NAME}:public",
            "查看资金公开信息",
            "Read the published funding figures",
            _everyone,
            NAME,
        ),
    ),
    settings={
        "transparency": False,
        "categories": ["为老服务", "儿童青少年", "社区治理", "乡村振兴", "文体服务", "其他"],
        "tranche_plan": [
            {"title": "签订协议后", "percent": 40, "trigger": "agreement"},
            {"title": "中期评估通过后", "percent": 40, "trigger": "midterm"},
            {"title": "结项评估通过后", "percent": 20, "trigger": "closing"},
        ],
        "criteria": [
            {"key": "need", "title": "需求分析", "weight": 30},
            {"key": "design", "title": "项目设计", "weight": 30},
            {"key": "capacity", "title": "执行能力", "weight": 20},
            {"key": "budget", "title": "预算合理性", "weight": 20},
        ],
        "eligible_registrations": ["registered", "filed"],
        "eligible_levels": ["town", "community"],
    },
)
