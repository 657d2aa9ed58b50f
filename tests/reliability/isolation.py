"""The core's side of the tenant-isolation matrix: the kernel's own routes as a plugin-shaped
object with isolation fixtures. The machinery lives in :mod:`core.modules.isolation_matrix`,
where a plugin's own tests reach it too; it is re-exported here for the suite.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping

from core import ApiCall, IsolationFixtures, IsolationTenant
from core.modules.isolation_matrix import (
    OUTSIDERS,
    SEARCH_TERMS,
    TENANT_PREFIX,
    WRITE_METHODS,
    Client,
    Operation,
    World,
    api_call,
    body_mentions,
    build_world,
    check_reads,
    check_write,
    coverage_gap,
    create_at_a,
    ids_for,
    isolation_fixtures_of,
    leaks,
    make_tenant,
    owner_of,
    secrets_of,
    snapshot,
    tenant_operations,
)

__all__ = [
    "OUTSIDERS",
    "PLATFORM_ONLY",
    "SEARCH_TERMS",
    "TENANT_PREFIX",
    "WRITE_METHODS",
    "Client",
    "CoreIsolation",
    "Operation",
    "World",
    "api_call",
    "body_mentions",
    "build_world",
    "check_reads",
    "check_write",
    "coverage_gap",
    "create_at_a",
    "ids_for",
    "isolation_fixtures_of",
    "leaks",
    "make_tenant",
    "owner_of",
    "secrets_of",
    "snapshot",
    "tenant_operations",
]


class CoreIsolation:
    """The kernel's own tenant routes (tree, members, API tokens, modules): a plugin-shaped
    object so the matrix treats the kernel like any module."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.serial = itertools.count(1)

    def fixtures(self) -> IsolationFixtures:
        async def create(call: ApiCall, tenant: IsolationTenant) -> Mapping[str, str]:
            n = next(self.serial)
            member = await call(
                "POST",
                "/members",
                {"username": f"iso-staff-{uuid.uuid4().hex[:8]}", "role": "staff"},
            )
            token = await call(
                "POST", "/api-tokens", {"name": f"导出{n}", "permissions": ["tenants:read"]}
            )
            return {
                "membership_id": str(member["id"]),
                "token_id": str(token["id"]),
                "module": self.module,
            }

        return IsolationFixtures(
            create=create,
            bodies={
                "PATCH /": lambda ids: {"name": "改名后的街道"},
                "POST /children": lambda ids: {
                    "slug": f"iso-new-{uuid.uuid4().hex[:8]}",
                    "name": "新社区",
                    "kind": "社区",
                },
                "POST /move": lambda ids: {"parent": ids["other_district"]},
                "POST /archive": lambda ids: None,
                "POST /members": lambda ids: {
                    "username": f"iso-new-{uuid.uuid4().hex[:8]}",
                    "role": "member",
                },
                "DELETE /members/{membership_id}": lambda ids: None,
                "PATCH /members/{membership_id}": lambda ids: {"role": "member"},
                "POST /members/{membership_id}/password-reset": lambda ids: {},
                "POST /members/{membership_id}/disable": lambda ids: None,
                "POST /members/{membership_id}/enable": lambda ids: None,
                "POST /api-tokens": lambda ids: {"name": "统计", "permissions": ["metrics:read"]},
                "DELETE /api-tokens/{token_id}": lambda ids: None,
                "PUT /modules/{module}": lambda ids: {"enabled": True},
                "PUT /modules/{module}/policy": lambda ids: {"policy": "required"},
            },
        )


PLATFORM_ONLY = frozenset({"POST /move"})
"""Core operations whose success at A needs more than A's own administrator (a move needs the
new parent too); their positive control runs as the platform administrator."""
