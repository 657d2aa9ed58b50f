"""The web console at ``/console``: server-rendered pages over the typed API.

:func:`console_router` is mounted by :func:`core.app.create_app`; :func:`collect_pages` gathers
each loaded module's :class:`~core.modules.pages.ConsolePages` from the
``gongzhi_console_pages`` hook. See docs/console.md.
"""

from __future__ import annotations

import structlog

from core.console.routes import console_router
from core.modules.host import PluginHost
from core.modules.pages import ConsolePages

__all__ = ["collect_pages", "console_router"]

log = structlog.get_logger("gongzhi.console")


def collect_pages(host: PluginHost) -> dict[str, ConsolePages]:
    """Each loaded module's console pages, by module name (a module without any is absent).

    A module whose hook raises or answers something else is logged and left without pages;
    the console and the other modules' pages still work.
    """
    found: dict[str, ConsolePages] = {}
    for name, plugin in sorted(host.plugins.items()):
        impl = host.impl_of(plugin.obj, "gongzhi_console_pages")
        if impl is None:
            continue
        try:
            pages = impl()
        except Exception as exc:
            log.error("console_pages_failed", plugin=name, error=f"{type(exc).__name__}: {exc}")
            continue
        if isinstance(pages, ConsolePages):
            found[name] = pages
        elif pages is not None:
            log.error("console_pages_failed", plugin=name, error="not a ConsolePages")
    return found
