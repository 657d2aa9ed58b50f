"""Concurrency: the database, not only the admission's check, keeps an organisation or a town
centre incubated once at a time at a tenant."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import Database
from plugins.incubation.incubatees import services as incubatees
from plugins.incubation.models import Incubatee
from tests.plugins.incubation.conftest import (
    DAY,
    Client,
    Tree,
    admit,
    new_base,
    new_cohort,
    url,
)


async def _two_cohorts(client: Client, tree: Tree) -> tuple[str, str]:
    base = await new_base(client, tree.town)
    return await new_cohort(client, tree.town, base), await new_cohort(
        client, tree.town, base, "第二批"
    )


async def _active(db: Database, name: str) -> int:
    async with db.session() as session:
        return int(
            await session.scalar(
                select(func.count()).where(
                    Incubatee.organisation_name == name, Incubatee.stage.not_in(incubatees.FINAL)
                )
            )
            or 0
        )


async def test_a_second_admission_past_the_check_is_refused_by_the_database(
    admin_client: Client, tree: Tree, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when two admissions both ran their check before either wrote: the second write meets
    the unique index and answers the module's 409, not 201 and not 500."""
    first, second = await _two_cohorts(admin_client, tree)
    await admit(admin_client, tree.town, first, organisation_name="银龄帮帮团")

    async def never(*_args: Any) -> bool:
        return False

    monkeypatch.setattr(incubatees, "incubating", never)
    again = await admin_client.post(
        url(tree.town, "/incubatees"),
        json={"cohort_id": second, "organisation_name": "银龄帮帮团", "admitted_on": DAY},
    )
    assert again.status_code == 409, again.text
    assert again.json()["type"].endswith("/incubating")
    assert again.json()["title"] == "银龄帮帮团 正在培育中"
    assert await _active(db, "银龄帮帮团") == 1

    district_base = await new_base(admin_client, tree.district, "district_base", "区培育基地")
    cohorts = [
        await new_cohort(admin_client, tree.district, district_base, name)
        for name in ("区第一批", "区第二批")
    ]
    centre = (await admin_client.get(url(tree.town, "/bases"))).json()["items"][0]["id"]
    await admit(admin_client, tree.district, cohorts[0], town_centre_id=centre)
    twice = await admin_client.post(
        url(tree.district, "/incubatees"),
        json={"cohort_id": cohorts[1], "town_centre_id": centre, "admitted_on": DAY},
    )
    assert twice.status_code == 409, twice.text
    assert twice.json()["type"].endswith("/incubating")


async def test_two_simultaneous_admissions_of_one_organisation_let_exactly_one_through(
    admin_client: Client, tree: Tree, db: Database
) -> None:
    first, second = await _two_cohorts(admin_client, tree)
    answers = await asyncio.gather(
        *(
            admin_client.post(
                url(tree.town, "/incubatees"),
                json={"cohort_id": cohort, "organisation_name": "新向阳志愿队", "admitted_on": DAY},
            )
            for cohort in (first, second)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    assert await _active(db, "新向阳志愿队") == 1
