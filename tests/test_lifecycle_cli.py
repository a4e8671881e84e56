"""The issue's "done when" from the command line: the test office's ¥80,000 contract walks through every step with
`contractdesk` commands; deadlines across National Day and the Spring Festival with their make-up working days;
a skipped step needs a reason; the archive packet lists a missing approval sheet; the ledger's totals match the
payments to the fen after LibreOffice recalculates; the .ics file parses with the icalendar package."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from app.codecs.office_settings import write_settings
from tests import office_files as files
from tests import office_scenario as sc
from tests.pdf_tools import pages_text

N = sc.NUMBER


@pytest.fixture
def office_db(db, tmp_path, cli):
    """The contract stored as drafted, and the office's settings imported from their file."""
    files.store_contract(db)
    settings = tmp_path / "office-settings.json"
    write_settings(sc.TEST_OFFICE, settings)
    result = cli("office", "import", str(settings))
    assert result.code == 0, result
    return db


def packet_pages(db) -> int:
    import io

    from pypdf import PdfReader

    from app.codecs.pdf import render_pdf
    from app.store.contracts import load

    return len(PdfReader(io.BytesIO(render_pdf(load(db, N)))).pages)


def ok(result):
    assert result.code == 0, result
    return result.out


def test_the_contract_walks_through_every_step_from_the_command_line(office_db, cli, tmp_path):
    t = ["--today", "2026-05-20"]
    # A skipped step needs a reason: argparse refuses the command without one, and an empty one is refused by name.
    refused = cli("step", N, "skip", "counterparty-check", "2025-09-24", "--reason", " ", *t)
    assert (refused.code, refused.err.strip()) == (2, "error: reason: a skipped step needs a reason")
    assert cli("step", N, "skip", "counterparty-check", *t).code == 2
    ok(cli("step", N, "checked", "2025-09-24", "--result", "passed", "--note", "营业执照、信用中国已查", *t))
    ok(cli("step", N, "review-sent", "2025-09-26", "--office", "县司法局", "--today", "2025-09-29"))
    # The answer is due on 2025-10-10: Sunday 09-28 was worked, 10-01…10-08 were off.
    due = json.loads(ok(cli("due", "--today", "2025-09-29", "--within", "30", "--json")))
    opinion = next(i for i in due["items"] if i["key"] == "lifecycle.opinion")
    assert (opinion["date"], opinion["status"]) == ("2025-10-10", "due in 11 days")
    ics = tmp_path / "due.ics"
    ok(cli("due", "--today", "2025-09-29", "--within", "30", "--ics", str(ics)))
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    review = next(e for e in events if "Legality review opinion" in str(e["SUMMARY"]))
    assert review.decoded("DTSTART") == date(2025, 10, 10) and review.decoded("DTEND") == date(2025, 10, 11)
    opinion_file = tmp_path / "审查意见书.pdf"
    opinion_file.write_bytes(files.pdf_bytes("修改后同意"))
    out = ok(cli("step", N, "opinion", "2025-10-13", "--conclusion", "agreed-with-changes", "--file",
                 str(opinion_file), *t))
    assert "done 3 days late" in out
    wrong = cli("step", N, "approved", "2025-10-14", "--approver", "department-head", *t)
    assert wrong.code == 2 and wrong.err.startswith("error: approver: a contract of ¥80,000.00 needs the approval")
    ok(cli("step", N, "approved", "2025-10-14", "--approver", "leader-in-charge", "--by", "王副县长", *t))
    ok(cli("step", N, "registered", "2025-10-14", "--reference", "测合登〔2025〕112号", *t))
    ok(cli("step", N, "sealed", "2026-02-11", "--copies", "4", "--requested-by", "李四", "--approved-by", "张主任",
           *t))
    ok(cli("event", N, "signed_a", "2026-02-12"))
    ok(cli("event", N, "signed_b", "2026-02-12"))
    ok(cli("event", N, "accepted", "2026-04-10"))
    ok(cli("step", N, "filed", "2026-02-25", "--office", "县司法局", *t))
    ok(cli("step", N, "filed", "2026-03-02", "--office", "县档案馆", *t))
    steps = json.loads(ok(cli("steps", N, "--json", *t)))
    by_step = {s["step"]: s for s in steps["steps"]}
    # Filing was due on 2026-02-26 (Saturday 02-14 worked, the Spring Festival 02-15…02-23 off): 4 days late.
    assert by_step["filing"]["deadline"]["date"] == "2026-02-26" and by_step["filing"]["status"] == "done 4 days late"
    assert by_step["opinion"]["deadline"]["date"] == "2025-10-10"
    assert steps["seal_register"] == [{"event": "sealed", "date": "2026-02-11", "approved_by": "张主任",
                                       "requested_by": "李四", "copies": 4}]
    assert ok(cli("state", N)).splitlines()[0] == "signed"
    # Payments, part payments included.
    ok(cli("pay", N, "--payment", "1", "2026-03-03", "10000.00", "--voucher", "记-0301", *t))
    ok(cli("pay", N, "--payment", "1", "2026-03-10", "14000.00", "--voucher", "记-0315", *t))
    ok(cli("pay", N, "--payment", "2", "2026-05-08", "20000.00", "--voucher", "记-0502", *t))
    over = cli("pay", N, "--payment", "2", "2026-05-09", "36000.01", *t)
    assert over.code == 2 and "amount: ¥36,000.01 is more than the ¥36,000.00 still unpaid" in over.err
    paid = json.loads(ok(cli("payments", N, "--json", *t)))
    assert (paid["paid"], paid["unpaid"]) == ("44000.00", "36000.00")
    assert paid["instalments"][0]["status"] == "settled 11 days late"
    schedule = ok(cli("schedule", N, *t))
    assert "(¥20,000.00 paid, ¥36,000.00 unpaid)" in schedule and "overdue by 9 days" in schedule
    # Archiving waits for the files; the archive packet lists what is missing.
    ok(cli("ledger-entry", N, "--kind", "procurement", "--procurement", "request-for-quotation", "--term",
           "2026-02-12", "2026-08-11"))
    scan = tmp_path / "签署原件.pdf"
    scan.write_bytes(files.pdf_bytes(f"合同编号：{N}", "合同总价：80,000.00元", pages=packet_pages(office_db)))
    licence = tmp_path / "营业执照.png"
    licence.write_bytes(files.png_bytes())
    ok(cli("attach", N, "signed_original", str(scan)))
    ok(cli("attach", N, "counterparty_licence", str(licence)))
    refused = cli("step", N, "archived", "2026-05-20", *t)
    assert refused.code == 2 and "approval sheet" in refused.err
    check = cli("archive", N, "--check", *t)
    assert check.code == 1 and "the archive still lacks: approval sheet" in check.out
    packet = tmp_path / "archive.pdf"
    written = cli("archive", N, "--pdf", str(packet), *t)
    assert written.code == 0 and "warning: the archive still lacks: approval sheet" in written.err
    assert "Missing from this packet: approval sheet" in pages_text(packet)[0].replace("\n", " ")
    sheet = tmp_path / "审批单.pdf"
    sheet.write_bytes(files.pdf_bytes("合同审批单"))
    ok(cli("attach", N, "approval_sheet", str(sheet)))
    ok(cli("step", N, "archived", "2026-05-20", "--reference", "2026-长期-012", *t))
    assert ok(cli("state", N)).splitlines()[0] == "archived"
    final = json.loads(ok(cli("archive", N, "--check", "--json", *t)))
    assert final["missing"] == [] and final["problems"] == []
    assert (final["scans"][0]["number_found"], final["scans"][0]["total_found"]) == (True, True)


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_the_ledger_totals_match_the_payments_to_the_fen_after_libreoffice_recalculates(office_db, cli, tmp_path):
    from app.ops.contracts import set_event
    from app.ops.payments import record_payment

    set_event(office_db, N, "signed_a", sc.SIGNED)
    set_event(office_db, N, "signed_b", sc.SIGNED)
    set_event(office_db, N, "accepted", sc.ACCEPTED)
    for p in sc.PAYMENTS:
        record_payment(office_db, N, p, today=sc.TODAY)
    odd = [Decimal("0.01"), Decimal("333.33"), Decimal("0.35")]
    for i, amount in enumerate(odd):  # fen that a float sum would lose
        record_payment(office_db, N, sc.PAYMENTS[0].__class__(2, date(2026, 5, 11 + i), amount, f"记-05{i}"),
                       today=sc.TODAY)
    xlsx, pdf = tmp_path / "台账.xlsx", tmp_path / "台账.pdf"
    ok(cli("ledger", "--year", "2026", "--xlsx", str(xlsx), "--pdf", str(pdf), "--today", "2026-05-20"))
    expected_paid = sum(p.amount for p in sc.PAYMENTS) + sum(odd)
    subprocess.run(
        ["soffice", "--headless", "--calc", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"), str(xlsx)],
        capture_output=True, text=True, timeout=180, check=True,
    )
    from app.codecs.ledger_xlsx import FIRST_ROW, LETTER

    for path in (xlsx, tmp_path / "lo" / "台账.xlsx"):  # as written (stored results) and as recalculated
        ws = load_workbook(path, data_only=True)["Contract ledger"]
        total = FIRST_ROW + 1
        assert ws[f"A{total}"].value == "Total"
        assert Decimal(str(ws[f"{LETTER['paid']}{total}"].value)).quantize(Decimal("0.01")) == expected_paid
        assert Decimal(str(ws[f"{LETTER['unpaid']}{total}"].value)).quantize(Decimal("0.01")) == (
            Decimal("80000.00") - expected_paid)
    text = pages_text(pdf)[0]
    assert "44,333.69" in text and N in text.replace("\n", "")
