"""First-run content of a database that is not a contract: the holiday calendar.

Called when a database is created, and again by `load_calendar` so that a database made before the
calendar existed (its table still empty) is seeded on first use. A table that holds any row is the
user's to edit and is never touched again.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from app.store.db import Database
from app.store.schema import HolidayRow

log = logging.getLogger(__name__)


def seed_holidays(db: Database) -> int:
    """Fill an empty holiday table from the bundled package data; returns how many rows were added."""
    from app.calendar.package_data import package_days

    with db.transaction() as s:
        if s.scalars(select(HolidayRow.day).limit(1)).first() is not None:
            return 0
        days = package_days()
        s.add_all(HolidayRow(day=d.day, kind=d.kind.value, name=d.name) for d in days)
    log.info("holiday calendar seeded with %d days", len(days))
    return len(days)
