"""Which days are working days in mainland China, given the State Council's holiday schedule.

A day is a rest day if the schedule lists it as a holiday, or if it is a Saturday or Sunday the
schedule does not list as a make-up working day (调休上班). A year counts as covered once the calendar
holds at least one holiday in it (every published schedule has New Year's Day); for an uncovered year
the calendar falls back to weekends only, and callers ask `uncovered_years` so they can warn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.i18n import _


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # 法定节假日 (a public holiday or a day of its block, weekends included)
    WORKDAY = "workday"  # 调休上班: a weekend day worked in exchange


@dataclass(frozen=True)
class HolidayDay:
    """One row of the calendar as the store and the CSV hold it."""

    day: date
    kind: DayKind
    name: str = ""


class WorkCalendar:
    """Rest days and working days over the holiday rows it was built from."""

    def __init__(self, days: Iterable[HolidayDay] = ()) -> None:
        self._days: dict[date, HolidayDay] = {d.day: d for d in days}
        self._covered = frozenset(d.day.year for d in self._days.values() if d.kind is DayKind.HOLIDAY)

    @property
    def covered_years(self) -> frozenset[int]:
        return self._covered

    def entry(self, day: date) -> HolidayDay | None:
        return self._days.get(day)

    def is_rest_day(self, day: date) -> bool:
        """Statutory rest day (法定休假日): a listed holiday, or a weekend not listed as worked."""
        entry = self._days.get(day)
        if entry is not None:
            return entry.kind is DayKind.HOLIDAY
        return day.weekday() >= 5

    def is_working_day(self, day: date) -> bool:
        return not self.is_rest_day(day)

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while self.is_rest_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (the start day itself is not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        while count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def uncovered_years(self, first: date, last: date) -> list[int]:
        """Years between the two dates (inclusive, either order) that the calendar holds no schedule for."""
        low, high = sorted((first.year, last.year))
        return [year for year in range(low, high + 1) if year not in self._covered]

    def uncovered_warning(self, year: int) -> str:
        """The one wording used everywhere a computation reaches a year without a schedule."""
        return _(
            "the holiday calendar has no schedule for {year}: dates in {year} are counted with weekends only; "
            "add the State Council schedule (contractdesk calendar import)"
        ).format(year=year)
