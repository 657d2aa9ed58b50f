"""Row-level security on PostgreSQL: the policies of tenant-owned tables and the app role.

Every tenant-owned table gets RLS enabled *and forced* (so even its owner is bound, unless
superuser) with policies that read the transaction-local settings :mod:`core.db` writes at
the start of every transaction:

- ``gongzhi_read`` (SELECT): the row's tenant lies in the subtree of ``app.tenant_path`` (and,
  with ``ancestors_read``, on the path above it), or it belongs to ``app.user_id`` (with
  ``user_column``), or ``app.system`` is on;
- ``gongzhi_insert``, ``gongzhi_update``, ``gongzhi_delete``: the row's tenant lies in the
  subtree, before and after the change (or ``app.system`` is on).

An unset setting is NULL in every comparison, so a transaction without a context sees and writes
nothing. Settings are wrapped in ``(select ...)`` so PostgreSQL evaluates them once per
statement, and the subtree goes through the tree's paths (``tenant_id IN (SELECT id FROM
tenant_paths WHERE <path range>)``) rather than a path copied into every table, so moving a
tenant stays one update. ``tenant_paths`` (:data:`TENANT_PATHS_TABLE`) is the ids and paths of
``tenants`` and nothing else, kept by the database itself (:func:`tenant_paths_statements`).

What a policy costs is paid by every statement on its table, and PostgreSQL prepares the whole
plan of every arm at each execution, whether the arm is reached or not: an arm that reads another
table under row-level security inlines that table's policies, and theirs in turn. Such an arm is
written with :func:`in_visible`, which reads the other table through a function
(:func:`visible_ids_statements`) run only when a row needs it.

Plugins call :func:`enable_tenant_rls` from their migrations (exported by :mod:`core`); it does
nothing on SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

CTX_TENANT = "(select nullif(current_setting('app.tenant_id', true), '')::uuid)"
CTX_PATH = "(select nullif(current_setting('app.tenant_path', true), ''))"
CTX_USER = "(select nullif(current_setting('app.user_id', true), '')::uuid)"
CTX_SYSTEM = "(select coalesce(current_setting('app.system', true), '') = 'on')"
READ_POLICY = "gongzhi_read"
WRITE_POLICIES = {
    "gongzhi_insert": "FOR INSERT WITH CHECK ({write})",
    "gongzhi_update": "FOR UPDATE USING ({write}) WITH CHECK ({write})",
    "gongzhi_delete": "FOR DELETE USING ({write})",
}
"""One policy per writing command: a ``FOR ALL`` policy would also widen what SELECT sees."""
POLICY_NAMES = (READ_POLICY, *WRITE_POLICIES)
_IDENTIFIER_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _identifier(name: str) -> str:
    if not _IDENTIFIER_RE.match(name):
        raise ValueError(f"not a plain lowercase SQL identifier: {name!r}")
    return f'"{name}"'


CTX_PATH_END = "(select nullif(current_setting('app.tenant_path', true), '') || chr(1114111))"


def _in_subtree_range(path: str) -> str:
    """SQL: the tenant path ``path`` lies in the context's subtree (:data:`SUBTREE_RANGE`)."""
    return f"{path} ~>=~ {CTX_PATH} AND {path} ~<~ {CTX_PATH_END}"


SUBTREE_RANGE = _in_subtree_range("t.path")
"""The context's subtree as a range of a ``text_pattern_ops`` index on the tree's paths
(``ix_tenant_paths_path`` in the policies, ``ix_tenants_path`` in the tenants' own).

``path LIKE <setting> || '%'`` cannot use that index: its pattern is no constant when the
statement is planned, so every policy that embedded it scanned the whole tenants table once per
statement (at 1 % scale 8 ms, 28 times in a module's roll-up; at full size 643,331 rows each
time). The byte range ``[path, path || U+10FFFF)`` is an index range scan and holds exactly the
paths that start with ``path``: a string at or above ``path`` that does not start with it is
above every extension of it, and no path holds U+10FFFF (tenant paths are hexadecimal ids
between slashes; :class:`core.db.DbContext` refuses a path of any other character). Both
bounds are parameters (the upper one computed in its own sub-select), so the comparisons are
leakproof and PostgreSQL may use them as index conditions ahead of a table's own policy;
``path || chr(...)`` written in the comparison would not be (``textcat`` is not leakproof).
Until the twelfth pass of issue 12 a ``LIKE`` stood beside the range as its definition; it
admitted no other row and cost every policy a sub-select and a pattern match per tenant (about
8 % of the server's work on a point read)."""


