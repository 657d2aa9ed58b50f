"""The module host as a kernel plugin: ``gongzhi plugins`` and the ``modules:`` tenant-file
section, which needs the host it is registered on (to know the installed modules)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from core.modules.cli import plugins
from core.modules.hookspecs import hookimpl
from core.modules.host import PluginHost
from core.modules.provisioning import ModulesSection
from core.tenancy.provisioning import TenantFileSection


class ModulesKernel:
    """Registered once per host; ``host`` is None only where commands are listed without one."""

    def __init__(self, host: PluginHost | None) -> None:
        self.host = host

    @hookimpl
    def gongzhi_commands(self, cli: click.Group) -> None:
        cli.add_command(plugins)

    @hookimpl
    def gongzhi_tenant_file_sections(self) -> Sequence[TenantFileSection]:
        return [] if self.host is None else [ModulesSection(self.host)]
