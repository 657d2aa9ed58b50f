"""The one access check: does the caller hold, at a tenant or an ancestor, a role granting a
permission? (Placeholder allowing every caller until identity lands; see issue 3.)"""

from __future__ import annotations

from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from core.tenancy.models import Tenant


async def authorize(
    request: Request[Any, Any, Any], session: AsyncSession, tenant: Tenant, permission: str
) -> None:
    """Raise :class:`~core.errors.NotFound` unless the caller may use ``permission`` at ``tenant``."""
    return None