TENANT_PATHS_TABLE = "tenant_paths"
"""Every tenant's id and path, without row-level security: what the policies read the tree from.

A policy that read ``tenants`` brought the tenants' own policy (four settings and a test per
tenant) into every sub-select of the subtree, three times in a read of a volunteer with their
total: about 190,000 of the server's 920,000 instructions per point read (issue 12, thirteenth
pass). The subtree's ids are the same either way, since the sub-select bounds its paths by the
context itself. The table holds no tenant's data, only the tree's shape in ids that every
answer about a tenant's rows carries anyway; names, slugs, codes, settings and status stay in
``tenants`` under its policies. The application role may only read it: on PostgreSQL triggers
on ``tenants`` write it, as its owner; on SQLite it is a view of ``tenants``."""
_SYNC_FUNCTION = "gongzhi_sync_tenant_paths"
_SYNC_TRIGGERS = {
    "INSERT": "REFERENCING NEW TABLE AS changed",
    "UPDATE": "REFERENCING NEW TABLE AS changed",
    "DELETE": "REFERENCING OLD TABLE AS changed",
    "TRUNCATE": "",
}


def tenant_paths_statements(dialect: str, schema: str = "public") -> list[str]:
    """SQL creating :data:`TENANT_PATHS_TABLE` and what keeps it equal to ``tenants``; each
    statement may run again (a database that has the table already keeps it, rows and all).

    PostgreSQL: a table (its path in a ``text_pattern_ops`` index that covers the id, as
    ``ix_tenants_path``), filled from ``tenants`` and kept by statement-level triggers on every
    insert, update, delete and truncate of ``tenants``, so a move of a whole subtree (one
    ``UPDATE``) is one statement here too. The trigger function is ``SECURITY DEFINER``: it runs
    as the table's owner, because the application role may not write the table itself
    (:func:`grant_statements`). Run it in the system context, where ``tenants`` shows every row.
    SQLite: a view, since nothing there reads the table under a policy.
    """
    table = _identifier(TENANT_PATHS_TABLE)
    if dialect != "postgresql":
        return [f"CREATE VIEW IF NOT EXISTS {table} AS SELECT id, path FROM tenants"]
    function = _identifier(_SYNC_FUNCTION)
    body = (
        "BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        f"INSERT INTO {table} (id, path) SELECT id, path FROM changed; "
        "ELSIF TG_OP = 'UPDATE' THEN "
        f"UPDATE {table} p SET path = c.path FROM changed c "
        "WHERE p.id = c.id AND p.path <> c.path; "
        "ELSIF TG_OP = 'DELETE' THEN "
        f"DELETE FROM {table} p USING changed c WHERE p.id = c.id; "
        f"ELSE DELETE FROM {table}; "
        "END IF; RETURN NULL; END"
    )
    return [
        f"CREATE TABLE IF NOT EXISTS {table} (id uuid NOT NULL, path varchar(2048) NOT NULL, "
        "CONSTRAINT pk_tenant_paths PRIMARY KEY (id))",
        f"CREATE INDEX IF NOT EXISTS ix_tenant_paths_path ON {table} "
        "(path text_pattern_ops) INCLUDE (id)",
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER SET search_path = {_identifier(schema)}, pg_temp AS $$ {body} $$",
        *(
            statement
            for event, referencing in _SYNC_TRIGGERS.items()
            for statement in (
                f"DROP TRIGGER IF EXISTS tenant_paths_{event.lower()} ON tenants",
                f"CREATE TRIGGER tenant_paths_{event.lower()} AFTER {event} ON tenants "
                f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            )
        ),
        f"INSERT INTO {table} (id, path) SELECT id, path FROM tenants ON CONFLICT (id) DO NOTHING",
    ]


