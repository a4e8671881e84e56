"""Civil Code periods and working days over the published 2025–2026 schedules.

Every expected date below was worked out by hand from the State Council holiday notices for 2025 and
2026 (and a wall calendar), not produced by the code under test:
2025 Spring Festival 01-28..02-04 off, 01-26 (Sun) and 02-08 (Sat) worked; 2025 National Day 10-01..10-08
off, 09-28 (Sun) and 10-11 (Sat) worked; 2026 New Year 01-01..01-03 off, 01-04 (Sun) worked; 2026 Spring
Festival 02-15..02-23 off, 02-14 and 02-28 (Sat) worked; 2026 National Day 10-01..10-07 off, 09-20 (Sun)
and 10-10 (Sat) worked.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.codecs.calendar_package import package_days
from app.domain.calendar import WorkCalendar
from app.rules.periods import nominal_end, period_end, shift_months, working_days_end

D = date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(package_days())


@pytest.mark.parametrize(
    ("start", "count", "expected", "why"),
    [
        (D(2025, 9, 29), 7, D(2025, 10, 15), "9-30, 10-09, 10-10, 10-11 (make-up Sat), 10-13, 10-14, 10-15"),
        (D(2025, 9, 26), 1, D(2025, 9, 28), "Sat 9-27 off, Sun 9-28 worked"),
        (D(2025, 9, 30), 1, D(2025, 10, 9), "the whole National Day block is skipped"),
        (D(2025, 1, 24), 3, D(2025, 2, 5), "Sun 1-26 worked, 1-27, then 2-05 after the Spring Festival"),
        (D(2025, 2, 6), 2, D(2025, 2, 8), "2-07, then make-up Sat 2-08"),
        (D(2026, 2, 13), 2, D(2026, 2, 24), "make-up Sat 2-14, then 2-24 after 2-15..2-23"),
        (D(2026, 2, 26), 2, D(2026, 2, 28), "2-27, then make-up Sat 2-28"),
        (D(2026, 9, 18), 1, D(2026, 9, 20), "Sat 9-19 off, Sun 9-20 worked"),
        (D(2026, 9, 30), 3, D(2026, 10, 10), "10-08, 10-09, make-up Sat 10-10"),
        (D(2025, 12, 31), 1, D(2026, 1, 4), "1-01..1-03 off, Sun 1-04 worked"),
        (D(2025, 3, 7), 3, D(2025, 3, 12), "ordinary week: Mon 3-10, Tue 3-11, Wed 3-12"),
        (D(2025, 3, 7), 0, D(2025, 3, 7), "zero working days: the start day itself"),
    ],
)
def test_working_days(cal, start, count, expected, why):
    assert working_days_end(start, cal, count) == expected, why


def test_naive_weekday_count_would_be_wrong(cal):
    # The bug this feature exists for: skipping only weekends and holidays, without the make-up
    # Saturday 10-11, gives 10-16; the make-up day makes it 10-15.
    weekends_and_holidays_only = WorkCalendar([d for d in package_days() if d.kind.value == "holiday"])
    assert working_days_end(D(2025, 9, 29), weekends_and_holidays_only, 7) == D(2025, 10, 16)
    assert working_days_end(D(2025, 9, 29), cal, 7) == D(2025, 10, 15)


@pytest.mark.parametrize(
    ("start", "period", "expected", "why"),
    [
        (D(2025, 3, 3), {"days": 1}, D(2025, 3, 4), "art. 201: the start day is not counted"),
        (D(2025, 2, 6), {"days": 30}, D(2025, 3, 10), "ends Sat 3-08, rolls to Mon 3-10"),
        (D(2025, 9, 11), {"days": 30}, D(2025, 10, 11), "ends on make-up Sat 10-11, a working day: no roll"),
        (D(2025, 9, 3), {"days": 30}, D(2025, 10, 9), "ends 10-03 in National Day, rolls to 10-09"),
        (D(2026, 1, 16), {"days": 30}, D(2026, 2, 24), "ends 2-15 in Spring Festival 2026, rolls to 2-24"),
        (D(2025, 12, 31), {"days": 1}, D(2026, 1, 4), "ends on New Year 2026, rest ends 1-03, 1-04 is worked"),
        (D(2025, 1, 31), {"months": 1}, D(2025, 2, 28), "art. 202: no 2-31, last day of February"),
        (D(2024, 1, 31), {"months": 1}, D(2024, 2, 29), "leap year"),
        (D(2025, 3, 31), {"months": 1}, D(2025, 4, 30), "no 4-31"),
        (D(2025, 10, 31), {"months": 1}, D(2025, 12, 1), "no 11-31; 11-30 is a Sunday, rolls to Mon 12-01"),
        (D(2025, 11, 30), {"months": 3}, D(2026, 2, 28), "no 2-30; 2-28 is a make-up Saturday, no roll"),
        (D(2025, 10, 24), {"months": 35}, D(2028, 9, 25), "9-24-2028 is a Sunday (weekends only in 2028)"),
        (D(2024, 2, 29), {"years": 1}, D(2025, 2, 28), "no 2-29 in 2025"),
        (D(2025, 10, 24), {"years": 1}, D(2026, 10, 26), "Sat 10-24, Sun 10-25, Mon 10-26"),
        (D(2025, 9, 30), {"years": 1}, D(2026, 9, 30), "corresponding day, a Wednesday"),
        (D(2024, 10, 1), {"years": 1}, D(2025, 10, 9), "National Day 2025, rolls past 10-08"),
    ],
)
def test_calendar_periods(cal, start, period, expected, why):
    assert period_end(start, cal, **period) == expected, why


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2025, 5, 31), 13, D(2026, 6, 30)),
    ],
)
def test_shift_months(start, months, expected):
    assert shift_months(start, months) == expected


def test_nominal_end_applies_months_before_days():
    # 1-31 + 1 month = 2-28, then + 1 day = 3-01; 1-30 + 1 month = 2-28, then + 2 days = 3-02
    # (days first would give 2-01 + 1 month = 3-01).
    assert nominal_end(D(2025, 1, 31), months=1, days=1) == D(2025, 3, 1)
    assert nominal_end(D(2025, 1, 30), months=1, days=2) == D(2025, 3, 2)


def test_negative_period_refused(cal):
    with pytest.raises(ValueError):
        period_end(D(2025, 1, 1), cal, days=-1)


def test_year_outside_the_calendar_is_weekends_only_and_reported(cal):
    # 2027 is not in the seeded data: 2027-01-01 (a Friday, surely New Year's Day) counts as a working
    # day, which is exactly why callers must warn.
    assert cal.is_working_day(D(2027, 1, 1))
    assert cal.is_rest_day(D(2027, 1, 2))  # Saturday
    assert period_end(D(2026, 12, 20), cal, days=30) == D(2027, 1, 19)  # a Tuesday
    assert cal.uncovered_years(D(2026, 12, 20), D(2027, 1, 19)) == [2027]
    assert cal.uncovered_years(D(2025, 1, 1), D(2026, 12, 31)) == []


def test_past_the_last_date_is_an_overflow_whatever_the_unit(cal):
    # Days already overflowed inside date arithmetic; months and years must fail the same way, so a
    # caller catches one error (not ValueError from one path and OverflowError from the other).
    for period in ({"days": 30}, {"months": 35}, {"years": 1}):
        with pytest.raises(OverflowError):
            period_end(D(9999, 12, 20), cal, **period)
    with pytest.raises(OverflowError):
        working_days_end(D(9999, 12, 30), cal, 7)
