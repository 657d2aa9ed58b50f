"""The ``party-building:`` section of tenant files is checked before anything is written."""

from __future__ import annotations

import yaml

from core.testing import settings_for_tests
from plugins.party_building.tenant_file import PartyBuildingSection

SETTINGS = settings_for_tests("sqlite+aiosqlite:///:memory:")


def errors(text: str) -> list[str]:
    node = yaml.compose(text)
    assert node is not None
    return [e.message for e in PartyBuildingSection().validate(node, SETTINGS)]


def test_a_valid_section_has_no_errors() -> None:
    assert (
        errors(
            "organisations:\n"
            "  - {name: 综合党委, kind: committee, established_on: 2019-06-28}\n"
            "pioneer_teams:\n"
            "  - {name: 先锋队, theme: 助老, leader: 李红, organisation: 综合党委}\n"
        )
        == []
    )


def test_unknown_kinds_fields_repeats_and_shapes_are_reported() -> None:
    (kind,) = errors("organisations:\n  - {name: x, kind: cell, established_on: 2019-06-28}\n")
    assert "kind" in kind
    (field,) = errors("pioneer_teams:\n  - {name: x, theme: y, leader: z, colour: red}\n")
    assert "colour" in field
    (twice,) = errors(
        "organisations:\n"
        "  - {name: x, kind: branch, established_on: 2019-06-28}\n"
        "  - {name: x, kind: group, established_on: 2019-06-28}\n"
    )
    assert "twice" in twice
    assert errors("- just a list\n") == ["expected organisations: [...] and pioneer_teams: [...]"]
