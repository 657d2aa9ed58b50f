"""Row-level security on the core's tenant-owned tables (PostgreSQL; nothing on SQLite).

Revision ID: 0004_rls
Revises: 0003_modules
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from core.rls import disable_tenant_rls, enable_tenant_rls, tenants_table_statements

revision: str = "0004_rls"
down_revision: str | Sequence[str] | None = "0003_modules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A tenant's effective module states read the policies of every ancestor.
ANCESTORS_READ = {"module_policies"}
# Modules record events at a tenant above the request's (a joint activity belongs to the
# pairing's tenant); subscribers then run in the event tenant's own context.
ANCESTORS_WRITE = {"event_outbox"}
# The caller reads their own memberships and tokens from any context.
OWN_ROWS = {"memberships", "api_tokens"}
# Rows without a tenant (a global platform_admin membership, a login's audit record) belong to
# the whole forest: the context "/".
GLOBAL_ROWS = {"memberships", "audit_log"}
# Any request may append a platform-wide audit record; the app role cannot update or delete one.
GLOBAL_INSERT = {"audit_log"}
TABLES = (
    "memberships",
    "api_tokens",
    "audit_log",
    "module_policies",
    "module_choices",
    "event_outbox",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in tenants_table_statements():
        op.execute(statement)
    for table in TABLES:
        enable_tenant_rls(
            op,
            table,
            ancestors_read=table in ANCESTORS_READ,
            ancestors_write=table in ANCESTORS_WRITE,
            user_column="user_id" if table in OWN_ROWS else None,
            global_rows=table in GLOBAL_ROWS,
            global_insert=table in GLOBAL_INSERT,
        )


def downgrade() -> None:
    for table in [*TABLES, "tenants"]:
        disable_tenant_rls(op, table)
