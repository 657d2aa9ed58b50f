"""The guard's decision compared with a plain model of the rules over generated trees.

The model walks parent links (no paths, no prefixes): a permission is allowed at a tenant when
some membership is ``platform_admin`` (anywhere, or global), or is held at the tenant or one of
its ancestors with a role the registry grants the permission to; an API token further requires
its tenant among those ancestors and the permission in its set.
"""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from core.identity.access import decide, may_grant
from core.identity.permissions import ROLES, PermissionRegistry, core_permissions
from core.identity.principal import ApiScope, Grant

REGISTRY = PermissionRegistry()
REGISTRY.register_all(core_permissions())
PERMISSIONS = [p.name for p in REGISTRY.all()] + ["plugin:unknown"]


@st.composite
def trees(draw: st.DrawFn) -> list[int | None]:
    """Parent index per node (None: a root); parents come before children."""
    size = draw(st.integers(min_value=1, max_value=12))
    parents: list[int | None] = []
    for i in range(size):
        parents.append(draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None)
    return parents


def ancestors_or_self(parents: list[int | None], node: int) -> set[int]:
    seen: set[int] = set()
    current: int | None = node
    while current is not None:
        seen.add(current)
        current = parents[current]
    return seen


def model(
    parents: list[int | None],
    memberships: list[tuple[int | None, str]],
    node: int,
    permission: str,
    token: tuple[int, frozenset[str]] | None,
) -> bool:
    above = ancestors_or_self(parents, node)
    if token is not None and (token[0] not in above or permission not in token[1]):
        return False
    permission_def = REGISTRY.get(permission)
    defaults = permission_def.default_roles if permission_def else frozenset()
    for held_at, role in memberships:
        if role == "platform_admin":
            return True
        if held_at is not None and held_at in above and role in defaults:
            return True
    return False


def paths(parents: list[int | None]) -> list[str]:
    ids = [uuid.uuid4().hex for _ in parents]
    out: list[str] = []
    for i, parent in enumerate(parents):
        out.append((out[parent] if parent is not None else "/") + ids[i] + "/")
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.data(), parents=trees())
def test_guard_matches_the_plain_model(data: st.DataObject, parents: list[int | None]) -> None:
    nodes = st.integers(0, len(parents) - 1)
    memberships: list[tuple[int | None, str]] = data.draw(
        st.lists(
            st.one_of(
                st.tuples(nodes, st.sampled_from(ROLES)),
                st.tuples(st.none(), st.just("platform_admin")),
            ),
            max_size=4,
        )
    )
    node = data.draw(nodes)
    permission = data.draw(st.sampled_from(PERMISSIONS))
    token = data.draw(
        st.one_of(
            st.none(),
            st.tuples(nodes, st.frozensets(st.sampled_from(PERMISSIONS), max_size=4)),
        )
    )
    tree_paths = paths(parents)
    grants = [
        Grant(None, None, role) if at is None else Grant(None, tree_paths[at], role)
        for at, role in memberships
    ]
    scope = (
        None
        if token is None
        else ApiScope(uuid.uuid4(), uuid.uuid4(), tree_paths[token[0]], token[1])
    )
    assert decide(grants, tree_paths[node], permission, REGISTRY, scope) == model(
        parents, memberships, node, permission, token
    )


@settings(max_examples=200, deadline=None)
@given(
    held=st.lists(st.sampled_from(ROLES), min_size=0, max_size=3),
    wanted=st.sampled_from(ROLES),
)
def test_an_administrator_grants_only_roles_up_to_their_own(held: list[str], wanted: str) -> None:
    path = "/" + uuid.uuid4().hex + "/"
    grants = [Grant(None, path, role) for role in held]
    best = min((ROLES.index(r) for r in held), default=None)
    allowed = (
        best is not None
        and ROLES.index(wanted) >= best
        and (wanted != "platform_admin" or best == 0)
    )
    assert may_grant(grants, path, wanted) == allowed
