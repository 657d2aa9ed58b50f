"""Row-level security on every incubation table (PostgreSQL): the catalogue check, and a query
that forgets its tenant filter still sees only the context's subtree.

The tenant-isolation matrix over every incubation route runs in the suite's own
tests/reliability/test_isolation_matrix.py (both databases, every module's fixtures, including
``plugins/incubation/isolation.py``); ``gongzhi_isolation_check("incubation")`` runs the same for
this module alone.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import Database, DbContext
from core.modules.isolation_matrix import unprotected_tables
from plugins.incubation.models import TABLES, Incubatee
from tests.plugins.incubation.conftest import Client, Tree, admit, new_base, new_cohort


async def test_every_table_has_row_level_security_and_it_holds_without_filters(
    backend: str, admin_client: Client, tree: Tree, db: Database
) -> None:
    if backend != "postgres":
        pytest.skip("row-level security exists only on PostgreSQL; SQLite relies on app filters")
    assert await unprotected_tables(db, list(TABLES)) == {}
    for town, name in ((tree.town, "高塘岭协会"), (tree.other_town, "乔口协会")):
        cohort = await new_cohort(admin_client, town, await new_base(admin_client, town))
        await admit(admin_client, town, cohort, organisation_name=name)
    async with db.session(context=DbContext.for_tenant(tree.town)) as session:
        seen = set(await session.scalars(select(Incubatee.organisation_name)))
    assert seen == {"高塘岭协会"}
    async with db.session(context=DbContext.for_tenant(tree.district)) as session:
        seen = set(await session.scalars(select(Incubatee.organisation_name)))
    assert seen == {"高塘岭协会", "乔口协会"}
