"""``create_app(settings)``: the one place where the kernel is wired together."""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import structlog
from litestar import Litestar, Request, Router
from litestar._signature import SignatureModel
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.routes import HTTPRoute
from litestar.types import Scope
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, health, prometheus
from core.broadcast import RedisLink
from core.console import collect_pages, console_router
from core.db import Database
from core.errors import EXCEPTION_HANDLERS, add_problem_responses
from core.identity import routes as identity_routes
from core.identity.access import provide_caller, require_user
from core.identity.authn import PRINCIPALS_CHANNEL, PrincipalCache
from core.identity.passwords import hasher_for
from core.identity.permissions import PermissionRegistry, core_permissions
from core.identity.ratelimit import MemoryRateLimiter, RedisRateLimiter
from core.kernel import new_host
from core.logging import configure_logging
from core.middleware import RequestMiddleware
from core.modules import routes as module_routes
from core.modules.dispatch import EventDispatcher
from core.modules.events import HEARING_KEY, PENDING_EVENTS_KEY
from core.modules.host import PluginHost
from core.modules.settings import provide_config
from core.modules.state import ModuleStates
from core.paging import provide_paging
from core.settings import Settings, load_settings
from core.tenancy import routes as tenancy_routes
from core.tenancy.cache import TenantCache
from core.tenancy.models import Tenant
from core.tenancy.resolve import RESOLVED_KEY, provide_tenant, request_session
from core.tenancy.schemas import LevelSchema

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


OPEN_TRANSACTION_KEY = "gongzhi_open_transaction"
log = structlog.get_logger("gongzhi.db")


class RequestTransaction:
    """The request's unit of work as :func:`provide_session` opened it, ended exactly once.

    Litestar ends a generator dependency only if every dependency of the route resolved: when a
    later or sibling dependency raises (``caller`` answering 401, a module's own dependency
    refusing), the already-open session is dropped without its clean-up, keeping its
    transaction (and on SQLite the process's writer lock) until the garbage collector gets to
    it. The request's scope therefore keeps this handle, and :func:`close_abandoned_transaction`
    ends it when the request fails; whichever of the two comes first ends the transaction and
    the other finds nothing to do.
    """

    __slots__ = ("_manager", "open")

    def __init__(self, manager: AbstractAsyncContextManager[AsyncSession]) -> None:
        self._manager = manager
        self.open = False

    async def enter(self) -> AsyncSession:
        session = await self._manager.__aenter__()
        self.open = True
        return session

    async def close(self, error: BaseException | None) -> None:
        """Commit (``error`` None) or roll back, then close the session; once."""
        if not self.open:
            return
        self.open = False
        if error is None:
            await self._manager.__aexit__(None, None, None)
        else:
            await self._manager.__aexit__(type(error), error, error.__traceback__)


async def provide_session(request: Request[Any, Any, Any]) -> AsyncIterator[AsyncSession]:
    """The request's session, inside one transaction committed when the handler returns.

    Litestar throws a handler's exception into this generator, which rolls the transaction
    back; writes are therefore all-or-nothing per request. The transaction starts with the
    request's row-level security context: its tenant (resolved and checked first) and caller.
    A successful state-changing request that wrote no audit record of its own gets a generic
    one (method and route) before commit; an event it emits that no subscriber hears at the
    request's tenant is inserted already delivered. If another dependency of the route fails after this
    one resolved, :func:`close_abandoned_transaction` rolls the transaction back, so no order
    of dependencies can leave it open.
    """
    state = request.app.state
    db: Database = state.db
    write = request.method not in SAFE_METHODS
    transaction = RequestTransaction(request_session(request, db, write=write))
    session = await transaction.enter()
    scope_state = request.scope.setdefault("state", {})
    scope_state[OPEN_TRANSACTION_KEY] = transaction
    if write:
        tenant = scope_state.get(RESOLVED_KEY)
        session.info[HEARING_KEY] = state.dispatcher.hearing_for(
            tenant if isinstance(tenant, Tenant) else None
        )
    try:
        yield session
        if write and not session.info.get(audit.RECORDED_KEY):
            await audit.record_request(session, request)
    except BaseException as error:
        await transaction.close(error)
        raise
    await transaction.close(None)
    events = session.info.pop(PENDING_EVENTS_KEY, None)
    if events:
        await state.dispatcher.dispatch(events)


