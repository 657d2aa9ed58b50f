"""The kernel's dependencies take their arguments as Litestar and the kernel made them
(:func:`core.app.pass_kernel_arguments`); a dependency with anything else to check keeps
Litestar's check."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from core.app import _as_made, pass_kernel_arguments


def _passed(provide: Provide) -> bool:
    model: Any = provide.signature_model
    return model.parse_values_from_connection_kwargs.__func__ is _as_made


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
    pass_kernel_arguments(dependencies.values())
    assert _passed(dependencies["where"])
    assert not _passed(dependencies["size"])
    assert not _passed(dependencies["default"])
    async with AsyncTestClient(app=app) as client:
        answered = await client.get("/probe?limit=7")
        assert answered.json() == {"size": 7, "where": "/probe", "default": "default"}
        assert (await client.get("/probe?limit=seven")).status_code == 400
