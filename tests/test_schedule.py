"""The schedule of the sample contract, the `due` list, and the schedule/due/event/invoice commands.

Expected dates were worked out by hand from the 2025/2026 State Council holiday notices (see
test_periods.py for the holiday blocks) and a wall calendar; 2027 and 2028 count weekends only.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.codecs.calendar_package import package_days
from app.domain import Invoice
from app.domain.calendar import WorkCalendar
from app.rules.schedule import ItemState, build_schedule, due_within, next_deadline

D = date
NUMBER = "CMHA-AY-202500441"


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(package_days())


@pytest.fixture
def signed(sample):
    """Signed 09-01 and 09-03, request 09-29, reminder 10-16, accepted 10-24, invoices for 1 and 2."""
    ev = sample.events
    ev.signed_a, ev.signed_b = D(2025, 9, 1), D(2025, 9, 3)
    ev.acceptance_requested, ev.reminder_sent, ev.accepted = D(2025, 9, 29), D(2025, 10, 16), D(2025, 10, 24)
    ev.invoices = [Invoice(D(2025, 10, 27), 1), Invoice(D(2026, 10, 28), 2, "No. 2")]
    return sample


def by_key(schedule):
    return {item.key: item for item in schedule.items}


def test_sample_full_schedule(signed, cal):
    items = by_key(build_schedule(signed, cal, D(2025, 11, 1)))
    assert items["acceptance"].late_days == 9  # accepted 10-24
    # Not late: an invoice issued after it may be (10-27, from 10-24), the end of the deemed-acceptance
    # window passing before the acceptance, a period that ran out.
    assert items["invoice[1]"].done_on == D(2025, 10, 27) and items["invoice[1]"].late_days is None
    assert items["deemed_acceptance"].done_on == D(2025, 10, 24) and items["deemed_acceptance"].late_days is None
    expected = {
        # key: (date, status)
        "effective": (D(2025, 9, 3), "done"),  # later signing date (clause 10.2)
        "delivery": (D(2025, 10, 9), "done"),  # 9-03 + 30 = 10-03, National Day → 10-09
        "acceptance_request": (None, "done"),  # no recorded "ready" event to count from
        "acceptance": (D(2025, 10, 15), "done 9 days late"),  # 7 working days after 9-29 (make-up Sat 10-11)
        "deemed_acceptance": (D(2025, 10, 21), "done"),  # 10-17, 10-20, 10-21 after the reminder of 10-16
        "maintenance_end": (D(2028, 9, 25), "due in 1059 days"),  # 2028-09-24 is a Sunday
        "invoice[1]": (D(2025, 10, 24), "done"),
        "payment[1]": (D(2025, 11, 26), "due in 25 days"),  # invoice 10-27 + 30 days, a Wednesday
        "invoice[2]": (D(2026, 10, 26), "done"),  # 2026-10-24 is a Saturday
        "payment[2]": (D(2026, 11, 27), "due in 391 days"),  # invoice 10-28 + 30 days, a Friday
        "invoice[3]": (D(2027, 10, 25), "due in 723 days"),  # 2027-10-24 is a Sunday
        "payment[3]": (None, "waiting"),
        "change_notice": (None, "waiting"),
    }
    assert {k: (v.date, v.status) for k, v in items.items()} == expected
    assert items["payment[3]"].waits_for == "the invoice for instalment 3 (can be issued from 2027-10-25)"
    assert items["delivery"].done_on == D(2025, 9, 29)
    assert items["payment[1]"].amount == items["payment[2]"].amount == signed.payments[0].amount
    assert items["payment[2]"].kind.value == "payment" and items["payment[2]"].payment == 2


def test_sample_schedule_warns_about_years_without_calendar(signed, cal):
    schedule = build_schedule(signed, cal, D(2025, 11, 1))
    assert len(schedule.warnings) == 2
    assert "no schedule for 2027" in schedule.warnings[0]
    assert "no schedule for 2028" in schedule.warnings[1]
    covered = WorkCalendar([*package_days(), *_fake_years(2027, 2028)])
    assert build_schedule(signed, covered, D(2025, 11, 1)).warnings == []


def _fake_years(*years):
    """Test rows shaped like a complete schedule (New Year, Spring Festival, National Day); not official."""
    from app.domain.calendar import DayKind, HolidayDay

    days = [D(y, 1, 1) for y in years]
    days += [D(y, 2, d) for y in years for d in range(6, 12)]
    days += [D(y, 10, d) for y in years for d in range(1, 8)]
    return [HolidayDay(day, DayKind.HOLIDAY, "test") for day in days]


def test_a_year_with_only_a_few_rows_is_still_warned(signed, cal):
    # One New Year's Day row per year is not a schedule: 2027 and 2028 still count weekends only.
    from app.domain.calendar import DayKind, HolidayDay

    partial = WorkCalendar([*package_days(), *(HolidayDay(D(y, 1, 1), DayKind.HOLIDAY, "元旦") for y in (2027, 2028))])
    warnings = build_schedule(signed, partial, D(2025, 11, 1)).warnings
    assert len(warnings) == 2
    assert "schedule for 2027 looks incomplete" in warnings[0] and "Spring Festival" in warnings[0]
    assert "schedule for 2028 looks incomplete" in warnings[1]
    # the `due` list warns the same way when its look-ahead reaches such a year
    assert "2027" in due_within([signed], partial, D(2026, 12, 20), 30).warnings[0]


def test_unsigned_sample_waits_for_events(sample, cal):
    schedule = build_schedule(sample, cal, D(2025, 9, 1))
    assert all(item.date is None and item.state is ItemState.WAITING for item in schedule.items)
    items = by_key(schedule)
    assert items["effective"].waits_for == "signature of party A and signature of party B"
    assert items["delivery"].waits_for == "the contract taking effect"
    assert items["invoice[2]"].waits_for == "acceptance + 1 year"
    assert items["payment[3]"].waits_for == "acceptance + 2 years, then the invoice"
    assert schedule.warnings == []
    assert schedule.next_item() is None


def test_overdue_and_today(sample, cal):
    sample.events.signed_a = sample.events.signed_b = D(2025, 9, 3)
    items = by_key(build_schedule(sample, cal, D(2025, 10, 9)))
    assert items["delivery"].status == "due today"
    items = by_key(build_schedule(sample, cal, D(2025, 10, 13)))
    assert items["delivery"].status == "overdue by 4 days"
    assert items["delivery"].days == -4
    assert next_deadline(sample, cal, D(2025, 10, 13)).key == "delivery"


def test_done_after_the_deadline_shows_how_late(signed, cal):
    # Delivery was due 2025-10-09; the acceptance request (work ready) came on 12-11: 63 days late.
    ev = signed.events
    ev.acceptance_requested, ev.reminder_sent, ev.accepted = D(2025, 12, 11), None, D(2025, 12, 12)
    schedule = build_schedule(signed, cal, D(2026, 1, 5))
    items = by_key(schedule)
    late = items["delivery"]
    assert late.state is ItemState.DONE and late.late_days == 63
    assert late.status == "done 63 days late"
    assert late.as_json()["late_days"] == 63 and late.as_json()["status"] == "done 63 days late"
    # on time stays plain "done" (acceptance 1 working day after the request; effective on its own date)
    for key in ("acceptance", "effective"):
        assert items[key].status == "done" and items[key].late_days is None, key
        assert items[key].as_json()["late_days"] is None
    ev.acceptance_requested = D(2025, 10, 10)  # one day late
    assert by_key(build_schedule(signed, cal, D(2026, 1, 5)))["delivery"].status == "done 1 day late"


def test_schedule_tab_shows_done_late(qtbot, db, signed):
    from app.store.contracts import save
    from ui.schedule_tab import ScheduleTab

    signed.events.acceptance_requested, signed.events.accepted = D(2025, 12, 11), D(2025, 12, 12)
    save(db, signed, replace=True)
    tab = ScheduleTab(db, today=D(2026, 1, 5))
    qtbot.addWidget(tab)
    tab.set_contract(NUMBER)
    tree = tab.tree
    rows = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    delivery = rows["Work complete and ready for acceptance"]
    assert delivery.text(3) == "done 63 days late"
    assert "2025-12-11" in delivery.toolTip(3)
    assert rows["Contract takes effect"].text(3) == "done"


def test_deemed_acceptance_when_reminder_comes_early(sample, cal):
    # Request 9-29 → window ends 10-15. Reminder 10-09 + 3 working days = 10-13 (10-10, make-up Sat
    # 10-11, Mon 10-13); both must have passed, so deemed accepted after 10-15.
    ev = sample.events
    ev.signed_a = ev.signed_b = D(2025, 9, 3)
    ev.acceptance_requested, ev.reminder_sent = D(2025, 9, 29), D(2025, 10, 9)
    schedule = build_schedule(sample, cal, D(2025, 10, 14))
    assert by_key(schedule)["deemed_acceptance"].date == D(2025, 10, 15)
    assert by_key(schedule)["deemed_acceptance"].status == "due in 1 day"
    later = build_schedule(sample, cal, D(2025, 10, 20))
    assert by_key(later)["deemed_acceptance"].state is ItemState.DONE
    assert any("acceptance counts as given on 2025-10-15" in w for w in later.warnings)


def test_year_not_in_calendar_is_warned(sample, cal):
    # Signed 2026-12-20: delivery 30 days later is 2027-01-19 (a Tuesday), in a year without a schedule.
    sample.events.signed_a = sample.events.signed_b = D(2026, 12, 20)
    schedule = build_schedule(sample, cal, D(2026, 12, 21))
    assert by_key(schedule)["delivery"].date == D(2027, 1, 19)
    assert schedule.warnings and "2027" in schedule.warnings[0]


def test_due_within_lists_soonest_first(signed, sample, cal):
    other = type(signed)(**{**signed.__dict__})
    other.number = "B-2"
    other.events = type(signed.events)(signed_a=D(2025, 10, 20), signed_b=D(2025, 10, 20))
    # B-2 delivery: 10-20 + 30 = 11-19 (a Wednesday)
    result = due_within([signed, other], cal, D(2025, 11, 1), 30)
    assert [(e.number, e.item.key, e.item.date) for e in result.entries] == [
        ("B-2", "delivery", D(2025, 11, 19)),
        (NUMBER, "payment[1]", D(2025, 11, 26)),
    ]
    assert result.warnings == []
    assert [e.item.key for e in due_within([signed, other], cal, D(2025, 11, 1), 20).entries] == ["delivery"]


def test_json_item_fields(signed, cal):
    data = build_schedule(signed, cal, D(2025, 11, 1)).as_json()
    item = next(i for i in data["items"] if i["key"] == "payment[1]")
    assert item["date"] == "2025-11-26" and item["waits_for"] is None and item["status"] == "due in 25 days"
    assert item["amount"] == "1424430.00" and item["rule"].startswith("within 30 days after the invoice")
    assert isinstance(data["warnings"], list)


# ---- command line -------------------------------------------------------------------------------


def test_cli_event_then_schedule(cli):
    assert cli("event", NUMBER, "signed_a", "2025-09-01").code == 0
    assert cli("event", NUMBER, "signed_b", "2025-09-03").code == 0
    assert cli("event", NUMBER, "acceptance_requested", "2025-09-29").code == 0
    result = cli("schedule", NUMBER, "--json", "--today", "2025-10-10")
    assert result.code == 0, result
    data = json.loads(result.out)
    items = {i["key"]: i for i in data["items"]}
    assert items["delivery"]["status"] == "done" and items["delivery"]["late_days"] is None
    assert items["acceptance"]["date"] == "2025-10-15" and items["acceptance"]["status"] == "due in 5 days"
    assert (
        items["payment[2]"]["date"] is None
        and items["payment[2]"]["waits_for"] == "acceptance + 1 year, then the invoice"
    )
    assert data["warnings"] == []

    assert cli("event", NUMBER, "acceptance_requested", "--clear").code == 0
    data = json.loads(cli("schedule", NUMBER, "--json", "--today", "2025-10-10").out)
    assert next(i for i in data["items"] if i["key"] == "acceptance")["waits_for"] == "the acceptance request"


def test_cli_event_and_invoice_errors(cli):
    result = cli("event", NUMBER, "signed_b", "2025-9-3")
    assert result.code == 2 and "signed_b: '2025-9-3' is not a date (YYYY-MM-DD)" in result.err
    result = cli("event", NUMBER, "paid", "2025-09-03")
    assert result.code == 2 and "unknown event" in result.err and "accepted" in result.err
    result = cli("event", NUMBER, "accepted")
    assert result.code == 2 and "--clear" in result.err
    result = cli("event", "NO-SUCH", "accepted", "2025-10-24")
    assert result.code == 2 and "NO-SUCH" in result.err
    result = cli("invoice", NUMBER, "2025-10-27", "--payment", "4")
    assert result.code == 2 and "--payment" in result.err
    assert "Traceback" not in result.err


def test_cli_invoice_due_and_text_schedule(cli, tmp_path):
    for name, day in [("signed_a", "2025-09-01"), ("signed_b", "2025-09-03"), ("accepted", "2025-10-24")]:
        assert cli("event", NUMBER, name, day).code == 0
    assert cli("invoice", NUMBER, "2025-10-27", "--payment", "1").code == 0
    result = cli("due", "--within", "30", "--today", "2025-11-01")
    assert result.code == 0, result
    # Filing with the offices of the (default) office settings was due 5 working days after the signing: the
    # steps' deadlines are listed with the schedule's.
    assert result.out.splitlines() == [
        f"2025-09-10  overdue by 52 days        {NUMBER}  Filing with 司法局, 档案室",
        f"2025-11-26  due in 25 days            {NUMBER}  Instalment 1: payment of ¥1,424,430.00",
    ]
    data = json.loads(cli("due", "--within", "400", "--today", "2025-11-01", "--json").out)
    assert [i["key"] for i in data["items"]] == ["lifecycle.filing", "payment[1]", "invoice[2]"]
    assert cli("due", "--within", "soon").code == 2

    text = cli("schedule", NUMBER, "--today", "2025-11-01")
    assert "2025-11-26  due in 25 days" in text.out
    assert "warning: the holiday calendar has no schedule for 2027" in text.err
    exported = tmp_path / "c.json"
    assert cli("export", NUMBER, "--json", str(exported)).code == 0
    events = json.loads(exported.read_text(encoding="utf-8"))["events"]
    assert events["accepted"] == "2025-10-24" and events["invoices"][0]["payment"] == 1


def test_a_mistyped_far_future_year_does_not_stop_the_schedule_or_the_due_list(signed, sample, cal):
    # Signed "9999-12-20" (a slip for 2025): delivery, maintenance and payments would fall after the last
    # date there is. Before, one such contract made `schedule`, `due` and the contract list crash.
    typo = type(sample)(**{**sample.__dict__})
    typo.number = "TYPO-1"
    typo.events = type(sample.events)(signed_a=D(2025, 9, 1), signed_b=D(9999, 12, 20), accepted=D(9999, 12, 30))
    schedule = build_schedule(typo, cal, D(2025, 11, 1))
    items = by_key(schedule)
    assert items["effective"].date == D(9999, 12, 20)
    assert items["delivery"].date is None  # 9999-12-20 + 30 days does not exist
    assert items["maintenance_end"].date is None
    assert items["invoice[1]"].date == D(9999, 12, 30)  # counted from acceptance with no period
    assert any("9999" in w for w in schedule.warnings)
    assert next_deadline(typo, cal, D(2025, 11, 1)) is not None
    result = due_within([signed, typo], cal, D(2025, 11, 1), 30)
    assert [(e.number, e.item.key) for e in result.entries] == [(NUMBER, "payment[1]")]


def test_cli_schedule_and_due_with_a_far_future_event(cli, db, sample):
    from app.store import contracts

    # Such a date is refused where it is typed now, but a database may hold one from before.
    sample.events.signed_a, sample.events.signed_b = D(2025, 9, 1), D(9999, 12, 20)
    contracts.save(db, sample, replace=True)
    for args in (("schedule", NUMBER, "--today", "2025-11-01"), ("due", "--today", "2025-11-01"), ("list",)):
        result = cli(*args)
        assert result.code == 0, result
        assert "Traceback" not in result.err
    assert "9999" in cli("schedule", NUMBER, "--today", "2025-11-01").err


@pytest.mark.parametrize("typed", ["9999-12-20", "2205-10-01", "0205-10-01"])
def test_cli_event_refuses_a_year_no_contract_has(cli, typed):
    result = cli("event", NUMBER, "signed_b", typed)
    assert result.code == 2 and "Traceback" not in result.err
    assert f"signed_b: {typed} is outside the years" in result.err
    assert json.loads(cli("schedule", NUMBER, "--json").out)["items"][0]["date"] is None  # nothing recorded
