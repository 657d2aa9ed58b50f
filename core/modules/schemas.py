"""Request and response bodies of the plugin host's API: module states and roll-up figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from core.modules.enablement import ModuleState, Reason
from core.modules.host import PluginHost
from core.modules.manifest import Policy
from core.modules.metrics import Unit


class ChoiceIn(msgspec.Struct, forbid_unknown_fields=True):
    enabled: bool


class PolicyIn(msgspec.Struct, forbid_unknown_fields=True):
    policy: Policy


class ModuleStateOut(msgspec.Struct, kw_only=True):
    """A module's effective state at a tenant, with the rule that decided it (``reason``), the
    tenant whose word it was (``decided_by``, a slug; None for the manifest's default) and its
    manifest's name, titles, version, requirements and levels."""

    module: str
    title: str
    title_en: str
    version: str
    enabled: bool
    reason: Reason
    decided_by: str | None
    detail: str
    requires: list[str]
    levels: list[str]


class ModulePolicyOut(ModuleStateOut, kw_only=True):
    """The state after a policy change, with the policy now set at the tenant."""

    policy: Policy


class ModuleStatesOut(msgspec.Struct, kw_only=True):
    """Every installed module's state at one tenant."""

    tenant: str
    items: list[ModuleStateOut]


class ChildFigure(msgspec.Struct, kw_only=True):
    """A figure's value in the subtree of one direct child."""

    slug: str
    name: str
    status: str
    value: int


class Figure(msgspec.Struct, kw_only=True):
    """One metric summed over a subtree: ``total``, the tenant's ``own`` rows, per child."""

    name: str
    module: str
    title: str
    title_en: str
    unit: Unit
    total: int
    own: int
    children: list[ChildFigure]


class RollupOut(msgspec.Struct, kw_only=True):
    """The roll-up of a subtree; ``failed`` names metrics whose query failed this time."""

    tenant: str
    figures: list[Figure]
    failed: list[str]


class MonthFigure(msgspec.Struct, kw_only=True):
    month: str
    value: int


class MonthlySeries(msgspec.Struct, kw_only=True):
    """One figure summed over the subtree per calendar month (``YYYY-MM``), oldest first."""

    name: str
    module: str
    title: str
    title_en: str
    unit: Unit
    months: list[MonthFigure]


class MonthlyOut(msgspec.Struct, kw_only=True):
    """The figures that offer a monthly form, month by month over the subtree."""

    tenant: str
    series: list[MonthlySeries]
    failed: list[str]


def state_views(states: Mapping[str, ModuleState], host: PluginHost) -> list[ModuleStateOut]:
    """Each module's state with its manifest's facts, by module name."""
    views = []
    for name, state in sorted(states.items()):
        manifest = host.manifests[name]
        views.append(
            ModuleStateOut(
                module=name,
                title=manifest.title,
                title_en=manifest.title_en,
                version=manifest.version,
                enabled=state.enabled,
                reason=state.reason,
                decided_by=state.decided_by,
                detail=state.detail,
                requires=list(manifest.requires),
                levels=list(manifest.levels),
            )
        )
    return views


def rollup_view(figures: Mapping[str, Any]) -> RollupOut:
    """The typed answer of :func:`core.modules.rollup.rollup`'s figures."""
    return msgspec.convert(figures, RollupOut)
