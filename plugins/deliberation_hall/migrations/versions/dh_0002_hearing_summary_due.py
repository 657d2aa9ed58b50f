"""Deliberation hall: when each hearing's summary is due (``dh_sessions.summary_due_at``), so
a summary not recorded within the working days the rules allow is flagged and counted.
Hearings scheduled before are given the default deadline (7 working days, Monday to Friday).
Row-level security is unchanged.

Revision ID: dh_0002
Revises: dh_0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from core import UTCDateTime

revision: str = "dh_0002"
down_revision: str | Sequence[str] | None = "dh_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCAL = ZoneInfo("Asia/Shanghai")
WORKING_DAYS = 7


def summary_due_at(starts_at: datetime) -> datetime:
    """Midnight (China's time) ending the 7th weekday after the hearing's day, in UTC."""
    day, left = starts_at.astimezone(LOCAL).date(), WORKING_DAYS
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return datetime.combine(day + timedelta(days=1), time(), LOCAL).astimezone(UTC)


def upgrade() -> None:
    op.add_column("dh_sessions", sa.Column("summary_due_at", sa.DateTime(timezone=True)))
    sessions = sa.table(
        "dh_sessions",
        sa.column("id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("starts_at", UTCDateTime()),
        sa.column("summary_due_at", UTCDateTime()),
    )
    bind = op.get_bind()
    hearings = bind.execute(
        sa.select(sessions.c.id, sessions.c.starts_at).where(sessions.c.kind == "hearing")
    ).all()
    for session_id, starts_at in hearings:
        bind.execute(
            sa.update(sessions)
            .where(sessions.c.id == session_id)
            .values(summary_due_at=summary_due_at(starts_at))
        )


def downgrade() -> None:
    op.drop_column("dh_sessions", "summary_due_at")
