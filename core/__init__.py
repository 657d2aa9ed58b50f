"""Gongzhi's kernel and the public API for plugin authors.

Plugins import only what this module exports; everything else in ``core`` may change without
notice.
"""

from core.demo import DemoContext
from core.errors import Conflict, Invalid, NotFound, Problem
from core.identity.permissions import Permission
from core.modules.events import Event, EventContract, emit
from core.modules.hookspecs import hookimpl
from core.modules.isolation import ApiCall, IsolationFixtures, IsolationTenant
from core.modules.manifest import Manifest
from core.modules.metrics import MetricQuery
from core.modules.settings import module_settings
from core.orm import (
    Base,
    TenantOwned,
    Timestamps,
    UTCDateTime,
    UUIDPrimaryKey,
    timestamp_columns,
)
from core.paging import Page, Paging, paginate
from core.rls import disable_tenant_rls, enable_tenant_rls, in_context_subtree
from core.tenancy.models import Tenant
from core.tenancy.provisioning import LineError, PlanLine, TenantFileSection, error_at
from core.version import __version__

__all__ = [
    "ApiCall",
    "Base",
    "Conflict",
    "DemoContext",
    "Event",
    "EventContract",
    "Invalid",
    "IsolationFixtures",
    "IsolationTenant",
    "LineError",
    "Manifest",
    "MetricQuery",
    "NotFound",
    "Page",
    "Paging",
    "Permission",
    "PlanLine",
    "Problem",
    "Tenant",
    "TenantFileSection",
    "TenantOwned",
    "Timestamps",
    "UTCDateTime",
    "UUIDPrimaryKey",
    "__version__",
    "disable_tenant_rls",
    "emit",
    "enable_tenant_rls",
    "error_at",
    "hookimpl",
    "in_context_subtree",
    "module_settings",
    "paginate",
    "timestamp_columns",
]
