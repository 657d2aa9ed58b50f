"""The effective-state rules agree with a plain model of them over generated cases."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from core.modules.enablement import ChainLink, effective_states, may_set_policy
from core.modules.manifest import POLICIES, Manifest, Policy

LEVELS = ("district", "town", "community")
POLICY: st.SearchStrategy[Policy] = st.sampled_from(POLICIES)


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Manifest], list[ChainLink], str, dict[str, bool]]:
    count = draw(st.integers(1, 5))
    names = [f"m{i}" for i in range(count)]
    manifests: dict[str, Manifest] = {}
    for i, name in enumerate(names):
        manifests[name] = Manifest(
            name=name,
            title="模块",
            title_en="Module",
            version="1.0",
            requires=tuple(draw(st.sets(st.sampled_from(names[:i]))) if i else ()),
            levels=tuple(draw(st.sets(st.sampled_from(LEVELS)))),
            default_enabled=draw(st.booleans()),
            default_policy=draw(POLICY),
        )
    depth = draw(st.integers(1, 4))
    chain = [
        ChainLink(
            uuid.uuid4(),
            f"t{d}",
            draw(st.dictionaries(st.sampled_from(names), POLICY)),
        )
        for d in range(depth)
    ]
    level = draw(st.sampled_from(LEVELS))
    choices = draw(st.dictionaries(st.sampled_from(names), st.booleans()))
    return manifests, chain, level, choices


def model(
    manifests: dict[str, Manifest], chain: list[ChainLink], level: str, choices: dict[str, bool]
) -> dict[str, bool]:
    """The rules as the issue states them, written as plainly as possible."""
    on: dict[str, bool] = {}
    for name, manifest in manifests.items():
        decided = [
            link.policies[name] for link in chain if link.policies.get(name, "allowed") != "allowed"
        ]
        if decided:
            enabled = decided[0] == "required"
        elif manifest.default_policy != "allowed":
            enabled = manifest.default_policy == "required"
        else:
            enabled = choices.get(name, manifest.default_enabled)
        if manifest.levels and level not in manifest.levels:
            enabled = False
        on[name] = enabled
    changed = True
    while changed:
        changed = False
        for name, manifest in manifests.items():
            if on[name] and not all(on[r] for r in manifest.requires):
                on[name] = False
                changed = True
    return on


@settings(max_examples=200, deadline=None)
@given(cases())
def test_effective_states_match_the_model(
    case: tuple[dict[str, Manifest], list[ChainLink], str, dict[str, bool]],
) -> None:
    manifests, chain, level, choices = case
    states = effective_states(manifests, chain, level, choices)
    assert {name: s.enabled for name, s in states.items()} == model(
        manifests, chain, level, choices
    )


@settings(max_examples=150, deadline=None)
@given(cases(), POLICY)
def test_a_deeper_policy_only_narrows(
    case: tuple[dict[str, Manifest], list[ChainLink], str, dict[str, bool]], policy: Policy
) -> None:
    manifests, chain, _level, _choices = case
    manifest = next(iter(manifests.values()))
    inherited = [
        link.policies[manifest.name]
        for link in chain
        if link.policies.get(manifest.name, "allowed") != "allowed"
    ]
    fixed = inherited[0] if inherited else manifest.default_policy
    expected = fixed == "allowed" or policy == fixed
    assert may_set_policy(chain, manifest, policy) is expected
