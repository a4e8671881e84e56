"""Operations on the holiday calendar (public holidays and make-up working days): every schedule follows it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from app.domain.calendar import HolidayDay
from app.ops.changes import Changes, Done, Part
from app.store import calendar as calendar_store
from app.store.db import Database

_CHANGED = Changes(parts=frozenset({Part.CALENDAR}))


def set_days(db: Database, days: Iterable[HolidayDay], *, clear_years: Iterable[int] = ()) -> Done[int]:
    """Insert or overwrite days, in one transaction; with `clear_years` every stored day of those years goes
    first (an import of whole years). The value is how many days were written."""
    return Done(_CHANGED, calendar_store.replace_days(db, days, clear_years=clear_years))


def import_schedule(db: Database, path: Path, *, replace_years: bool) -> Done[list[HolidayDay]]:
    """Import a holiday schedule typed from the State Council notice (app.codecs.calendar_csv): every line checked
    before anything is stored. `replace_years`: the file is the whole schedule of its years, so what was stored for
    them goes first. The value is the days imported."""
    from app.codecs.calendar_csv import read_calendar_csv

    days = read_calendar_csv(path)
    years = sorted({d.day.year for d in days})
    set_days(db, days, clear_years=years if replace_years else ())
    return Done(_CHANGED, days)


def remove_day(db: Database, day: date) -> Done[None]:
    calendar_store.remove_day(db, day)
    return Done(_CHANGED)
