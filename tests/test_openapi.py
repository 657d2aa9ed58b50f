"""The OpenAPI document of an app with every installed plugin says what the server sends.

Every operation declares a typed 2xx body (a schema with properties or items, not a bare
object; a file or text answer names its media type), or no body for a 204; every operation
declares the RFC 9457 problem answers it can give; request bodies publish the rules the server
enforces. A generated client and the console are written from this document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.errors import PROBLEM_MEDIA_TYPE
from core.settings import Settings

Client = AsyncTestClient[Litestar]
Operation = tuple[str, str, dict[str, Any]]
JSON = "application/json"
MODULE_PREFIX = "/api/v1/tenants/{tenant_key}/"
CORE_TENANT_SEGMENTS = frozenset(
    {"children", "subtree", "move", "archive", "members", "api-tokens", "audit", "modules",
     "metrics"}
)  # fmt: skip
FIVE_SECTOR = "five-sector"


async def document(client: Client) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    doc: dict[str, Any] = response.json()
    return doc


def operations(doc: dict[str, Any]) -> Iterator[Operation]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete"}:
                yield path, method, operation


def module_of(path: str) -> str | None:
    """The module whose router serves ``path`` (None for the kernel's own routes)."""
    if not path.startswith(MODULE_PREFIX):
        return None
    segment = path.removeprefix(MODULE_PREFIX).split("/")[0]
    return None if segment in CORE_TENANT_SEGMENTS or not segment else segment


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = doc["components"]["schemas"][name]
    return schema


def is_typed(doc: dict[str, Any], schema: dict[str, Any] | None) -> bool:
    """A schema that says what it holds: properties, items, an enum or a scalar type; not an
    empty schema nor an object described only by ``additionalProperties``."""
    if not schema:
        return False
    schema = resolve(doc, schema)
    for union in ("oneOf", "anyOf", "allOf"):
        if union in schema:
            return all(is_typed(doc, part) for part in schema[union])
    if schema.get("properties") or "enum" in schema:
        return True
    if schema.get("type") == "array":
        return is_typed(doc, schema.get("items"))
    return schema.get("type") in {"string", "integer", "number", "boolean", "null"}


def untyped_answers(doc: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    """Why the operation's 2xx answers are not typed (empty when they are)."""
    found: list[str] = []
    successes = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
    if not successes:
        return ["no 2xx answer"]
    for code, response in successes.items():
        content = response.get("content") or {}
        if code == "204":
            if content:
                found.append("204 declares a body")
            continue
        if not content:
            found.append(f"{code} declares no body")
        for media_type, body in content.items():
            if media_type == JSON and not is_typed(doc, body.get("schema")):
                found.append(f"{code} {media_type} is untyped")
            elif media_type != JSON and not body.get("schema"):
                found.append(f"{code} {media_type} has no schema")
    return found


def expected_problems(path: str, method: str) -> set[str]:
    expected = {"400"}
    if path.startswith("/api/v1/tenants/"):
        expected |= {"401", "404"}
        if method != "get":
            expected |= {"409", "422"}
    return expected


def missing_problems(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    found: list[str] = []
    responses = operation["responses"]
    for code in sorted(expected_problems(path, method) - set(responses)):
        found.append(f"no {code} answer")
    for code, response in responses.items():
        if not code.startswith("4"):
            continue
        content = response.get("content") or {}
        schema = content.get(PROBLEM_MEDIA_TYPE, {}).get("schema", {})
        if list(content) != [PROBLEM_MEDIA_TYPE] or schema.get("$ref", "").split("/")[-1] != (
            "ProblemDetails"
        ):
            found.append(f"{code} is not a problem-details answer")
    return found


def problems_of(doc: dict[str, Any], *, five_sector: bool) -> list[str]:
    found: list[str] = []
    for path, method, operation in operations(doc):
        if (module_of(path) == FIVE_SECTOR) != five_sector:
            continue
        label = f"{method.upper()} {path}"
        found += [f"{label}: {why}" for why in untyped_answers(doc, operation)]
        found += [f"{label}: {why}" for why in missing_problems(path, method, operation)]
    return found


async def test_every_core_operation_declares_a_typed_answer_and_its_problems(
    client: Client,
) -> None:
    doc = await document(client)
    assert sum(1 for _ in operations(doc)) > 20
    assert problems_of(doc, five_sector=False) == []


async def test_every_five_sector_operation_declares_a_typed_answer_and_its_problems(
    client: Client,
) -> None:
    doc = await document(client)
    assert any(module_of(path) == FIVE_SECTOR for path, _, _ in operations(doc))
    assert problems_of(doc, five_sector=True) == []


async def test_module_operations_get_their_problem_answers_from_the_app(client: Client) -> None:
    """A module declares nothing: the routers the plugin host mounts get the problem answers."""
    doc = await document(client)
    modules = [(p, m, op) for p, m, op in operations(doc) if module_of(p) is not None]
    assert modules
    assert [
        f"{method.upper()} {path}: {why}"
        for path, method, operation in modules
        for why in missing_problems(path, method, operation)
    ] == []


async def test_the_problem_schema_is_what_the_errors_module_sends(client: Client) -> None:
    doc = await document(client)
    problem = doc["components"]["schemas"]["ProblemDetails"]
    assert set(problem["required"]) == {"type", "title", "status"}
    assert {"type", "title", "title_en", "status", "detail", "instance", "errors"} <= set(
        problem["properties"]
    )
    field_error = resolve(doc, problem["properties"]["errors"]["oneOf"][0]["items"])
    assert set(field_error["required"]) == {"field", "message", "message_en"}
    # Litestar's own ValidationException schema is gone: a 400 is a problem too.
    assert "ValidationException" not in str(doc["components"]["schemas"])


async def test_file_and_text_answers_declare_their_media_type(client: Client) -> None:
    doc = await document(client)
    exposition = doc["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert [media_type.split(";")[0] for media_type in exposition] == ["text/plain"]


def field_schema(doc: dict[str, Any], component: str, field: str) -> dict[str, Any]:
    """A field's schema with a nullable union folded into it."""
    schema: dict[str, Any] = dict(doc["components"]["schemas"][component]["properties"][field])
    for part in schema.pop("oneOf", []):
        if part.get("type") != "null":
            schema.update(part)
    return schema


async def test_request_bodies_publish_the_rules_the_server_enforces(
    client: Client, settings: Settings
) -> None:
    doc = await document(client)
    slug = field_schema(doc, "TenantCreate", "slug")
    assert (slug["minLength"], slug["maxLength"]) == (2, 63)
    assert slug["pattern"] == "^[a-z0-9]+(-[a-z0-9]+)*$"
    assert field_schema(doc, "TenantCreate", "name")["maxLength"] == 100
    assert field_schema(doc, "TenantCreate", "division_code")["pattern"] == (
        "^([0-9]{6}|[0-9]{9}|[0-9]{12})$"
    )
    year = field_schema(doc, "TenantCreate", "division_year")
    assert (year["minimum"], year["maximum"]) == (1980, 2100)
    for body in ("TenantCreate", "TenantUpdate"):
        assert field_schema(doc, body, "level")["enum"] == list(settings.tenant_levels)
    assert field_schema(doc, "TenantUpdate", "status")["enum"] == [
        "active",
        "suspended",
        "archived",
    ]
    assert field_schema(doc, "TenantUpdate", "slug")["pattern"] == slug["pattern"]
    assert field_schema(doc, "MemberData", "role")["enum"] == [
        "platform_admin",
        "admin",
        "staff",
        "member",
    ]
    assert field_schema(doc, "MemberData", "password")["minLength"] == 8
    assert field_schema(doc, "ApiTokenData", "expires_in")["minimum"] == 60
    assert field_schema(doc, "ApiTokenData", "permissions")["minItems"] == 1
    assert field_schema(doc, "PolicyIn", "policy")["enum"] == ["required", "allowed", "forbidden"]
    children = doc["paths"]["/api/v1/tenants/{tenant_key}/children"]["get"]["parameters"]
    limit = next(p for p in children if p["name"] == "limit")["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, 200)
