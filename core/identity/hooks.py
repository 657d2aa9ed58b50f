"""The identity area as a kernel plugin: ``gongzhi users`` and the ``users:`` tenant-file section."""

from __future__ import annotations

from collections.abc import Sequence

import click

from core.identity.cli import users
from core.identity.provisioning import USERS_SECTION
from core.markers import hookimpl
from core.tenancy.provisioning import TenantFileSection


@hookimpl
def gongzhi_commands(cli: click.Group) -> None:
    cli.add_command(users)


@hookimpl
def gongzhi_tenant_file_sections() -> Sequence[TenantFileSection]:
    return [USERS_SECTION]
