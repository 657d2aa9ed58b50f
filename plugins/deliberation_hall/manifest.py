"""The deliberation-hall module's manifest: name, permissions and per-tenant setting defaults.

Its routes, migrations, metrics, events and isolation fixtures are added in the package's
``__init__`` (``plugins.deliberation_hall.MANIFEST``), so the module's own code reads its name
and settings here without importing its routes.

Every rule of sessions is a setting with the default of the common public rules: a hearing
(听证会) is announced 30 days ahead, its representative list published 15 days ahead, has at
least 15 representatives of whom at least a third are stakeholders or ordinary residents, and
needs two thirds present, and its summary is recorded within 7 working days
(``hearing_summary_working_days``; working days are Monday to Friday less ``holidays``, plus the
``make_up_working_days`` worked in their place, ISO dates); a deliberation meeting (议事会) needs
two thirds of its members present. Fractions are ``[numerator, denominator]``.
"""

from __future__ import annotations

from core import Manifest, Permission

NAME = "deliberation-hall"
_everyone = frozenset({"admin", "staff", "member"})
_staff = frozenset({"admin", "staff"})

MANIFEST = Manifest(
    name=NAME,
    title="居民议事厅",
    title_en="Deliberation hall",
    version="0.1.0",
    core=">=0.2,<0.3",
    description=(
        "议题收集与审核、议事会与听证会、表决、落实与评议、逐级上报、公开查询 / "
        "topics, deliberation meetings and hearings, votes, follow-through and evaluation, "
        "escalation, a public view"
    ),
    permissions=(
        Permission(f"{NAME}:read", "查看议事厅", "Read the deliberation hall", _everyone, NAME),
        Permission(
            f"{NAME}:take-part",
            "提出议题、投票与评议",
            "Raise topics, vote and evaluate",
            _everyone,
            NAME,
        ),
        Permission(
            f"{NAME}:manage",
            "审核议题、组织会议与表决、督办落实",
            "Review topics, run sessions and votes, follow implementation",
            _staff,
            NAME,
        ),
    ),
    settings={
        "categories": ["社区服务", "环境整治", "公共设施", "邻里关系", "物业管理", "其他"],
        "public_view": False,
        "escalation_levels": ["community", "town"],
        "meeting_notice_days": 7,
        "meeting_list_days": 0,
        "meeting_min_representatives": 5,
        "meeting_stakeholder_share": [0, 1],
        "meeting_quorum": [2, 3],
        "hearing_notice_days": 30,
        "hearing_list_days": 15,
        "hearing_min_representatives": 15,
        "hearing_stakeholder_share": [1, 3],
        "hearing_quorum": [2, 3],
        "hearing_summary_working_days": 7,
        "holidays": [],
        "make_up_working_days": [],
    },
)
