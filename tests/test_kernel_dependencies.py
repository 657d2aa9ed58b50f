"""The kernel's dependencies and the route handlers take their arguments as Litestar, the
router and the kernel made them (:func:`core.app.pass_kernel_arguments`); a signature with
anything else to check keeps Litestar's check."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Litestar, Router, get
from litestar.di import Provide
from litestar.params import Parameter
from litestar.testing import AsyncTestClient

from core.app import _as_made, pass_kernel_arguments


def _passed(provide: Any) -> bool:
    model: Any = provide.signature_model
    return model.parse_values_from_connection_kwargs.__func__ is _as_made


def _handlers(app: Litestar) -> dict[str, Any]:
    return {
        handler.handler_name: handler
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
    }


def test_the_kernel_s_own_dependencies_skip_litestar_s_check(app: Litestar) -> None:
    dependencies: dict[str, Any] = app.dependencies
    for name in ("session", "tenant", "principal", "caller", "config"):
        assert _passed(dependencies[name]), name
    assert not _passed(dependencies["paging"])


async def test_a_dependency_with_anything_but_kernel_arguments_keeps_its_check() -> None:
    """A request value (a query parameter) or a default keeps Litestar's conversion and its
    400 for a bad value; the request itself is passed through as it is."""

    def provide_limit(request: Any, limit: int) -> int:
        return limit

    def provide_path(request: Any) -> str:
        return str(request.url.path)

    def provide_default(request: Any = None) -> str:
        return "default"

    @get("/probe", sync_to_thread=False)
    def probe(size: int, where: str, default: str) -> dict[str, Any]:
        return {"size": size, "where": where, "default": default}

    dependencies = {
        "size": Provide(provide_limit, sync_to_thread=False),
        "where": Provide(provide_path, sync_to_thread=False),
        "default": Provide(provide_default, sync_to_thread=False),
    }
    app = Litestar(route_handlers=[probe], dependencies=dependencies)
    pass_kernel_arguments(app, dependencies)
    assert _passed(dependencies["where"])
    assert not _passed(dependencies["size"])
    assert not _passed(dependencies["default"])
    async with AsyncTestClient(app=app) as client:
        answered = await client.get("/probe?limit=7")
        assert answered.json() == {"size": 7, "where": "/probe", "default": "default"}
        assert (await client.get("/probe?limit=seven")).status_code == 400


def test_a_module_s_handlers_skip_it_where_the_kernel_and_router_made_everything(
    app: Litestar,
) -> None:
    """A volunteer's read takes the tenant, session, configuration and a UUID the router
    parsed: passed. Its creation takes a body, the list query filters: checked."""
    handlers = _handlers(app)
    assert _passed(handlers["get_volunteer"])
    assert not _passed(handlers["create_volunteer"])
    assert not _passed(handlers["list_volunteers"])


async def test_a_path_parameter_with_a_constraint_or_another_type_keeps_its_check() -> None:
    @get("/plain/{item:uuid}", sync_to_thread=False)
    def plain(item: uuid.UUID) -> str:
        return str(item)

    @get("/bounded/{number:int}", sync_to_thread=False)
    def bounded(number: Annotated[int, Parameter(ge=1)]) -> int:
        return number

    @get("/widened/{number:int}", sync_to_thread=False)
    def widened(number: float) -> float:
        return number

    app = Litestar(route_handlers=[plain, bounded, widened])
    pass_kernel_arguments(app, {})
    handlers = _handlers(app)
    assert _passed(handlers["plain"])
    assert not _passed(handlers["bounded"])
    assert not _passed(handlers["widened"])
    item = uuid.uuid4()
    async with AsyncTestClient(app=app) as client:
        assert (await client.get(f"/plain/{item}")).text == str(item)
        assert (await client.get("/plain/not-a-uuid")).status_code in {400, 404}
        assert (await client.get("/bounded/0")).status_code == 400
        assert (await client.get("/bounded/3")).json() == 3
        assert (await client.get("/widened/3")).json() == 3.0


async def test_a_passed_handler_still_answers_after_the_openapi_document_was_built() -> None:
    """Building the OpenAPI document adds a route's unconsumed path parameters to the fields
    of its handler's signature (``tenant_key`` on every module route): the handler keeps
    getting exactly the arguments it declares."""

    @get("/items/{item:uuid}", sync_to_thread=False)
    def item(item: uuid.UUID) -> str:
        return str(item)

    app = Litestar(route_handlers=[Router(path="/t/{key:str}", route_handlers=[item])])
    pass_kernel_arguments(app, {})
    handler = _handlers(app)["item"]
    assert _passed(handler)
    assert app.openapi_schema.paths is not None
    assert "key" in handler.signature_model._fields
    wanted = uuid.uuid4()
    async with AsyncTestClient(app=app) as client:
        answered = await client.get(f"/t/district/items/{wanted}")
        assert answered.status_code == 200, answered.text
        assert answered.text == str(wanted)
