"""The holiday calendar: seeding, the stored rows, CSV import and the `calendar` commands.

The dates checked against the seeded data are copied by hand from the State Council notices for 2025 and
2026. The 2027 rows in the CSV tests are test data, not an official schedule.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from app.base.errors import NotFound, UserError
from app.codecs.calendar_csv import CalendarFileError, parse_calendar_csv, read_calendar_csv
from app.domain.calendar import DayKind, HolidayDay
from app.ops.first_run import open_store, seed_holidays
from app.store.calendar import add_day, holiday_rows, load_calendar, remove_day
from app.store.schema import HolidayRow

D = date

# Make-up working days (调休上班) in the published notices.
MAKE_UP_DAYS = [
    D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11),
    D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10),
]  # fmt: skip
# Days off, weekdays among them, from the same notices.
DAYS_OFF = [
    D(2025, 1, 1), D(2025, 1, 28), D(2025, 2, 4), D(2025, 5, 5), D(2025, 6, 2),
    D(2025, 10, 1), D(2025, 10, 6), D(2025, 10, 8),
    D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 23), D(2026, 10, 1), D(2026, 10, 7),
]  # fmt: skip


def _count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(HolidayRow))


def test_new_database_is_seeded_with_make_up_days(db):
    calendar = load_calendar(db)
    assert {2025, 2026} <= calendar.covered_years
    assert 2027 not in calendar.covered_years
    for day in MAKE_UP_DAYS:
        assert day.weekday() >= 5, day  # the notice's make-up days are weekend days
        assert calendar.is_working_day(day), day
        assert calendar.entry(day).kind is DayKind.WORKDAY
    for day in DAYS_OFF:
        assert calendar.is_rest_day(day), day
    assert calendar.entry(D(2025, 10, 1)).name == "国庆节"
    assert calendar.is_working_day(D(2025, 10, 9))  # an ordinary Thursday after the holiday


def test_empty_table_of_an_existing_database_is_seeded_once(db):
    with db.transaction() as s:
        s.execute(delete(HolidayRow))
    assert _count(db) == 0  # as in a database made before the calendar existed
    reopened = open_store(db.path)
    try:
        seeded = _count(reopened)
        assert seeded > 500 and load_calendar(reopened).is_working_day(D(2025, 10, 11))
        assert seed_holidays(reopened) == 0  # not again
    finally:
        reopened.close()


def test_user_edits_survive_reloading(db):
    remove_day(db, D(2025, 10, 11))
    add_day(db, HolidayDay(D(2025, 10, 10), DayKind.HOLIDAY, "本地调整"))
    calendar = load_calendar(db)
    assert calendar.is_rest_day(D(2025, 10, 11))  # plain Saturday now
    assert calendar.is_rest_day(D(2025, 10, 10))
    assert calendar.entry(D(2025, 10, 10)).name == "本地调整"
    with pytest.raises(NotFound):
        remove_day(db, D(2025, 3, 12))


def test_rows_of_one_year(db):
    rows = holiday_rows(db, 2025)
    assert rows and all(r.day.year == 2025 for r in rows)
    assert [r.day for r in rows] == sorted(r.day for r in rows)
    assert HolidayDay(D(2025, 10, 11), DayKind.WORKDAY, "国庆节调休上班") in rows


def test_csv_parses_header_aliases_and_comments():
    text = "date,kind,name\n# 2027 test rows\n2027-01-01,holiday,元旦\n2027-02-06 , 班 , 春节调休上班\n\n2027-02-08,休,春节\n"
    rows = parse_calendar_csv(text)
    assert rows == [
        HolidayDay(D(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        HolidayDay(D(2027, 2, 6), DayKind.WORKDAY, "春节调休上班"),
        HolidayDay(D(2027, 2, 8), DayKind.HOLIDAY, "春节"),
    ]


def test_csv_problems_name_every_line():
    text = (
        "date,kind,name\n"
        "2027-01-02,holiday,元旦\n"
        "2027-13-01,holiday,bad month\n"
        "2027/01/02,holiday,slashes\n"
        "2027-01-03,rest,unknown kind\n"
        "2027-01-04,workday,a Monday\n"
        "2027-01-02,workday,clash\n"
        "2027-01-05\n"
    )
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_csv(text, "cal.csv")
    problems = info.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8"]
    assert "'2027/01/02' is not a date (YYYY-MM-DD)" in problems[1]
    assert "kind must be holiday or workday" in problems[2]
    assert "2027-01-04 is a weekday" in problems[3]
    assert "line 2" in problems[4]
    assert str(info.value).startswith("cal.csv: line 3")
    assert "and 1 more problems" in str(info.value)


def test_csv_with_chinese_header_and_kind_words(tmp_path):
    text = (
        "日期,类型,名称\n"
        "2027-01-01,假日,元旦\n"
        "2027-02-06,调休,春节调休上班\n"
        "2027-02-08,节假日,春节\n"
        "2027-02-20,补班,春节调休上班\n"
        "2027-09-26,调休上班,国庆节调休上班\n"
    )
    assert [(r.day, r.kind) for r in parse_calendar_csv(text)] == [
        (D(2027, 1, 1), DayKind.HOLIDAY),
        (D(2027, 2, 6), DayKind.WORKDAY),
        (D(2027, 2, 8), DayKind.HOLIDAY),
        (D(2027, 2, 20), DayKind.WORKDAY),
        (D(2027, 9, 26), DayKind.WORKDAY),
    ]
    gbk = tmp_path / "excel.csv"  # what Excel on a Chinese Windows saves
    gbk.write_bytes(text.encode("gbk"))
    assert len(read_calendar_csv(gbk)) == 5
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_csv("日期,类型,名称\n2027-01-01,假日,元旦\n2027-01-02,放假了,元旦\n日期,类型,名称\n")
    assert info.value.problems[0].startswith("line 3: kind must be holiday or workday, not '放假了'")
    assert info.value.problems[1] == "line 4: '日期' is not a date (YYYY-MM-DD)"  # a header only heads the file


def test_csv_reads_gbk_and_bom(tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("2027-01-01,holiday,元旦\n".encode("gbk"))
    assert read_calendar_csv(gbk)[0].name == "元旦"
    bom = tmp_path / "bom.csv"
    bom.write_bytes("date,kind,name\n2027-01-01,holiday,元旦\n".encode("utf-8-sig"))
    assert read_calendar_csv(bom)[0].day == D(2027, 1, 1)
    with pytest.raises(UserError, match="no calendar rows"):
        parse_calendar_csv("date,kind,name\n")
    with pytest.raises(UserError, match="no such file"):
        read_calendar_csv(tmp_path / "missing.csv")


def test_cli_import_is_all_or_nothing_then_covers_the_year(cli, db, tmp_path):
    db.close()
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n", encoding="utf-8")
    result = cli("calendar", "import", str(bad))
    assert result.code == 2
    assert "bad.csv: line 3: '2027-02-30' is not a date" in result.err
    listed = cli("calendar", "list", "--year", "2027", "--json")
    assert json.loads(listed.out) == []  # nothing of the bad file was stored
    assert "no schedule for 2027" in listed.err
    assert "imported with: contractdesk calendar import FILE.csv" in listed.err  # the command line names its way

    part = tmp_path / "2027-part.csv"
    part.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休上班\n", encoding="utf-8")
    result = cli("calendar", "import", str(part))
    assert result.code == 0, result
    assert "2 days imported for 2027" in result.out
    assert "schedule for 2027 looks incomplete" in result.err  # two rows are not a year's schedule
    listed = cli("calendar", "list", "--year", "2027")
    assert listed.out.splitlines() == ["2027-01-01\tholiday\t元旦", "2027-02-06\tworkday\t春节调休上班"]
    assert "schedule for 2027 looks incomplete" in listed.err

    full = tmp_path / "2027.csv"
    full.write_text(_full_year_csv(2027), encoding="utf-8")
    result = cli("calendar", "import", str(full))
    assert result.code == 0, result
    assert "warning" not in result.err
    listed = cli("calendar", "list", "--year", "2027")
    assert "2027-02-06\tworkday\t春节调休上班" in listed.out.splitlines()
    assert "warning" not in listed.err


def _full_year_csv(year: int) -> str:
    """Test data shaped like a State Council schedule: New Year, Spring Festival and National Day blocks."""
    rows = [f"{year}-01-01,holiday,元旦"]
    rows += [f"{year}-02-{d:02},holiday,春节" for d in range(7, 14)]
    rows += [f"{year}-10-{d:02},holiday,国庆节" for d in range(1, 8)]
    return "date,kind,name\n" + "\n".join(rows) + "\n"


def test_a_year_is_covered_only_when_its_schedule_looks_complete(db):
    from app.domain.calendar import WorkCalendar

    base = load_calendar(db)
    assert set(range(2004, 2027)) <= base.covered_years  # every bundled year is complete
    rows = parse_calendar_csv(_full_year_csv(2027))
    assert 2027 in WorkCalendar(rows).covered_years

    def without(*days):
        return WorkCalendar(r for r in rows if r.day not in days)

    no_new_year = without(D(2027, 1, 1))
    assert 2027 not in no_new_year.covered_years
    assert no_new_year.uncovered_years(D(2026, 12, 1), D(2027, 3, 1)) == [2026, 2027]
    warning = no_new_year.uncovered_warning(2027)
    assert "schedule for 2027 looks incomplete" in warning and "New Year's Day" in warning
    assert "Spring Festival" not in warning
    assert 2027 not in without(D(2027, 10, 3)).covered_years  # National Day needs 10-01..10-03
    assert "National Day" in without(D(2027, 10, 3)).uncovered_warning(2027)
    spring = without(*(D(2027, 2, d) for d in range(7, 12)))  # only two Spring Festival days left
    assert "Spring Festival" in spring.uncovered_warning(2027)
    empty = WorkCalendar()
    assert empty.uncovered_warning(2027).startswith("the holiday calendar has no schedule for 2027")


def test_cli_add_and_remove_a_day(cli):
    assert cli("calendar", "add", "2027-01-01", "holiday", "元旦").code == 0
    result = cli("calendar", "add", "2027-01-04", "workday")
    assert result.code == 2 and "2027-01-04 is a weekday" in result.err
    result = cli("calendar", "add", "2027-1-4", "holiday")
    assert result.code == 2 and "'2027-1-4' is not a date (YYYY-MM-DD)" in result.err
    assert cli("calendar", "remove", "2027-01-01").code == 0
    result = cli("calendar", "list", "--year", "2027", "--json")
    assert json.loads(result.out) == []