def drop_tenant_paths_statements(dialect: str) -> list[str]:
    """SQL removing what :func:`tenant_paths_statements` made (before ``tenants`` goes)."""
    table = _identifier(TENANT_PATHS_TABLE)
    if dialect != "postgresql":
        return [f"DROP VIEW IF EXISTS {table}"]
    return [
        *(
            f"DROP TRIGGER IF EXISTS tenant_paths_{event.lower()} ON tenants"
            for event in _SYNC_TRIGGERS
        ),
        f"DROP FUNCTION IF EXISTS {_identifier(_SYNC_FUNCTION)}()",
        f"DROP TABLE IF EXISTS {table}",
    ]


def create_tenant_paths(op: Any) -> None:
    """In a migration: :func:`tenant_paths_statements` for the connection's database and
    schema."""
    bind = op.get_bind()
    dialect = bind.dialect.name
    schema = (
        bind.execute(text("SELECT current_schema()")).scalar_one()
        if dialect == "postgresql"
        else "main"
    )
    for statement in tenant_paths_statements(dialect, schema):
        op.execute(statement)


def drop_tenant_paths(op: Any) -> None:
    """In a migration's ``downgrade()``: :func:`drop_tenant_paths_statements`."""
    for statement in drop_tenant_paths_statements(op.get_bind().dialect.name):
        op.execute(statement)


def subtree_of_context() -> str:
    """Ids of the tenants in the context's subtree (the context's tenant included)."""
    return f"SELECT t.id FROM {TENANT_PATHS_TABLE} t WHERE {SUBTREE_RANGE}"


def subtree_and_ancestors_of_context() -> str:
    """Ids of the tenants in the context's subtree or on its path to the root."""
    return (
        f"SELECT t.id FROM {TENANT_PATHS_TABLE} t "
        f"WHERE ({SUBTREE_RANGE}) OR {CTX_PATH} LIKE t.path || '%'"
    )


def in_context_subtree(column: str) -> str:
    """SQL: ``column`` (a tenant id) lies in the context's subtree; for ``extra_read`` clauses."""
    return f"{_identifier(column)} IN ({subtree_of_context()})"


VISIBLE_IDS_PREFIX = "gongzhi_visible_"


def visible_ids_function(table: str) -> str:
    """The name of the function :func:`visible_ids_statements` creates for ``table``."""
    name = f"{VISIBLE_IDS_PREFIX}{table}"
    _identifier(name)
    return name


def visible_ids_statements(table: str, schema: str = "public", column: str = "id") -> list[str]:
    """SQL creating ``gongzhi_visible_<table>()``: the ids of ``table``'s rows the caller may read.

    The function runs as its caller (``SECURITY INVOKER``), so ``table``'s own policies decide
    what it returns, exactly as an inline ``SELECT id FROM table`` would; ``schema`` is fixed in
    its body because a function's names are resolved at each call, not when the policy is made.
    What differs is the cost: an inline sub-select in a policy brings ``table``'s policies (and
    those of any table they read) into the plan of every statement on the policy's table, where
    PostgreSQL prepares them at each execution even when an earlier arm already admitted every
    row. On a ledger entry whose activity arm read ``fs_activities`` that was 380,000 of the
    server's 1.4 million instructions per point read (issue 12, twelfth pass). Behind a function
    the arm costs one expression until a row reaches it; then the function runs once per
    statement and its ids are hashed, as the sub-select's were.
    """
    function = _identifier(visible_ids_function(table))
    relation = f"{_identifier(schema)}.{_identifier(table)}"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS SETOF uuid LANGUAGE plpgsql STABLE "
        f"ROWS 1000 AS $$ BEGIN RETURN QUERY SELECT {_identifier(column)} FROM {relation}; END $$"
    ]


