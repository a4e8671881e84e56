"""Which days are working days in mainland China, given the State Council's holiday schedule.

A day is a rest day if the schedule lists it as a holiday, or if it is a Saturday or Sunday the
schedule does not list as a make-up working day (调休上班). A year counts as covered only when its
schedule looks complete: every State Council notice has New Year's Day (01-01), a Spring Festival block
(at least three days between late January and the end of February) and National Day (10-01..10-03), so a
year missing any of them was typed in part or not at all. For such a year the calendar uses whatever
rows it has and otherwise weekends only; callers ask `uncovered_years` so they can warn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.base.i18n import _


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # 法定节假日 (a public holiday or a day of its block, weekends included)
    WORKDAY = "workday"  # 调休上班: a weekend day worked in exchange


@dataclass(frozen=True)
class HolidayDay:
    """One row of the calendar as the store and the CSV hold it."""

    day: date
    kind: DayKind
    name: str = ""


#: Spring Festival falls between 01-21 and 02-20; its holiday block lies in this window in every year.
SPRING_FESTIVAL_WINDOW = ((1, 20), (2, 29))
#: The statutory Spring Festival holiday was three days until 2024 (four since 2025).
SPRING_FESTIVAL_MIN_DAYS = 3


def _missing_holidays(year: int, holidays: set[date]) -> list[str]:
    """The holidays every published schedule has that `holidays` (the year's rest days listed) lacks."""
    missing = []
    if date(year, 1, 1) not in holidays:
        missing.append(_("New Year's Day"))
    (m1, d1), (m2, d2) = SPRING_FESTIVAL_WINDOW
    spring = [d for d in holidays if (m1, d1) <= (d.month, d.day) <= (m2, d2)]
    if len(spring) < SPRING_FESTIVAL_MIN_DAYS:
        missing.append(_("Spring Festival"))
    if any(date(year, 10, day) not in holidays for day in (1, 2, 3)):
        missing.append(_("National Day"))
    return missing


class WorkCalendar:
    """Rest days and working days over the holiday rows it was built from."""

    def __init__(self, days: Iterable[HolidayDay] = ()) -> None:
        self._days: dict[date, HolidayDay] = {d.day: d for d in days}
        holidays: dict[int, set[date]] = {}
        for d in self._days.values():
            bucket = holidays.setdefault(d.day.year, set())
            if d.kind is DayKind.HOLIDAY:
                bucket.add(d.day)
        #: per year with any row: the holidays its schedule lacks (empty for a complete year)
        self._missing = {year: _missing_holidays(year, days) for year, days in holidays.items()}
        self._covered = frozenset(year for year, missing in self._missing.items() if not missing)

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
        """Years between the two dates (inclusive, either order) without a complete-looking schedule."""
        low, high = sorted((first.year, last.year))
        return [year for year in range(low, high + 1) if year not in self._covered]

    def uncovered_warning(self, year: int) -> str:
        """The one wording used everywhere a computation reaches a year without a (complete) schedule. How to add
        one is the adapter's to say: the command line names its command, the window offers a button."""
        missing = self._missing.get(year)
        if missing:
            # The year has rows, but not those every schedule has: typed in part.
            return _(
                "the holiday calendar's schedule for {year} looks incomplete (no {missing}): dates in {year} are "
                "counted with the listed days and weekends only; import the full State Council schedule"
            ).format(year=year, missing=_(", ").join(missing))
        return _(
            "the holiday calendar has no schedule for {year}: dates in {year} are counted with weekends only; "
            "add the State Council schedule"
        ).format(year=year)
