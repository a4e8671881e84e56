"""Period arithmetic of the PRC Civil Code (arts. 200–204) and of working days (工作日).

Art. 201: the day a period starts is not counted; it runs from the next day. Art. 202: a period of
months or years ends on the corresponding day of the final month, or that month's last day where there
is none (1-31 + 1 month → 2-28/29). Art. 203: a last day that is a statutory rest day (weekend or public
holiday) moves to the day after the rest ends. Working-day periods skip rest days and count make-up
working days (调休上班).
"""

from __future__ import annotations

import calendar as gregorian
from datetime import MAXYEAR, MINYEAR, date, timedelta

from app.domain.calendar import WorkCalendar


def shift_months(start: date, months: int) -> date:
    """The corresponding day `months` later, clamped to the last day of a shorter month (art. 202).

    OverflowError past year 9999, like any other date arithmetic."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not MINYEAR <= year <= MAXYEAR:
        raise OverflowError("date value out of range")  # as date + timedelta says it
    return date(year, month, min(start.day, gregorian.monthrange(year, month)[1]))


def nominal_end(start: date, *, years: int = 0, months: int = 0, days: int = 0) -> date:
    """The last day of the period before art. 203: years and months first (art. 202), then days."""
    if min(years, months, days) < 0:
        raise ValueError("periods are not negative")
    end = shift_months(start, years * 12 + months) if years or months else start
    return end + timedelta(days=days)


def period_end(start: date, calendar: WorkCalendar, *, years: int = 0, months: int = 0, days: int = 0) -> date:
    """The last day of a period of years/months/days beginning on `start`, moved off a rest day (art. 203)."""
    return calendar.next_working_day(nominal_end(start, years=years, months=months, days=days))


def working_days_end(start: date, calendar: WorkCalendar, count: int) -> date:
    """The last day of a period of `count` working days after `start`."""
    return calendar.add_working_days(start, count)