async def close_abandoned_transaction(error: Exception, scope: Scope) -> None:
    """``after_exception`` hook: roll back and close the session a failed request left open.

    Runs before the error's response is sent, so a client that sees the answer can rely on the
    transaction being over (on SQLite the writer lock free, on PostgreSQL the connection back in
    the pool). A transaction already ended by its dependency's clean-up is left alone.
    """
    transaction = scope.get("state", {}).get(OPEN_TRANSACTION_KEY)
    if not isinstance(transaction, RequestTransaction) or not transaction.open:
        return
    try:
        await transaction.close(error)
    except Exception:
        log.exception("abandoned_transaction_close_failed")


def module_routers(host: PluginHost) -> list[Router]:
    """One router per loaded plugin, at ``/api/v1/tenants/{tenant_key}/{module}``."""
    return [
        Router(
            path=f"/api/v1/tenants/{{tenant_key:str}}/{name}",
            route_handlers=list(plugin.routes),
            opt={"module": name},
            tags=[name],
        )
        for name, plugin in sorted(host.plugins.items())
        if plugin.routes
    ]


def load_plugins(
    settings: Settings, plugins: Sequence[tuple[str, Any]] = (), *, discover: bool = True
) -> PluginHost:
    """Load the installed plugins (and ``plugins``, for tests) as ``settings`` select them."""
    return new_host(settings, plugins, discover=discover)


