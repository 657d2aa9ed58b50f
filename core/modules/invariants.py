"""Running every plugin's own data invariants (``gongzhi_soak_invariants``)."""

from __future__ import annotations

import structlog

from core.db import SYSTEM, Database
from core.modules.host import PluginHost

log = structlog.get_logger("gongzhi.invariants")


async def check_invariants(db: Database, host: PluginHost) -> dict[str, list[str]]:
    """Violations found per plugin (empty lists when consistent); a check that raises counts as
    a violation naming the error, so a broken check can never pass silently."""
    found: dict[str, list[str]] = {}
    for name, plugin in sorted(host.plugins.items()):
        impl = host.impl_of(plugin.obj, "gongzhi_soak_invariants")
        if impl is None:
            continue
        violations: list[str] = []
        for check in impl():
            try:
                async with db.session(context=SYSTEM) as session:
                    violations.extend(await check(session))
            except Exception as exc:
                log.exception("invariant_check_failed", plugin=name)
                violations.append(f"check {getattr(check, '__name__', check)} failed: {exc}")
        found[name] = violations
    return found
