"""The issue's "done when", in pure form: a ¥80,000 contract of a test office (thresholds 50,000 / 500,000, review and
filing 5 working days) walks through every step; deadlines are right across holidays with make-up working days;
a skipped step needs a reason; the ledger's totals match the payments to the fen; the .ics parses."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from app.base.errors import UserError
from app.codecs.ics import ics_bytes
from app.codecs.ledger_xlsx import LETTER, export_ledger_xlsx
from app.rules.lifecycle.steps import Event, EventKind, Stage, Step, StepState, record
from app.rules.office import Approver
from app.rules.reminders import calendar_entries
from tests import office_scenario as sc


@pytest.fixture(scope="module")
def cal():
    return sc.calendar()


def test_the_contract_walks_through_every_step(cal):
    walked = sc.walk(cal)
    lc = walked.lifecycle
    assert [v.state for v in lc.steps] == [StepState.DONE] * 8
    assert lc.stage is Stage.ARCHIVED
    assert lc.required_approval.approver is Approver.LEADER_IN_CHARGE  # ¥80,000: from 50,000, below 500,000
    # Review sent Friday 2025-09-26, answer due 10-10 (Sunday 09-28 worked, National Day 10-01..10-08 off);
    # received 10-13: three days late.
    opinion = lc.view(Step.OPINION)
    assert opinion.item.date == date(2025, 10, 10) and opinion.status == "done 3 days late"
    # Signed Thursday 2026-02-12, filing due 02-26 (Saturday 02-14 worked, Spring Festival 02-15..02-23 off);
    # filed with the second office on 03-02: four days late.
    filing = lc.view(Step.FILING)
    assert filing.item.date == date(2026, 2, 26) and filing.status == "done 4 days late"
    assert [(e.on, e.copies, e.requested_by, e.approved_by) for e in lc.seal_register] == [
        (date(2026, 2, 11), 4, "李四", "张主任")]


def test_a_skipped_step_needs_a_reason(cal):
    ctx = sc.context(cal, date(2025, 10, 14))
    events = record([], sc.EVENTS[0], ctx).events
    with pytest.raises(UserError) as info:
        record(events, Event(EventKind.SKIPPED, date(2025, 9, 25), step=Step.REVIEW), ctx)
    assert str(info.value) == "reason: a skipped step needs a reason"
    lc = record(events, Event(EventKind.SKIPPED, date(2025, 9, 25), step=Step.REVIEW, note="采用省级示范文本"), ctx)
    assert lc.view(Step.REVIEW).status == "skipped: 采用省级示范文本"


def test_the_department_head_cannot_approve_it(cal):
    ctx = sc.context(cal, date(2025, 10, 14))
    events = []
    for ev in sc.EVENTS[:3]:
        events = record(events, ev, ctx).events
    with pytest.raises(UserError) as info:
        record(events, Event(EventKind.APPROVED, date(2025, 10, 14), approver=Approver.DEPARTMENT_HEAD), ctx)
    assert info.value.where == "approver"


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_the_ledger_totals_match_the_payments_to_the_fen(cal, tmp_path):
    walked = sc.walk(cal)
    src = tmp_path / "ledger.xlsx"
    result = export_ledger_xlsx([walked.row], src, office=sc.TEST_OFFICE.office, today=sc.TODAY)
    subprocess.run(
        ["soffice", "--headless", "--calc", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"), str(src)],
        capture_output=True, text=True, timeout=180, check=True,
    )
    ws = load_workbook(tmp_path / "lo" / "ledger.xlsx", data_only=True)["Contract ledger"]
    total = result.total_row
    paid = sum(p.amount for p in walked.payments)
    assert paid == Decimal("44000.00")
    assert Decimal(str(ws[f"{LETTER['paid']}{total}"].value)).quantize(Decimal("0.01")) == paid
    assert Decimal(str(ws[f"{LETTER['unpaid']}{total}"].value)).quantize(Decimal("0.01")) == Decimal("80000.00") - paid
    assert Decimal(str(ws[f"{LETTER['overdue']}{total}"].value)).quantize(Decimal("0.01")) == Decimal("36000.00")


def test_the_ics_has_the_right_dates(cal):
    day = date(2026, 2, 20)
    entries = calendar_entries([sc.source_at(cal, day)], day, 30)
    parsed = Calendar.from_ical(ics_bytes(entries, now=datetime(2026, 2, 20, tzinfo=UTC), today=day))
    dates = {str(e["SUMMARY"]): e["DTSTART"].dt for e in parsed.walk("VEVENT")}
    assert sorted(dates.values()) == [date(2026, 2, 26), date(2026, 2, 27)]  # filing, instalment 1
