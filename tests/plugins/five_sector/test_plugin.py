from __future__ import annotations

from importlib.metadata import entry_points

import pluggy

from core.modules import hookspecs
from plugins import five_sector


def test_the_plugin_is_discoverable_through_its_entry_point() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="gongzhi.plugins")}
    assert found.get("five-sector") == "plugins.five_sector"


def test_the_host_can_call_every_hook_the_plugin_implements() -> None:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(five_sector)
    manager.check_pending()
    manifest = manager.hook.gongzhi_manifest()
    assert manifest.name == "five-sector"
    assert all(
        str(handler.opt.get("permission", "")).startswith("five-sector:")
        for handler in manifest.routes
    )
    assert manifest.migrations is not None
    assert (manifest.migrations / "0001_five_sector.py").is_file()
    assert len(manifest.metrics) > 10
    assert {e.type for e in manifest.events} == {
        "five-sector.service-hours-recorded",
        "five-sector.activity-closed",
    }
    assert manifest.isolation is not None
    assert [len(checks) for checks in manager.hook.gongzhi_soak_invariants()] == [3]
