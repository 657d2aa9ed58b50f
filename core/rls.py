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
statement. Each table carries the path of its row's tenant (:data:`ROW_PATH_COLUMN`), which the
database keeps from the tenant column and from ``tenant_paths`` (:data:`TENANT_PATHS_TABLE`, the
ids and paths of ``tenants`` and nothing else, :func:`tenant_paths_statements`): a policy tests a
row with two comparisons of that path, whatever the size of the context's subtree, and moving a
tenant is still one update of ``tenants``, whose trigger carries the new paths to the rows.

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


def _literal(name: str) -> str:
    """``name`` (a plain identifier, checked) as an SQL string literal."""
    _identifier(name)
    return f"'{name}'"


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
ROW_PATH_COLUMN = "tenant_path"
"""The path of the row's tenant, on every table :func:`enable_tenant_rls` puts under policies.

The policies test it against the context's subtree (:data:`ROW_PATH_RANGE`): two comparisons
of the row's own value, whatever the size of the subtree. Before the fourteenth pass of issue
12 they listed the subtree from ``tenant_paths`` and hashed its ids, once per policy per
statement, so a point read in a district's context paid for every tenant of the district:
about 200,000 of the server's 695,000 instructions per read at the bench's 36 tenants and 1.3
million of 1.8 million at a real district's 300. The database keeps the column, not the
application: a trigger on the table sets it from ``tenant_paths`` on every insert and on every
update of the tenant column or of the column itself (a value written by a caller is replaced),
and ``tenant_paths``' own trigger rewrites it for the rows of moved tenants. The models do not
map it (:func:`include_object` keeps it out of autogenerated migrations); SQLite, without
policies, has no such column."""
ROW_PATH_RANGE = _in_subtree_range(ROW_PATH_COLUMN)
"""SQL: the row's tenant lies in the context's subtree, by the row's :data:`ROW_PATH_COLUMN`."""
ROW_PATH_TRIGGER = "gongzhi_tenant_path"
_ROW_PATH_PREFIX = "gongzhi_tenant_path_"
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
    When an update changes paths, the same trigger rewrites :data:`ROW_PATH_COLUMN` of every
    row of the moved tenants in each table that carries one (found by its trigger,
    :func:`row_path_statements`), in the system context for that statement only: a move is one
    ``UPDATE`` of ``tenants`` for the application, and the rows follow their tenant.
    SQLite: a view, since nothing there reads the table under a policy.
    """
    table = _identifier(TENANT_PATHS_TABLE)
    if dialect != "postgresql":
        return [f"CREATE VIEW IF NOT EXISTS {table} AS SELECT id, path FROM tenants"]
    function = _identifier(_SYNC_FUNCTION)
    body = (
        "DECLARE owned record; previous text; "
        "BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        f"INSERT INTO {table} (id, path) SELECT id, path FROM changed; "
        "ELSIF TG_OP = 'UPDATE' THEN "
        f"UPDATE {table} p SET path = c.path FROM changed c "
        "WHERE p.id = c.id AND p.path <> c.path; "
        "IF FOUND THEN "
        "previous := coalesce(current_setting('app.system', true), ''); "
        "PERFORM set_config('app.system', 'on', true); "
        "FOR owned IN SELECT c.relname, "
        "split_part(encode(tg.tgargs, 'escape'), '\\000', 1) AS tenant_column "
        "FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE tg.tgname = '{ROW_PATH_TRIGGER}' AND n.nspname = {_literal(schema)} LOOP "
        f"EXECUTE format('UPDATE %I r SET {ROW_PATH_COLUMN} = c.path FROM changed c "
        f"WHERE r.%I = c.id AND r.{ROW_PATH_COLUMN} IS DISTINCT FROM c.path', "
        "owned.relname, owned.tenant_column); "
        "END LOOP; "
        "PERFORM set_config('app.system', previous, true); "
        "END IF; "
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


def row_path_function(table: str) -> str:
    """The name of the trigger function that sets ``table``'s :data:`ROW_PATH_COLUMN`."""
    name = f"{_ROW_PATH_PREFIX}{table}"
    _identifier(name)
    return name


