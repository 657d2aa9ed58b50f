"""HTTP routes of the plugin host: module states per tenant, and roll-up figures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, put
from litestar.datastructures import State
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit
from core.modules.rollup import monthly, rollup
from core.modules.schemas import (
    ChoiceIn,
    ModulePolicyOut,
    ModuleStateOut,
    ModuleStatesOut,
    MonthlyOut,
    PolicyIn,
    RollupOut,
    rollup_view,
    state_views,
)
from core.modules.state import ModuleStates
from core.tenancy.models import Tenant


class ModulesController(Controller):
    path = "/api/v1/tenants/{tenant_key:str}"
    tags = ["modules"]  # noqa: RUF012

    @get("/modules", opt={"permission": "modules:read"}, summary="Module states at a tenant")
    async def list_modules(
        self, state: State, session: AsyncSession, tenant: Tenant
    ) -> ModuleStatesOut:
        """Every installed module with its effective state here and the rule that decided it."""
        states: ModuleStates = state.module_states
        return ModuleStatesOut(
            tenant=tenant.slug, items=state_views(await states.states(session, tenant), state.host)
        )

    @put(
        "/modules/{module:str}",
        opt={"permission": "modules:manage"},
        summary="Switch a module on or off for this tenant",
    )
    async def set_choice(
        self, state: State, session: AsyncSession, tenant: Tenant, module: str, data: ChoiceIn
    ) -> ModuleStateOut:
        states: ModuleStates = state.module_states
        previous, after = await states.set_choice(session, tenant, module, data.enabled)
        await _audit(session, tenant, "modules.choice", module, previous, data.enabled)
        return state_views({module: after}, state.host)[0]

    @put(
        "/modules/{module:str}/policy",
        opt={"permission": "modules:manage"},
        summary="Set a module's policy for this tenant's subtree",
    )
    async def set_policy(
        self, state: State, session: AsyncSession, tenant: Tenant, module: str, data: PolicyIn
    ) -> ModulePolicyOut:
        states: ModuleStates = state.module_states
        previous, after = await states.set_policy(session, tenant, module, data.policy)
        await _audit(session, tenant, "modules.policy", module, previous, data.policy)
        view = state_views({module: after}, state.host)[0]
        return ModulePolicyOut(**msgspec.structs.asdict(view), policy=data.policy)

    @get("/metrics", opt={"permission": "metrics:read"}, summary="Roll-up figures of a subtree")
    async def metrics(self, state: State, session: AsyncSession, tenant: Tenant) -> RollupOut:
        """Figures of the modules enabled here, summed over the subtree and per child."""
        states: ModuleStates = state.module_states
        enabled = await states.enabled_modules(session, tenant)
        return rollup_view(await rollup(session, state.host, tenant, enabled))

    @get(
        "/metrics/monthly",
        opt={"permission": "metrics:read"},
        summary="Figures of a subtree by month, for trends",
    )
    async def metrics_monthly(
        self,
        state: State,
        session: AsyncSession,
        tenant: Tenant,
        months: Annotated[int, Parameter(ge=1, le=36)] = 12,
    ) -> MonthlyOut:
        """The figures whose module offers a monthly form, summed per calendar month (UTC) over
        the subtree for the last ``months`` months, this one included."""
        states: ModuleStates = state.module_states
        enabled = await states.enabled_modules(session, tenant)
        today = datetime.now(UTC).date()
        found = await monthly(session, state.host, tenant, enabled, today=today, months=months)
        return msgspec.convert(found, MonthlyOut)


async def _audit(
    session: AsyncSession, tenant: Tenant, action: str, module: str, before: Any, after: Any
) -> None:
    """Record a module switch or policy change of ``tenant`` with its value before and after."""
    await audit.record(
        session,
        action=action,
        target_type="module",
        target_id=module,
        tenant_id=tenant.id,
        before={"value": before},
        after={"value": after},
    )


ROUTES = [ModulesController]
