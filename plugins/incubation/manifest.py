"""The incubation module's manifest: name, permissions and per-tenant setting defaults.

Routes, migrations, metrics and isolation fixtures are added in the package's ``__init__``
(``plugins.incubation.MANIFEST``), so the module's own code reads its name and settings here
without importing its routes.
"""

from __future__ import annotations

from core import Manifest, Permission

NAME = "incubation"
_everyone = frozenset({"admin", "staff", "member"})
_staff = frozenset({"admin", "staff"})
_admin = frozenset({"admin"})

RUBRIC = [
    {"key": "governance", "title": "内部治理", "title_en": "Governance", "max": 20},
    {"key": "project_design", "title": "项目设计", "title_en": "Project design", "max": 20},
    {"key": "fundraising", "title": "资源筹措", "title_en": "Fundraising", "max": 20},
    {"key": "delivery", "title": "服务执行", "title_en": "Delivery", "max": 20},
    {"key": "evaluation", "title": "评估反馈", "title_en": "Evaluation", "max": 20},
]
"""The default capacity rubric: five dimensions of 0–20 points each, 100 in all."""

MANIFEST = Manifest(
    name=NAME,
    title="社会组织培育",
    title_en="Incubation",
    version="0.1.0",
    core=">=0.2,<0.3",
    description=(
        "培育基地与街镇促进中心、需求调研—定制培训—项目督导—资源对接全链条、书记领航、"
        "标杆示范、项目带动、能力评估与品牌项目 / incubation bases and town centres, the "
        "full chain from needs survey to resource matching, mentors, benchmarks, projects, "
        "capacity scorecards and brand projects"
    ),
    permissions=(
        Permission(f"{NAME}:read", "查看社会组织培育", "Read incubation data", _everyone, NAME),
        Permission(f"{NAME}:write", "登记培育记录", "Record incubation work", _staff, NAME),
        Permission(
            f"{NAME}:manage",
            "管理培育基地、批次与阶段特批",
            "Manage bases, cohorts and stage overrides",
            _admin,
            NAME,
        ),
    ),
    settings={
        "rubric": RUBRIC,
        "base_levels": {"district_base": "district", "town_centre": "town"},
        "growth_decimals": 1,
        "match_funding_events": True,
    },
)
