"""Demo data: what a module's ``gongzhi_demo_load`` hook receives.

``gongzhi demo load`` builds one :class:`DemoContext` for the demo tree and calls every
plugin's hook with it in one transaction; each module adds its own realistic records there.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from core.tenancy.models import Tenant


@dataclass(frozen=True, slots=True)
class DemoContext:
    """The demo tree and what makes a load repeatable.

    - ``session``: the load's transaction, in the system context (every tenant visible).
    - ``root``: the root of the demo tree (the district).
    - ``tenants``: every tenant of that tree by slug (``tenants["wangfulu"]``).
    - ``random``: seeded, so two loads choose the same names and numbers.
    - ``today``: the date the data is laid out around (the same for every module).
    """

    session: AsyncSession
    root: Tenant
    tenants: Mapping[str, Tenant]
    random: random.Random
    today: date
