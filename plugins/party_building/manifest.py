"""The party-building module's manifest: name, permissions and per-tenant setting defaults.

Its routes, migrations, metrics, events and isolation fixtures are added in the package's
``__init__`` (``plugins.party_building.MANIFEST``), so the module's own code reads its name and
settings here without importing its routes.
"""

from __future__ import annotations

from core import Manifest, Permission

NAME = "party-building"
_everyone = frozenset({"admin", "staff", "member"})
_staff = frozenset({"admin", "staff"})
_admin = frozenset({"admin"})

MANIFEST = Manifest(
    name=NAME,
    title="党建引领",
    title_en="Party-building leadership",
    version="0.1.0",
    core=">=0.2,<0.3",
    description=(
        "党组织、党员、党员先锋队、三会一课、党建督导与培训、年度工作计划 / "
        "party organisations, members, pioneer teams, meetings, supervision and training, "
        "work plans"
    ),
    permissions=(
        Permission(f"{NAME}:read", "查看党建引领", "Read party-building data", _everyone, NAME),
        Permission(
            f"{NAME}:people",
            "查看党员个人信息",
            "Read party members' personal data",
            _admin,
            NAME,
        ),
        Permission(f"{NAME}:write", "登记党建数据", "Record party-building data", _staff, NAME),
        Permission(
            f"{NAME}:manage",
            "管理党组织、党员与工作计划",
            "Manage party organisations, members and work plans",
            _admin,
            NAME,
        ),
    ),
    settings={
        "joint_branch_max_units": 5,
        "branch_min_full_members": 3,
        "committee_min_members": 7,
        "general_branch_min_members": 50,
        "general_branch_max_members": 100,
        "party_committee_min_members": 101,
        "meeting_cadence": {
            "party_assembly": "quarter",
            "branch_committee": "month",
            "group_meeting": "month",
            "party_lesson": "quarter",
            "theme_day": "month",
        },
        "compliance_window_months": 6,
        "assembly_quorum_percent": 50,
        "probation_months": 12,
        "conversion_reminder_days": 30,
    },
)
