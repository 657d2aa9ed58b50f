"""The ``modules:`` key of tenant nodes in ``gongzhi tenants apply`` files.

    - slug: gaotangling
      modules:
        five-sector: {policy: required}     # for the whole subtree
        deliberation-hall: {enabled: true}  # this tenant's own choice

Each entry goes through the same rules as the API (a deeper policy only narrows, a choice
cannot contradict a policy above, dependencies hold), inside the apply's transaction.
"""

from __future__ import annotations

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.modules.host import PluginHost
from core.modules.manifest import POLICIES
from core.modules.models import ModuleChoice, ModulePolicy
from core.modules.state import ModuleStates
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.provisioning import LineError, PlanLine, error_at

_ENTRY_KEYS = ("policy", "enabled")


def _entries(value: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
    return list(value.value) if isinstance(value, yaml.MappingNode) else []


class ModulesSection:
    """Validates and applies module policies and choices declared per tenant."""

    name = "modules"

    def __init__(self, host: PluginHost) -> None:
        self.host = host

    def validate(self, value: yaml.Node, settings: Settings) -> list[LineError]:
        if not isinstance(value, yaml.MappingNode):
            return [error_at(value, "modules", "expected a mapping of module name to settings")]
        installed = self.host.manifests
        errors: list[LineError] = []
        for key, entry in _entries(value):
            name = key.value
            if name not in installed:
                errors.append(error_at(key, f"modules.{name}", "no installed module of that name"))
                continue
            if not isinstance(entry, yaml.MappingNode) or not entry.value:
                errors.append(
                    error_at(entry, f"modules.{name}", "expected {policy: …} and/or {enabled: …}")
                )
                continue
            for field_node, field_value in entry.value:
                field = f"modules.{name}.{field_node.value}"
                if field_node.value not in _ENTRY_KEYS:
                    errors.append(error_at(field_node, field, "unknown field (policy, enabled)"))
                elif field_node.value == "policy" and field_value.value not in POLICIES:
                    errors.append(
                        error_at(field_value, field, f"expected one of {', '.join(POLICIES)}")
                    )
                elif field_node.value == "enabled" and field_value.tag != "tag:yaml.org,2002:bool":
                    errors.append(error_at(field_value, field, "expected true or false"))
        return errors

    async def apply(
        self, session: AsyncSession, settings: Settings, tenant: Tenant, value: yaml.Node
    ) -> list[PlanLine]:
        states = ModuleStates(self.host, settings.module_state_ttl)
        lines: list[PlanLine] = []
        for key, entry in _entries(value):
            name = key.value
            fields = {k.value: v.value for k, v in entry.value}
            subject = f"module {name} at {tenant.slug}"
            if "policy" in fields:
                current = await session.scalar(
                    select(ModulePolicy.policy).where(
                        ModulePolicy.tenant_id == tenant.id, ModulePolicy.module == name
                    )
                )
                if current == fields["policy"]:
                    lines.append(PlanLine("unchanged", subject, f"policy {current}"))
                else:
                    await states.set_policy(session, tenant, name, fields["policy"])
                    lines.append(PlanLine("update", subject, f"policy {fields['policy']}"))
            if "enabled" in fields:
                enabled = fields["enabled"].lower() == "true"
                current_choice = await session.scalar(
                    select(ModuleChoice.enabled).where(
                        ModuleChoice.tenant_id == tenant.id, ModuleChoice.module == name
                    )
                )
                if current_choice is enabled:
                    lines.append(PlanLine("unchanged", subject, f"enabled {enabled}"))
                else:
                    await states.set_choice(session, tenant, name, enabled)
                    lines.append(PlanLine("update", subject, f"enabled {str(enabled).lower()}"))
        return lines