def row_path_statements(table: str, column: str = "tenant_id", schema: str = "public") -> list[str]:
    """SQL giving ``table`` its :data:`ROW_PATH_COLUMN`, kept from ``column``; may run again.

    The column is added if missing, a trigger (:data:`ROW_PATH_TRIGGER`, whose argument names
    ``column`` so that moves find it) sets it before every insert and every update of either
    column, and the rows there already get their paths (run it in the system context, as
    migrations run). The function reads ``tenant_paths`` by its schema-qualified name, as its
    caller: the application role may read that table.
    """
    name = _identifier(table)
    col = _identifier(column)
    path = _identifier(ROW_PATH_COLUMN)
    function = _identifier(row_path_function(table))
    paths = f"{_identifier(schema)}.{_identifier(TENANT_PATHS_TABLE)}"
    return [
        f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS {path} varchar(2048)",
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.{path} := (SELECT p.path FROM {paths} p WHERE p.id = NEW.{col}); "
        "RETURN NEW; END $$",
        f"DROP TRIGGER IF EXISTS {ROW_PATH_TRIGGER} ON {name}",
        f"UPDATE {name} r SET {path} = p.path FROM {paths} p "
        f"WHERE p.id = r.{col} AND r.{path} IS DISTINCT FROM p.path",
        f"CREATE TRIGGER {ROW_PATH_TRIGGER} BEFORE INSERT OR UPDATE OF {col}, {path} ON {name} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}({_literal(column)})",
    ]


def drop_row_path_statements(table: str) -> list[str]:
    """SQL removing what :func:`row_path_statements` made (the policies that read the column
    must be gone first)."""
    name = _identifier(table)
    return [
        f"DROP TRIGGER IF EXISTS {ROW_PATH_TRIGGER} ON {name}",
        f"DROP FUNCTION IF EXISTS {_identifier(row_path_function(table))}()",
        f"ALTER TABLE {name} DROP COLUMN IF EXISTS {_identifier(ROW_PATH_COLUMN)}",
    ]


def include_object(
    item: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's ``include_object`` hook: leave out :data:`ROW_PATH_COLUMN`, which the database
    keeps on PostgreSQL and the models do not map, so autogenerate does not drop it."""
    return not (type_ == "column" and name == ROW_PATH_COLUMN and reflected and compare_to is None)


def subtree_of_context() -> str:
    """Ids of the tenants in the context's subtree (the context's tenant included)."""
    return f"SELECT t.id FROM {TENANT_PATHS_TABLE} t WHERE {SUBTREE_RANGE}"


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

    The row's tenant is tested by the row's :data:`ROW_PATH_COLUMN`, which
    :func:`row_path_statements` keeps from ``column``; ``column`` itself is read only for rows
    without a tenant.

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
    ancestors = f"starts_with({CTX_PATH}, {_identifier(ROW_PATH_COLUMN)})"
    read = [CTX_SYSTEM, f"({ROW_PATH_RANGE})", *([ancestors] if ancestors_read else [])]
    write = [CTX_SYSTEM, f"({ROW_PATH_RANGE})", *([ancestors] if ancestors_write else [])]
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
    schema: str = "public",
) -> list[str]:
    """The SQL that gives ``table`` its :data:`ROW_PATH_COLUMN` (:func:`row_path_statements`)
    and enables and forces RLS on it with Gongzhi's policies (:func:`policy_expressions`)."""
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
    return [*row_path_statements(table, column, schema), *_policy_statements(name, read, write)]


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
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(text("SELECT current_schema()")).scalar_one()
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
        schema=schema,
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
        *drop_row_path_statements(table),
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
