"""Reading and writing the `holidays` table; each change is one transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, extract, select
from sqlalchemy.orm import Session

from app.base.errors import NotFound
from app.base.i18n import _
from app.domain.calendar import DayKind, HolidayDay, WorkCalendar
from app.store.db import Database
from app.store.schema import HolidayRow


def holiday_rows(db: Database, year: int | None = None) -> list[HolidayDay]:
    """The stored rows (of one year, if given), in date order."""
    query = select(HolidayRow).order_by(HolidayRow.day)
    if year is not None:
        query = query.where(extract("year", HolidayRow.day) == year)
    with db.read() as s:
        return _days(s, query)


def _days(s: Session, query) -> list[HolidayDay]:
    return [HolidayDay(r.day, DayKind(r.kind), r.name or "") for r in s.scalars(query)]


def load_calendar(db: Database) -> WorkCalendar:
    """The calendar as stored (app.ops.first_run fills an empty table when the database is opened)."""
    return WorkCalendar(holiday_rows(db))


def calendar_in(s: Session) -> WorkCalendar:
    """The calendar as stored, read in the caller's transaction."""
    return WorkCalendar(_days(s, select(HolidayRow).order_by(HolidayRow.day)))


def replace_days(db: Database, days: Iterable[HolidayDay], *, clear_years: Iterable[int] = ()) -> int:
    """Insert or overwrite the given days; with `clear_years`, first drop every stored row of those years."""
    days = list(days)
    with db.transaction() as s:
        for year in set(clear_years):
            s.execute(delete(HolidayRow).where(extract("year", HolidayRow.day) == year))
        for d in days:
            row = s.get(HolidayRow, d.day)
            if row is None:
                s.add(HolidayRow(day=d.day, kind=d.kind.value, name=d.name))
            else:
                row.kind, row.name = d.kind.value, d.name
    return len(days)


def add_day(db: Database, day: HolidayDay) -> None:
    replace_days(db, [day])


def remove_day(db: Database, day: date) -> None:
    with db.transaction() as s:
        row = s.get(HolidayRow, day)
        if row is None:
            raise NotFound(_("the calendar has no entry for this day"), day.isoformat())
        s.delete(row)
