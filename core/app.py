"""``create_app(settings)``: the one place where the kernel is wired together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, health
from core.db import Database
from core.errors import EXCEPTION_HANDLERS
from core.identity import routes as identity_routes
from core.identity.access import require_user
from core.identity.authn import AuthenticationMiddleware, PrincipalCache
from core.identity.passwords import hasher_for
from core.identity.permissions import PermissionRegistry, core_permissions
from core.identity.ratelimit import MemoryRateLimiter
from core.logging import RequestContextMiddleware, configure_logging
from core.settings import Settings, load_settings
from core.tenancy import routes as tenancy_routes
from core.tenancy.resolve import provide_tenant

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def provide_session(
    request: Request[Any, Any, Any], state: State
) -> AsyncIterator[AsyncSession]:
    """The request's session, inside one transaction committed when the handler returns.

    Litestar throws a handler's exception into this generator, which rolls the transaction
    back; writes are therefore all-or-nothing per request. A successful state-changing request
    that wrote no audit record of its own gets a generic one (method and route) before commit.
    """
    db: Database = state.db
    write = request.method not in SAFE_METHODS
    async with db.session(write=write) as session:
        yield session
        if write and not session.info.get(audit.RECORDED_KEY):
            await audit.record_request(session, request)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the ASGI application for ``settings`` (default: read from the environment)."""
    settings = settings or load_settings()
    configure_logging(settings)
    db = Database(settings)
    permissions = PermissionRegistry()
    permissions.register_all(core_permissions())

    async def dispose_db() -> None:
        await db.dispose()

    return Litestar(
        route_handlers=[
            *health.ROUTES,
            *tenancy_routes.ROUTES,
            *identity_routes.ROUTES,
            *audit.ROUTES,
        ],
        dependencies={
            "session": Provide(provide_session),
            "tenant": Provide(provide_tenant),
            "principal": Provide(require_user),
        },
        middleware=[
            DefineMiddleware(RequestContextMiddleware),
            DefineMiddleware(AuthenticationMiddleware),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        state=State(
            {
                "settings": settings,
                "db": db,
                "plugin_locations": [],
                "permissions": permissions,
                "password_hasher": hasher_for(settings),
                "login_limiter": MemoryRateLimiter(),
                "principal_cache": PrincipalCache(),
            }
        ),
        on_shutdown=[dispose_db],
        openapi_config=OpenAPIConfig(
            title="Gongzhi 共治 API",
            version="1",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        request_max_body_size=settings.max_body_bytes,
        debug=False,
    )
