"""Gongzhi's kernel and the public API for plugin authors.

Plugins import only what this module exports; everything else in ``core`` may change without
notice.
"""

from core.demo import DemoContext
from core.errors import Conflict, Invalid, NotFound, Problem, ProblemDetails, problem_responses
from core.export import Column, ExportFormat, ExportOperation, export_response, operation_answering
from core.identity.permissions import Permission
from core.identity.principal import Caller
from core.modules.directory import (
    OrganisationDirectory,
    OrganisationRef,
    count_organisations,
    find_organisations,
    list_organisations,
    module_on,
    organisation_directory_on,
)
from core.modules.events import Event, EventContract, emit
from core.modules.hookspecs import SubscribeCallback, SubscriberScope, hookimpl
from core.modules.isolation import ApiCall, IsolationFixtures, IsolationTenant
from core.modules.manifest import Manifest
from core.modules.metrics import MetricQuery
from core.modules.pages import (
    TENANT_CHOICES,
    USER_CHOICES,
    ConsoleChoices,
    ConsoleField,
    ConsoleForm,
    ConsoleLabel,
    ConsoleLink,
    ConsolePages,
    ConsoleRelated,
    ConsoleResource,
)
from core.modules.settings import ModuleConfig, module_settings, subtree_module_settings
from core.orm import (
    Base,
    TenantOwned,
    Timestamps,
    UTCDateTime,
    UUIDPrimaryKey,
    timestamp_columns,
)
from core.paging import Page, Paging, paginate
from core.rls import (
    create_visible_ids,
    disable_tenant_rls,
    drop_visible_ids,
    enable_tenant_rls,
    in_context_subtree,
    in_visible,
)
from core.statements import Insert, Query
from core.tenancy.models import Tenant
from core.tenancy.provisioning import LineError, PlanLine, TenantFileSection, error_at
from core.tenancy.subtree import (
    find_tenant_in_subtree,
    in_subtree,
    in_subtree_of,
    row_in_subtree,
    row_in_subtree_of,
)
from core.version import __version__

__all__ = [
    "TENANT_CHOICES",
    "USER_CHOICES",
    "ApiCall",
    "Base",
    "Caller",
    "Column",
    "Conflict",
    "ConsoleChoices",
    "ConsoleField",
    "ConsoleForm",
    "ConsoleLabel",
    "ConsoleLink",
    "ConsolePages",
    "ConsoleRelated",
    "ConsoleResource",
    "DemoContext",
    "Event",
    "EventContract",
    "ExportFormat",
    "ExportOperation",
    "Insert",
    "Invalid",
    "IsolationFixtures",
    "IsolationTenant",
    "LineError",
    "Manifest",
    "MetricQuery",
    "ModuleConfig",
    "NotFound",
    "OrganisationDirectory",
    "OrganisationRef",
    "Page",
    "Paging",
    "Permission",
    "PlanLine",
    "Problem",
    "ProblemDetails",
    "Query",
    "SubscribeCallback",
    "SubscriberScope",
    "Tenant",
    "TenantFileSection",
    "TenantOwned",
    "Timestamps",
    "UTCDateTime",
    "UUIDPrimaryKey",
    "__version__",
    "count_organisations",
    "create_visible_ids",
    "disable_tenant_rls",
    "drop_visible_ids",
    "emit",
    "enable_tenant_rls",
    "error_at",
    "export_response",
    "find_organisations",
    "find_tenant_in_subtree",
    "hookimpl",
    "in_context_subtree",
    "in_subtree",
    "in_subtree_of",
    "in_visible",
    "list_organisations",
    "module_on",
    "module_settings",
    "operation_answering",
    "organisation_directory_on",
    "paginate",
    "problem_responses",
    "row_in_subtree",
    "row_in_subtree_of",
    "subtree_module_settings",
    "timestamp_columns",
]