def in_visible(column: str, table: str) -> str:
    """SQL for ``extra_read``/``extra_write``: ``column`` names a row of ``table`` the caller may
    read. Create the function first with :func:`create_visible_ids` in the same migration."""
    return f"{_identifier(column)} IN (SELECT {_identifier(visible_ids_function(table))}())"


def create_visible_ids(op: Any, table: str, column: str = "id") -> None:
    """In a migration: create ``table``'s visible-ids function for :func:`in_visible`; no-op on
    SQLite."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
    for statement in visible_ids_statements(table, schema, column):
        op.execute(statement)


def drop_visible_ids(op: Any, table: str) -> None:
    """In a migration's ``downgrade()``: drop what :func:`create_visible_ids` made, once no policy
    calls it; no-op on SQLite."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP FUNCTION IF EXISTS {_identifier(visible_ids_function(table))}()")


def policy_expressions(
    column: str = "tenant_id",
    *,
    ancestors_read: bool = False,
    ancestors_write: bool = False,
    user_column: str | None = None,
    global_rows: bool = False,
    global_insert: bool = False,
    extra_read: Sequence[str] = (),
    extra_write: Sequence[str] = (),
) -> tuple[str, str]:
    """The (read, write) boolean expressions of a tenant-owned table's policies.

    ``ancestors_write``: rows of the tenants above the context may be written too (the outbox:
    an event about a joint activity belongs to the pairing's tenant, above the community that
    closed it).
    ``global_rows``: rows whose tenant column is NULL (platform-wide rows, e.g. a global
    ``platform_admin`` membership) belong to the whole forest, i.e. to the context ``"/"``.
    ``global_insert``: any context may write such a row (an append-only log whose app role has
    no UPDATE or DELETE: a login's audit record).
    ``extra_read``: further SQL conditions under which a row may be read (e.g. a pairing is
    readable by both paired communities: ``in_context_subtree("rural_tenant_id")``);
    ``extra_write``: the same for writes (a paired community adds to a joint activity owned by
    the pairing's tenant).
    """
    col = _identifier(column)
    read_set = subtree_and_ancestors_of_context() if ancestors_read else subtree_of_context()
    read = [CTX_SYSTEM, f"{col} = {CTX_TENANT}", f"{col} IN ({read_set})"]
    write_set = subtree_and_ancestors_of_context() if ancestors_write else subtree_of_context()
    write = [CTX_SYSTEM, f"{col} = {CTX_TENANT}", f"{col} IN ({write_set})"]
    if global_rows:
        root = f"({col} IS NULL AND {CTX_PATH} = '/')"
        read.append(root)
        write.append(root)
    if global_insert:
        write.append(f"{col} IS NULL")
    if user_column is not None:
        read.append(f"{_identifier(user_column)} = {CTX_USER}")
    read.extend(f"({condition})" for condition in (*extra_read, *extra_write))
    write.extend(f"({condition})" for condition in extra_write)
    return " OR ".join(read), " OR ".join(write)


def tenant_rls_statements(
    table: str,
    column: str = "tenant_id",
    *,
    ancestors_read: bool = False,
    ancestors_write: bool = False,
    user_column: str | None = None,
    global_rows: bool = False,
    global_insert: bool = False,
    extra_read: Sequence[str] = (),
    extra_write: Sequence[str] = (),
) -> list[str]:
    """The SQL that enables and forces RLS on ``table`` with Gongzhi's two policies."""
    name = _identifier(table)
    read, write = policy_expressions(
        column,
        ancestors_read=ancestors_read,
        ancestors_write=ancestors_write,
        user_column=user_column,
        global_rows=global_rows,
        global_insert=global_insert,
        extra_read=extra_read,
        extra_write=extra_write,
    )
    return _policy_statements(name, read, write)


