"""What a module gives the tenant-isolation matrix so that every one of its routes is covered.

The matrix (tests/reliability/test_isolation_matrix.py) walks the OpenAPI document; for each
tenant route it needs real ids of tenant A's resources for the path parameters and a valid
request body for writes. A module supplies both in ``Manifest.isolation``: a
``create`` script that makes one of each of its resources at A through the API (as A's
administrator) and returns their ids keyed by path-parameter name, and a body per write
operation. An operation whose parameters or body nobody supplies fails the matrix, so a new
endpoint cannot escape it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ApiCall = Callable[[str, str, Any], Awaitable[Any]]
"""``await call(method, path, body)`` as A's administrator: ``path`` is relative to
``/api/v1/tenants/{A}`` (for example ``/five-sector/volunteers``) unless it starts with
``/api/`` (``/api/v1/me``); returns the decoded JSON and fails on any non-2xx."""


@dataclass(frozen=True, slots=True)
class IsolationTenant:
    """Tenant A of the matrix: its key and the keys of its children by tenant kind (the
    matrix gives A two communities of kind 社区 and two villages of kind 村)."""

    key: str
    children: Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class IsolationFixtures:
    """How to make data at tenant A, and the body of each write operation.

    ``bodies`` is keyed ``"METHOD /path"`` with the path relative to
    ``/api/v1/tenants/{tenant_key}`` exactly as in the OpenAPI document (for example
    ``"POST /five-sector/volunteers/{volunteer_id}/entries"``); each value builds the body from
    the ids ``create`` returned. ``create`` is called afresh for every write operation, so a
    body may consume what it names (close an activity, reverse an entry). ``create`` may return
    other named values beside the ids (tenant keys a body needs). ``path_ids`` picks, for an
    operation, which returned value fills a path parameter when it is not the one of the same
    name (a rating needs the organisation that is registered).
    """

    create: Callable[[ApiCall, IsolationTenant], Awaitable[Mapping[str, str]]]
    bodies: Mapping[str, Callable[[Mapping[str, str]], Any]] = field(default_factory=dict)
    path_ids: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
