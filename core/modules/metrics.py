"""Roll-up figures: modules describe aggregates over their own tables; the core adds them up."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select

Unit = Literal["count", "hours", "fen", "person_times"]


@dataclass(frozen=True, slots=True)
class MetricQuery:
    """One named figure of a module.

    ``query()`` returns a SELECT of exactly two columns, ``(tenant_id, value)``, grouped by
    tenant over the module's own tables (e.g. ``select(Volunteer.tenant_id, func.count())
    .group_by(Volunteer.tenant_id)``). The core joins it to the tenant tree, restricts it to the
    subtree asked for and sums it per child, so the module never sees the tree. ``name`` is
    ``<module>.<figure>``; hours are reported in the unit's natural integer (e.g. minutes are not
    mixed with hours: pick one and say so in ``unit``). The core builds its statement from
    ``query()`` once per process and reuses it, so the query must not depend on the moment it is
    built (today's date, settings read later): whatever varies belongs in the rows it selects.
    """

    name: str
    title: str
    title_en: str
    unit: Unit
    query: Callable[[], Select[Any, Any]]
    monthly: Callable[[], Select[Any, Any, Any]] | None = None
    """Optional: the same figure by month, for a trend. A SELECT of three columns, ``(tenant_id,
    when, value)`` — one row per record (or already grouped), ``when`` a date or a time of the
    record (a volunteer's served-on date, an activity's closing time) and ``value`` its
    contribution in the figure's unit. The core restricts it to the subtree and the months asked
    for and sums it per calendar month (``GET .../metrics/monthly``)."""


MetricRow = tuple[uuid.UUID, int]
