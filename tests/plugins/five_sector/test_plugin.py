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
    assert manager.hook.gongzhi_manifest().name == "five-sector"
    routes = manager.hook.gongzhi_routes()
    assert all(
        str(handler.opt.get("permission", "")).startswith("five-sector:") for handler in routes
    )
    assert (manager.hook.gongzhi_migrations() / "0001_five_sector.py").is_file()
    assert len(manager.hook.gongzhi_metrics()) > 10
    assert [len(checks) for checks in manager.hook.gongzhi_soak_invariants()] == [3]
