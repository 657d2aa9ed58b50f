"""The five-sector module's manifest: name, permissions and per-tenant setting defaults.

Its routes, migrations, metrics, events and isolation fixtures are added in the package's
``__init__`` (``plugins.five_sector.MANIFEST``), so the module's own code can read its name and
settings here without importing its routes.
"""

from __future__ import annotations

from core import Manifest, Permission

NAME = "five-sector"
_everyone = frozenset({"admin", "staff", "member"})
_staff = frozenset({"admin", "staff"})
_admin = frozenset({"admin"})

MANIFEST = Manifest(
    name=NAME,
    title="五社联动",
    title_en="Five-sector linkage",
    version="0.1.0",
    core=">=0.2,<0.3",
    description=(
        "社会组织、社工、志愿者与服务时长、活动、社会慈善资源、村社结对 / "
        "social organisations, social workers, volunteers and service hours, activities, "
        "charity resources, community pairing"
    ),
    permissions=(
        Permission(f"{NAME}:read", "查看五社联动", "Read five-sector data", _everyone, NAME),
        Permission(
            f"{NAME}:people",
            "查看志愿者与社工个人信息",
            "Read volunteers' and social workers' personal data",
            _staff,
            NAME,
        ),
        Permission(f"{NAME}:write", "登记五社联动数据", "Record five-sector data", _staff, NAME),
        Permission(
            f"{NAME}:manage",
            "管理组织状态、评估、冲正与结对",
            "Manage lifecycles, ratings, reversals and pairings",
            _admin,
            NAME,
        ),
    ),
    settings={
        "categories": ["社区协商类", "和谐类", "服务类", "文体类", "枢纽型", "其他"],
        "filing_validity_years": 3,
        "rating_validity_years": 5,
        "targets": {"社区": 10, "村": 5},
        "urban_kinds": ["社区"],
        "rural_kinds": ["村"],
        "star_thresholds": [100, 300, 600, 1000, 1500],
        "expiry_warning_days": 30,
        "record_responsible_person": "",
    },
)
