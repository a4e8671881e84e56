"""The working-day calendar: Chinese public holidays and make-up working days (调休上班).

`WorkCalendar` answers "is this a rest day?" from the editable rows in the database; `load_calendar(db)`
builds one (seeding an empty table once from the bundled package data).
"""

from app.calendar.store import add_day, holiday_rows, load_calendar, remove_day, replace_days
from app.calendar.work_calendar import DayKind, HolidayDay, WorkCalendar

__all__ = [
    "DayKind",
    "HolidayDay",
    "WorkCalendar",
    "add_day",
    "holiday_rows",
    "load_calendar",
    "remove_day",
    "replace_days",
]