def create_app(
    settings: Settings | None = None,
    *,
    plugins: Sequence[tuple[str, Any]] = (),
    discover_plugins: bool = True,
) -> Litestar:
    """Build the ASGI application for ``settings`` (default: read from the environment).

    Installed plugins are discovered through the ``gongzhi.plugins`` entry points;
    ``plugins`` adds ``(name, object)`` pairs (the test fixtures use it) and
    ``discover_plugins=False`` loads only those.
    """
    settings = settings or load_settings()
    configure_logging(settings)
    db = Database(settings)
    host = load_plugins(settings, plugins, discover=discover_plugins)
    permissions = PermissionRegistry()
    permissions.register_all(core_permissions())
    permissions.register_all(host.permissions)
    module_states = ModuleStates(host, settings.module_state_ttl)
    dispatcher = EventDispatcher(db, host, module_states)
    background: list[asyncio.Task[None]] = []
    redis = (
        RedisLink(settings.redis_url, prefix=settings.redis_prefix) if settings.redis_url else None
    )
    principal_cache = PrincipalCache()
    if redis is not None:
        module_states.use_redis(redis)
        link = redis
        principal_cache.publish = lambda message: link.publish_soon(PRINCIPALS_CHANNEL, message)
        redis.subscribe(PRINCIPALS_CHANNEL, principal_cache.receive)

    async def start() -> None:
        if db.dialect == "postgresql":
            url = db.engine.url.set(drivername="postgresql")
            await module_states.start_listening(url.render_as_string(hide_password=False))
        if redis is not None:
            await redis.start()
        background.append(asyncio.create_task(dispatcher.run_retries()))

    async def stop() -> None:
        for task in background:
            task.cancel()
        await module_states.stop_listening()
        if redis is not None:
            await redis.close()
        await db.dispose()

    dependencies = {
        "session": Provide(provide_session),
        "tenant": Provide(provide_tenant, sync_to_thread=False),
        "principal": Provide(require_user, sync_to_thread=False),
        "paging": Provide(provide_paging, sync_to_thread=False),
        "caller": Provide(provide_caller, sync_to_thread=False),
        "config": Provide(provide_config),
    }
    app = Litestar(
        route_handlers=[
            *health.ROUTES,
            *prometheus.ROUTES,
            *tenancy_routes.ROUTES,
            *identity_routes.ROUTES,
            *audit.ROUTES,
            *module_routes.ROUTES,
            *module_routers(host),
            console_router(),
        ],
        dependencies=dependencies,
        middleware=[
            DefineMiddleware(RequestMiddleware),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        after_exception=[close_abandoned_transaction],
        plugins=[LevelSchema(settings.tenant_levels)],
        state=State(
            {
                "settings": settings,
                "db": db,
                "host": host,
                "permissions": permissions,
                "module_states": module_states,
                "tenant_cache": TenantCache(settings.module_state_ttl),
                "dispatcher": dispatcher,
                "redis": redis,
                "plugin_locations": host.migration_locations(),
                "password_hasher": hasher_for(settings),
                "login_limiter": RedisRateLimiter(redis) if redis else MemoryRateLimiter(),
                "principal_cache": principal_cache,
                "console_pages": collect_pages(host),
            }
        ),
        on_startup=[start],
        on_shutdown=[stop],
        openapi_config=OpenAPIConfig(
            title="Gongzhi 共治 API",
            version="1",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        request_max_body_size=settings.max_body_bytes,
        debug=False,
    )
    add_problem_responses(app)
    pass_kernel_arguments(app, dependencies)
    return app


KERNEL_ARGUMENTS = frozenset({"request", "session", "tenant"})
"""What the kernel's own dependencies take: the request, and what other kernel dependencies
made of it (:func:`pass_kernel_arguments`)."""
PASSED_PATH_TYPES: frozenset[type] = frozenset({str, int, uuid.UUID})
"""Path parameter types whose value the router has already made exactly as annotated."""


def pass_kernel_arguments(app: Litestar, kernel: Mapping[str, Provide]) -> None:
    """Give the kernel's dependencies (``kernel``) and the route handlers their arguments as
    they were made, without Litestar's check of them, where nothing is left to check.

    Litestar builds every dependency's and handler's arguments through a msgspec model of its
    signature: a struct converted from the request's values and turned back into a
    dictionary, four times per tenant read. What the kernel and the router made is already
    typed: the request; the session, tenant, configuration and caller the kernel's
    dependencies give; a path parameter of type ``str``, ``int`` or ``uuid`` that the router
    parsed to the very type the handler declares. A signature with anything else (a body, a
    query parameter, a default, a constraint, a dependency of a module's own) keeps
    Litestar's check whole.
    """
    for provide in kernel.values():
        _pass_if_made(
            getattr(provide, "signature_model", None), lambda name, _: name in KERNEL_ARGUMENTS
        )
    passed: dict[Any, bool] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        parameters = route.path_parameters
        for handler in route.route_handlers:
            resolved = handler.resolve_dependencies()
            fields = handler.signature_model._fields
            ok = bool(fields) and all(
                _made(name, field, resolved, parameters, kernel) for name, field in fields.items()
            )
            passed[handler] = passed.get(handler, True) and ok
    for handler, ok in passed.items():
        if ok:
            _pass_if_made(handler.signature_model, lambda _n, _f: True)


def _made(
    name: str,
    field: Any,
    resolved: Mapping[str, Provide],
    parameters: Mapping[str, Any],
    kernel: Mapping[str, Provide],
) -> bool:
    """Whether a handler's argument ``name`` is the request, a kernel dependency's value or a
    path parameter the router made exactly as ``field`` declares it."""
    if name == "request":
        return True
    if name in resolved:
        return resolved[name] is kernel.get(name)
    parameter = parameters.get(name)
    return (
        parameter is not None
        and parameter.type in PASSED_PATH_TYPES
        and field.annotation is parameter.type
        and field.kwarg_definition is None
    )


def _pass_if_made(model: Any, made: Callable[[str, Any], bool]) -> None:
    fields = getattr(model, "_fields", None)
    if not fields or any(
        field.has_default or not made(name, field) for name, field in fields.items()
    ):
        return
    model._gongzhi_made = tuple(fields)
    model.parse_values_from_connection_kwargs = classmethod(_as_made)


_checked: Any = vars(SignatureModel)["parse_values_from_connection_kwargs"].__func__


def _as_made(cls: Any, connection: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The arguments the model was vetted with, as made: what Litestar's check returns for
    them (its model's struct keeps those fields even after Litestar's OpenAPI generation adds
    the route's unconsumed path parameters to the signature's fields). Litestar's check itself
    where one is missing."""
    try:
        return {name: kwargs[name] for name in cls._gongzhi_made}
    except KeyError:
        checked: dict[str, Any] = _checked(cls, connection, kwargs)
        return checked


def freeze_startup_objects() -> None:
    """Move every object alive once the application has started out of the garbage
    collector's sight (:func:`gc.freeze`).

    The kernel, the plugins, SQLAlchemy's mappers and Litestar's routes are about 215,000
    objects that live as long as the process; each full collection walked all of them again,
    a pause of tens to hundreds of milliseconds in whichever request was running (the long
    tail of ``make bench``'s latencies). Frozen, a full collection walks only what requests
    have built since.
    """
    gc.collect()
    gc.freeze()


def serve_app() -> Litestar:
    """The application as ``gongzhi serve`` runs it in each worker: :func:`create_app`, and
    once it has started, :func:`freeze_startup_objects`."""
    app = create_app()
    app.on_startup.append(freeze_startup_objects)
    return app
