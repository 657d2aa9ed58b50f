"""Telling enabled plugins that a tenant was created."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.modules.host import PluginHost
from core.modules.state import ModuleStates, call_async_hook
from core.tenancy.models import Tenant


async def announce_tenant_created(
    session: AsyncSession, host: PluginHost, states: ModuleStates, tenant: Tenant
) -> None:
    """Call ``gongzhi_tenant_created`` for the plugins on at ``tenant``, in its transaction."""
    enabled = await states.enabled_modules(session, tenant)
    caller = host.hook_for("gongzhi_tenant_created", enabled)
    await call_async_hook(caller, session=session, tenant=tenant)