def _policy_statements(name: str, read: str, write: str) -> list[str]:
    return [
        f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY",
        *(f"DROP POLICY IF EXISTS {policy} ON {name}" for policy in POLICY_NAMES),
        f"CREATE POLICY {READ_POLICY} ON {name} FOR SELECT USING ({read})",
        *(
            f"CREATE POLICY {policy} ON {name} " + clause.format(write=write)
            for policy, clause in WRITE_POLICIES.items()
        ),
    ]


def tenants_table_statements() -> list[str]:
    """RLS on ``tenants`` itself: its subtree and its ancestors are readable, its subtree
    writable. (Keyed on ``path`` directly: a policy on ``tenants`` cannot query ``tenants``.)"""
    subtree = f"({_in_subtree_range('path')})"
    read = f"{CTX_SYSTEM} OR {subtree} OR {CTX_PATH} LIKE path || '%'"
    write = f"{CTX_SYSTEM} OR {subtree}"
    return _policy_statements("tenants", read, write)


def enable_tenant_rls(
    op: Any,
    table: str,
    column: str = "tenant_id",
    *,
    ancestors_read: bool = False,
    ancestors_write: bool = False,
    user_column: str | None = None,
    global_rows: bool = False,
    global_insert: bool = False,
    extra_read: Sequence[str] = (),
    extra_write: Sequence[str] = (),
) -> None:
    """In a migration: enable and force RLS on ``table`` keyed on ``column``; no-op on SQLite.

    Call it in ``upgrade()`` right after creating a tenant-owned table (a plugin's first
    revision) or in a later revision for tables that exist already; :func:`disable_tenant_rls`
    undoes it in ``downgrade()``. Set ``ancestors_read`` where a tenant must read its
    ancestors' rows (inherited settings, policies from above).
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in tenant_rls_statements(
        table,
        column,
        ancestors_read=ancestors_read,
        ancestors_write=ancestors_write,
        user_column=user_column,
        global_rows=global_rows,
        global_insert=global_insert,
        extra_read=extra_read,
        extra_write=extra_write,
    ):
        op.execute(statement)


def disable_tenant_rls(op: Any, table: str) -> None:
    """In a migration's ``downgrade()``: remove what :func:`enable_tenant_rls` added."""
    if op.get_bind().dialect.name != "postgresql":
        return
    name = _identifier(table)
    for statement in (
        *(f"DROP POLICY IF EXISTS {policy} ON {name}" for policy in POLICY_NAMES),
        f"ALTER TABLE {name} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {name} DISABLE ROW LEVEL SECURITY",
    ):
        op.execute(statement)


def grant_statements(role: str) -> list[str]:
    """What the application role needs: rows of every table, and nothing of the schema.

    It may read but not change ``alembic_version`` (only migrations move the schema) or
    ``tenant_paths`` (the policies' copy of the tree, which only ``tenants``' triggers write: a
    path written there would move a tenant's rows under another subtree's policies), and may
    only add to ``audit_log`` (the audit trail is append-only for the application).
    """
    name = _identifier(role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {name}",
        f"DO $$ BEGIN IF to_regclass('public.{TENANT_PATHS_TABLE}') IS NOT NULL THEN EXECUTE "
        f"'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {TENANT_PATHS_TABLE} FROM {name}'; "
        "END IF; END $$",
        "DO $$ BEGIN IF to_regclass('public.audit_log') IS NOT NULL THEN "
        f"EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {name}'; END IF; END $$",
    ]


def grant_app_role(connection: Connection, role: str) -> None:
    """Grant ``role`` (the app role, which must exist) its privileges on every current table.

    Run after each migration (``gongzhi db upgrade`` does, for the role of
    ``GONGZHI_DATABASE_URL``) or by hand with ``gongzhi db grant ROLE``: tables created by later
    migrations need the grant again. Idempotent.
    """
    for statement in grant_statements(role):
        connection.execute(text(statement))
