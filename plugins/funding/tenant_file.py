"""The ``funding:`` key of tenant nodes in ``gongzhi tenants apply`` files: the calls a tenant
runs (its yearly 公益创投, a town's 微公益 round), declared with the tenant.

    - slug: wangcheng
      funding:
        calls:
          - title: 望城区2025年社区公益创投
            funder_kind: foundation          # foundation, government or enterprise
            funder_name: 湖南省社会组织发展基金会
            pool_fen: 30000000               # the pool in fen (300,000 yuan)
            opens_on: 2025-03-01
            closes_on: 2025-04-30
            tranche_plan:                    # optional, as the other rules below
              - {title: 签订协议后, percent: 50, trigger: agreement}
              - {title: 结项评估通过后, percent: 50, trigger: closing}

A call takes the fields of ``POST .../funding/calls``; rules left out (categories, eligibility,
criteria, tranche plan) come from the tenant's funding settings (``settings: modules: funding:``,
where the transparency setting also lives). Every call is checked before anything is written:
its fields, dates in order, criteria weights summing to 100, a tranche plan in lifecycle order
summing to 100, no title twice. A call that exists at the tenant (by title) is left as it is,
pool and ledger included, so a second apply changes nothing.
"""

from __future__ import annotations

from typing import Any

import msgspec
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import LineError, PlanLine, Tenant, error_at, module_settings
from plugins.funding import rules
from plugins.funding.calls import services as calls
from plugins.funding.calls.schemas import CallCreate
from plugins.funding.manifest import MANIFEST
from plugins.funding.models import Call

SECTION = "funding"
SHAPE = "expected calls: [...]"


class SectionSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    calls: list[CallCreate] = msgspec.field(default_factory=list)


def _construct(node: yaml.Node) -> Any:
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _call_nodes(value: yaml.MappingNode) -> list[yaml.Node]:
    for key, item in value.value:
        if key.value == "calls" and isinstance(item, yaml.SequenceNode):
            return list(item.value)
    return []


def _check_call(node: yaml.Node, index: int, call: CallCreate) -> list[LineError]:
    field = f"{SECTION}.calls[{index}]"
    found: list[LineError] = []
    if call.closes_on < call.opens_on:
        found.append(error_at(node, f"{field}.closes_on", "closes before it opens"))
    checks: list[tuple[str, Any, Any]] = [
        ("criteria", call.criteria, rules.check_criteria),
        ("tranche_plan", call.tranche_plan, rules.check_tranche_plan),
    ]
    for name, given, check in checks:
        if given is None:
            continue
        try:
            check([msgspec.structs.asdict(item) for item in given])
        except rules.RuleError as error:
            found.append(error_at(node, f"{field}.{name}", error.message_en))
    return found


class FundingSection:
    """Declares the funding calls a tenant runs."""

    name = SECTION

    def validate(self, value: yaml.Node, settings: Any) -> list[LineError]:
        if not isinstance(value, yaml.MappingNode):
            return [error_at(value, SECTION, SHAPE)]
        nodes = _call_nodes(value)
        try:
            data = _construct(value)
            msgspec.convert(data, SectionSpec)
        except yaml.YAMLError as exc:
            return [error_at(value, SECTION, str(exc).splitlines()[0])]
        except msgspec.ValidationError as exc:
            calls_data = data.get("calls") if isinstance(data, dict) else None
            if not isinstance(calls_data, list) or len(calls_data) != len(nodes):
                return [error_at(value, SECTION, f"{SHAPE}: {exc}")]
            found = []
            for index, (node, item) in enumerate(zip(nodes, calls_data, strict=True)):
                try:
                    msgspec.convert(item, CallCreate)
                except msgspec.ValidationError as item_exc:
                    found.append(error_at(node, f"{SECTION}.calls[{index}]", str(item_exc)))
            return found or [error_at(value, SECTION, str(exc))]
        spec = msgspec.convert(data, SectionSpec)
        found = []
        seen: set[str] = set()
        for index, (node, call) in enumerate(zip(nodes, spec.calls, strict=True)):
            found.extend(_check_call(node, index, call))
            title = call.title.strip()
            if title in seen:
                found.append(
                    error_at(node, f"{SECTION}.calls[{index}].title", "a call is named twice")
                )
            seen.add(title)
        return found

    async def apply(
        self, session: AsyncSession, settings: Any, tenant: Tenant, value: yaml.Node
    ) -> list[PlanLine]:
        spec = msgspec.convert(_construct(value), SectionSpec)
        config = await module_settings(session, tenant, MANIFEST)
        lines: list[PlanLine] = []
        for call in spec.calls:
            title = call.title.strip()
            subject = f"funding call {title} at {tenant.slug}"
            found = await session.scalar(
                select(Call.id).where(Call.tenant_id == tenant.id, Call.title == title).limit(1)
            )
            if found is not None:
                lines.append(PlanLine("unchanged", subject))
                continue
            await calls.create(session, tenant, call, config, None)
            lines.append(PlanLine("create", subject, f"{call.pool_fen} fen"))
        return lines
