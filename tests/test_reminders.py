"""Reminders across contracts, and the iCalendar file `due --ics` writes (parsed back with `icalendar`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from app.base.i18n import set_language
from app.codecs.ics import write_ics
from app.rules.reminders import ReminderKind, ReminderSource, calendar_entries, reminders
from app.rules.schedule import ItemState, make_item
from tests import office_scenario as sc

NOW = datetime(2026, 2, 20, 1, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def cal():
    return sc.calendar()


def _events(path):
    with open(path, "rb") as fh:
        parsed = Calendar.from_ical(fh.read())
    return parsed, {str(e["UID"]): e for e in parsed.walk("VEVENT")}


def test_the_review_answer_is_reminded_on_its_working_day_deadline(cal):
    # Sent 2025-09-26; the answer is due 2025-10-10 (09-28 worked, 10-01..10-08 off).
    listed = reminders([sc.source_at(cal, date(2025, 10, 8))], date(2025, 10, 8))
    review = [r for r in listed if r.kind is ReminderKind.REVIEW]
    assert [(r.date, r.status) for r in review] == [(date(2025, 10, 10), "due in 2 days")]
    assert review[0].what == "Legality review opinion from 县司法局"


def test_the_panel_lists_overdue_first_then_the_week_ahead(cal):
    listed = reminders([sc.source_at(cal, date(2026, 2, 25))], date(2026, 2, 25))
    keys = [(r.key, r.date, r.state) for r in listed]
    # Filing: 5 working days after 2026-02-12 across the Spring Festival (02-14 worked) → 02-26;
    # instalment 1: 15 days after taking effect → 02-27. Filed with one office of two on 02-25: still due.
    assert ("lifecycle.filing", date(2026, 2, 26), ItemState.UPCOMING) in keys
    assert ("payment[1]", date(2026, 2, 27), ItemState.UPCOMING) in keys
    later = reminders([sc.source_at(cal, date(2026, 3, 4))], date(2026, 3, 4))
    assert later[0].overdue and later[0].key == "payment[1]"
    assert later[0].status == "overdue by 5 days"
    assert all(r.key != "lifecycle.filing" for r in later)  # filed with both offices by 03-02


def test_dismissed_items_stay_away_until_their_date_moves(cal):
    day = date(2026, 3, 4)
    first = reminders([sc.source_at(cal, day)], day)
    dismissed = {first[0].dismiss_key}
    assert all(r.key != first[0].key for r in reminders([sc.source_at(cal, day)], day, dismissed=dismissed))
    moved = ReminderSource("X", "x", [make_item("payment[1]", "p", "r", date(2026, 3, 1), None, day)])
    again = ReminderSource("X", "x", [make_item("payment[1]", "p", "r", date(2026, 3, 2), None, day)])
    key = reminders([moved], day)[0].dismiss_key
    assert reminders([moved], day, dismissed={key}) == []
    assert len(reminders([again], day, dismissed={key})) == 1


def test_renewal_comes_up_90_60_and_30_days_before_the_end(cal):
    ends = date(2026, 8, 11)
    source = ReminderSource("测政采〔2025〕037号", "办公家具采购合同", [], ends_on=ends)
    assert reminders([source], ends - timedelta(days=98)) == []
    at_90 = reminders([source], ends - timedelta(days=95))  # the 90-day mark falls within the week
    assert [r.key for r in at_90] == ["renewal.90"] and at_90[0].status == "the contract ends in 95 days"
    at_45 = reminders([source], ends - timedelta(days=45))
    assert [r.key for r in at_45] == ["renewal.60"]
    at_10 = reminders([source], ends - timedelta(days=10))
    assert [r.key for r in at_10] == ["renewal.30"]
    assert reminders([source], ends + timedelta(days=1)) == []


def test_the_ics_parses_with_the_right_all_day_dates_and_chinese_summaries(cal, tmp_path):
    set_language("zh_CN")
    day = date(2026, 2, 20)
    entries = calendar_entries([sc.source_at(cal, day)], day, 180)
    out = tmp_path / "due.ics"
    write_ics(entries, out, now=NOW, today=day)
    parsed, events = _events(out)
    assert str(parsed["VERSION"]) == "2.0"
    by_key = {e.key: e for e in entries}
    filing = events[by_key["lifecycle.filing"].uid]
    # All-day: DTSTART is a date (VALUE=DATE), the day after the holiday with its make-up Saturday counted.
    assert filing["DTSTART"].dt == date(2026, 2, 26) and not isinstance(filing["DTSTART"].dt, datetime)
    assert filing["DTEND"].dt == date(2026, 2, 27)
    assert str(filing["SUMMARY"]) == f"【备案】向县司法局、县档案馆备案（{sc.NUMBER}）"
    payment = events[by_key["payment[1]"].uid]
    assert payment["DTSTART"].dt == date(2026, 2, 27)
    assert str(payment["SUMMARY"]).startswith("【付款】")
    renewal = [e for e in entries if e.kind is ReminderKind.RENEWAL]
    assert [r.date for r in renewal] == [date(2026, 5, 13), date(2026, 6, 12), date(2026, 7, 12)]
    for entry in entries:
        event = events[entry.uid]
        assert event["DTSTART"].dt == entry.date
        assert event.walk("VALARM")[0]["TRIGGER"].dt == -timedelta(hours=15)
    assert len(events) == len(entries)
    text = out.read_bytes()
    assert b"\r\n" in text and "办公家具采购合同".encode() in text.replace(b"\r\n ", b"")


def test_uids_are_stable_so_a_new_import_updates_the_events(cal, tmp_path):
    day1, day2 = date(2026, 2, 20), date(2026, 2, 25)
    first = calendar_entries([sc.source_at(cal, day1)], day1, 30)
    second = calendar_entries([sc.source_at(cal, day2)], day2, 30)
    write_ics(first, tmp_path / "a.ics", now=NOW, today=day1)
    write_ics(second, tmp_path / "b.ics", now=NOW + timedelta(days=5), today=day2)
    _p, a = _events(tmp_path / "a.ics")
    _p, b = _events(tmp_path / "b.ics")
    shared = set(a) & set(b)
    assert {a[uid]["DTSTART"].dt for uid in shared} >= {date(2026, 2, 26), date(2026, 2, 27)}
    assert len(set(a)) == len(a) and len(set(b)) == len(b)
    # The same item of another contract has another UID.
    other = ReminderSource("另一份合同", "t", [make_item("payment[1]", "p", "r", day1, None, day1)])
    assert calendar_entries([other], day1, 1)[0].uid not in a


def test_due_ics_writes_what_due_lists(db, tmp_path, capsys):
    """`contractdesk due --ics OUT`: the acceptance window of 7 working days from Monday 2025-09-29 ends on 10-15
    (National Day off, Saturday 10-11 worked), and that is the event's day."""
    from app.cli import main
    from tests.conftest import SAMPLE_NUMBER

    db_arg = ["--db", str(db.path)]
    for name, day in [("signed_a", "2025-09-01"), ("signed_b", "2025-09-03"), ("acceptance_requested", "2025-09-29")]:
        assert main([*db_arg, "event", SAMPLE_NUMBER, name, day]) == 0
    out = tmp_path / "due.ics"
    capsys.readouterr()
    assert main([*db_arg, "--lang", "zh_CN", "due", "--within", "10", "--today", "2025-10-10", "--ics", str(out)]) == 0
    listed = capsys.readouterr().out
    assert "2025-10-15" in listed
    _parsed, events = _events(out)
    by_summary = {str(e["SUMMARY"]): e for e in events.values()}
    event = by_summary[f"【验收】组织验收（{SAMPLE_NUMBER}）"]
    assert event["DTSTART"].dt == date(2025, 10, 15)
    # The steps' deadlines are listed too: signed on 09-03, filing was due 5 working days later (the office's
    # default settings), and nothing records it as done.
    filing = next(e for summary, e in by_summary.items() if summary.startswith("【备案】"))
    assert filing["DTSTART"].dt == date(2025, 9, 10) and "2025-09-10" in listed
    assert len(events) == 2
    # Unwritable target: a clear error naming the file, exit 2.
    assert main([*db_arg, "due", "--today", "2025-10-10", "--ics", str(tmp_path)]) == 2
