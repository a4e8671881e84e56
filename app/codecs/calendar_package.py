"""The published schedules shipped in the `chinese-calendar` package, as calendar rows.

The package holds the State Council notices (holidays and make-up working days) up to the year of its
release; it raises for years it does not know, so it is read once to seed the editable table and never
consulted at computation time.
"""

from __future__ import annotations

from app.domain.calendar import DayKind, HolidayDay


def _chinese_name(english: str) -> str:
    import chinese_calendar

    for holiday in chinese_calendar.Holiday:
        if holiday.value == english:
            return holiday.chinese
    return english


def package_days() -> list[HolidayDay]:
    """Every holiday and make-up working day the package knows, with Chinese names."""
    from chinese_calendar import constants

    rows = [HolidayDay(day, DayKind.HOLIDAY, _chinese_name(name)) for day, name in constants.holidays.items()]
    rows += [
        HolidayDay(day, DayKind.WORKDAY, _chinese_name(name) + "调休上班") for day, name in constants.workdays.items()
    ]
    return sorted(rows, key=lambda r: r.day)
