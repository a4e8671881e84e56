"""Operations on the holiday calendar (public holidays and make-up working days): every schedule follows it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.domain.calendar import HolidayDay
from app.ops.changes import Changes, Done, Part
from app.store import calendar as calendar_store
from app.store.db import Database

_CHANGED = Changes(parts=frozenset({Part.CALENDAR}))


def set_days(db: Database, days: Iterable[HolidayDay], *, clear_years: Iterable[int] = ()) -> Done[int]:
    """Insert or overwrite days, in one transaction; with `clear_years` every stored day of those years goes
    first (an import of whole years). The value is how many days were written."""
    return Done(_CHANGED, calendar_store.replace_days(db, days, clear_years=clear_years))


def remove_day(db: Database, day: date) -> Done[None]:
    calendar_store.remove_day(db, day)
    return Done(_CHANGED)
