"""The tenancy area as a kernel plugin: it adds ``gongzhi tenants``."""

from __future__ import annotations

import click

from core.markers import hookimpl
from core.tenancy.cli import tenants


@hookimpl
def gongzhi_commands(cli: click.Group) -> None:
    cli.add_command(tenants)
