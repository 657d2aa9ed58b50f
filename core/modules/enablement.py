"""Whether a module is on at a tenant, and why: the pure rules.

Inputs are plain data so the same function serves requests, the API that explains states, and
the property-based test that checks it against a model:

1. Policy chain, root first: the first ancestor (the tenant itself included) whose policy for
   the module is not ``allowed`` decides: ``forbidden`` → off, ``required`` → on. An ancestor's
   authority prevails over a deeper tenant's. With no policy anywhere, the manifest's
   ``default_policy`` applies as if set at the root.
2. Otherwise the tenant's own choice; with none, the manifest's ``default_enabled``.
3. Level restriction: a module declaring ``levels`` is off at any other level.
4. Dependencies: a module is off wherever a module it requires is off.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from core.modules.manifest import Manifest, Policy

Reason = Literal["policy", "choice", "default", "level", "dependency"]
_NARROWER: dict[str, frozenset[str]] = {
    "allowed": frozenset({"allowed", "required", "forbidden"}),
    "required": frozenset({"required"}),
    "forbidden": frozenset({"forbidden"}),
}


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One tenant on the path from the root to the tenant asked about (inclusive)."""

    tenant_id: uuid.UUID
    slug: str
    policies: Mapping[str, Policy]


@dataclass(frozen=True, slots=True)
class ModuleState:
    """The effective state of one module at one tenant, with the rule that decided it."""

    module: str
    enabled: bool
    reason: Reason
    decided_by: str | None = None
    detail: str = ""


def policy_at(chain: Sequence[ChainLink], manifest: Manifest) -> tuple[Policy, ChainLink | None]:
    """The policy in force at the last link of ``chain`` and the link that set it (None: default)."""
    for link in chain:
        policy = link.policies.get(manifest.name, "allowed")
        if policy != "allowed":
            return policy, link
    return manifest.default_policy, None


def may_set_policy(chain_above: Sequence[ChainLink], manifest: Manifest, policy: Policy) -> bool:
    """Whether a tenant below ``chain_above`` may set ``policy``: a deeper policy only narrows."""
    inherited, _ = policy_at(chain_above, manifest)
    return policy in _NARROWER[inherited]


def effective_states(
    manifests: Mapping[str, Manifest],
    chain: Sequence[ChainLink],
    level: str,
    choices: Mapping[str, bool],
) -> dict[str, ModuleState]:
    """The state of every module at the last tenant of ``chain``."""
    own: dict[str, ModuleState] = {}
    for name, manifest in manifests.items():
        policy, link = policy_at(chain, manifest)
        decided_by = link.slug if link else None
        if policy == "forbidden":
            state = ModuleState(name, False, "policy", decided_by, "forbidden")
        elif policy == "required":
            state = ModuleState(name, True, "policy", decided_by, "required")
        elif name in choices:
            state = ModuleState(name, choices[name], "choice", chain[-1].slug if chain else None)
        else:
            state = ModuleState(name, manifest.default_enabled, "default")
        if state.enabled and manifest.levels and level not in manifest.levels:
            state = ModuleState(name, False, "level", None, f"not used at level {level}")
        own[name] = state

    resolved: dict[str, ModuleState] = {}

    def resolve(name: str, visiting: frozenset[str]) -> ModuleState:
        if name in resolved:
            return resolved[name]
        state = own[name]
        if state.enabled:
            for required in manifests[name].requires:
                if required in visiting or required not in own:
                    state = ModuleState(name, False, "dependency", None, f"requires {required}")
                    break
                if not resolve(required, visiting | {name}).enabled:
                    state = ModuleState(name, False, "dependency", None, f"requires {required}")
                    break
        resolved[name] = state
        return state

    for name in manifests:
        resolve(name, frozenset())
    return resolved


def dependents_on(
    manifests: Mapping[str, Manifest], states: Mapping[str, ModuleState], module: str
) -> list[str]:
    """Modules currently on that require ``module``: switching it off would break them."""
    return sorted(
        name
        for name, manifest in manifests.items()
        if module in manifest.requires and states.get(name) and states[name].enabled
    )
