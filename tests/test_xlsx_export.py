"""The Excel packet as a clerk opens it: sheets, live formulas that add up like the app, print setup, safe text."""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.base.errors import UserError
from app.codecs.xlsx import ExportCancelled, XlsxOptions, export_xlsx
from app.codecs.xlsx.layout import safe_sheet_name
from app.domain import CostRow, table_total
from app.values.money import rmb_upper

from .conftest import SAMPLE_NUMBER
from .xlsx_helpers import evaluate, recalculate, sheet_part, strip_cached_results

TABLE_SHEET = "Annex 3 费用明细表"


@pytest.fixture
def exported(cli, db, tmp_path):
    out = tmp_path / "packet.xlsx"
    result = cli("export", SAMPLE_NUMBER, "--xlsx", str(out))
    assert result.code == 0, result
    return out


def _labels(ws) -> dict[str, object]:
    return {row[0].value: row[1].value for row in ws.iter_rows(min_row=2) if row[0].value}


def test_sheets_and_summary(exported, sample):
    wb = load_workbook(exported)
    assert wb.sheetnames == ["Contract summary", "Payment schedule", TABLE_SHEET]
    summary = _labels(wb["Contract summary"])
    assert summary["Contract number"] == SAMPLE_NUMBER
    assert summary["Party A"] == "汤阴县公安局"
    assert summary["Party B: representative"] == "邵瞳"
    assert summary["Account number"] == "1706020129048092394"
    assert Decimal(str(summary["Total"])) == Decimal("4273290")
    assert summary["Total in words"] == "肆佰贰拾柒万叁仟贰佰玖拾元整"
    assert summary["Acceptance (working days)"] == 7
    assert wb["Contract summary"]["B25"].number_format == "#,##0.00" or any(
        c.number_format == "#,##0.00" for row in wb["Contract summary"].iter_rows() for c in row if c.value == summary["Total"]
    )


def test_payment_schedule_total_formula_and_check(exported, sample):
    ws = load_workbook(exported)["Payment schedule"]
    assert [c.value for c in ws[1]] == ["No.", "Amount", "Rule", "Due date", "Waits for"]
    assert ws["C2"].value == "项目完工出具验收报告并出具发票后三十日内"
    # Not yet accepted: the date waits for acceptance and the invoice that follows (from the schedule).
    assert ws["E2"].value == "acceptance, then the invoice"
    assert ws["D2"].value is None
    assert ws["A5"].value == "Total" and ws["B5"].value == "=SUM(B2:B4)"
    assert evaluate(ws, "B5") == sample.total == evaluate(ws, "B6")
    check = ws["B7"].value
    assert check.startswith("=IF(ROUND(B5-B6,2)=0,") and "OK" in check and "MISMATCH" in check


def test_cost_table_formulas_compute_the_app_totals(exported, sample):
    ws = load_workbook(exported)[TABLE_SHEET]
    rows = sample.annex("3").table
    assert ws["A1"].value == "附件3：费用明细表"
    assert [c.value for c in ws[2]] == ["Item", "Specification", "Unit", "Quantity", "Unit price", "Amount", "Remark"]
    for n, row in enumerate(rows, start=3):
        assert ws[f"F{n}"].value == f"=ROUND(D{n}*E{n},2)"
        assert evaluate(ws, f"F{n}") == row.amount
    total_row = 3 + len(rows)
    assert ws[f"A{total_row}"].value == "Total"
    assert ws[f"F{total_row}"].value == f"=SUM(F3:F{total_row - 1})"
    assert evaluate(ws, f"F{total_row}") == table_total(rows)
    assert ws[f"B{total_row + 1}"].value == rmb_upper(table_total(rows))
    assert ws["E3"].number_format == "#,##0.00" and ws["F3"].number_format == "#,##0.00"


def test_rounding_per_row_matches_the_app(db, tmp_path, sample):
    rows = [CostRow("a", "", "m", Decimal("0.3333"), Decimal("10.01")), CostRow("b", "", "m", Decimal("2.5"), Decimal("0.03"))]
    sample.annex("3").table = rows
    out = tmp_path / "r.xlsx"
    export_xlsx(sample, out)
    ws = load_workbook(out)[TABLE_SHEET]
    assert [evaluate(ws, f"F{r}") for r in (3, 4)] == [row.amount for row in rows]
    assert evaluate(ws, "F5") == table_total(rows) == Decimal("3.42")  # 3.411 if rounded only at the end
    assert ws["D3"].number_format == "#,##0.00##" and ws["D3"].value == pytest.approx(0.3333)


def test_print_setup_and_layout(exported):
    """A4 (landscape for the wide table) with columns that fit across at full size — fitting to the page's width
    then only guards against a program whose fonts run wider than Excel's — a print area, the header repeated,
    ruled cells, and text that wraps in rows tall enough to show it."""
    wb = load_workbook(exported)
    ws = wb[TABLE_SHEET]
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.print_area == f"'{TABLE_SHEET}'!$A$1:$G$7"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    # Column widths follow the Chinese text (two units a character); the widest text columns are narrowed so
    # the table prints across landscape A4 at 100 %, and wrap.
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["A"] >= 2 * len("云存储服务费（第一年）")
    assert 24 <= widths["B"] <= 52 and sum(widths.values()) <= 136
    assert ws["B3"].alignment.wrap_text and ws["G3"].alignment.wrap_text
    assert ws.row_dimensions[3].height >= 30  # the specification takes two lines at this width
    assert all(ws[f"{c}3"].border.left.style == "thin" for c in "ABCDEFG")
    assert wb["Contract summary"].freeze_panes == "A2"
    assert wb["Contract summary"].page_setup.orientation == "portrait"
    payments = wb["Payment schedule"]
    assert payments["C2"].alignment.wrap_text and payments.print_area == "'Payment schedule'!$A$1:$E$7"
    assert payments.page_setup.orientation == "portrait"  # the rule column wraps instead
    assert sum(d.width for d in payments.column_dimensions.values()) <= 92


HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1"]


def test_user_text_is_never_a_formula(db, tmp_path, sample):
    sample.title = "=1+1"
    sample.annex("3").table = [CostRow(text, text, text[:5], Decimal(1), Decimal("1.00"), text) for text in HOSTILE]
    out = tmp_path / "hostile.xlsx"
    export_xlsx(sample, out)
    wb = load_workbook(out)
    ws = wb[TABLE_SHEET]
    for n, text in enumerate(HOSTILE, start=3):
        for col in "ABG":
            cell = ws[f"{col}{n}"]
            assert cell.value == text and cell.data_type == "s", cell.coordinate
    assert _labels(wb["Contract summary"])["Title"] == "=1+1"
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode()
                formulas = re.findall(r"<f>(.*?)</f>", xml)
                assert not any("HYPERLINK" in f or "calc" in f or "1+1" in f for f in formulas), formulas
    part = sheet_part(out, TABLE_SHEET)
    with zipfile.ZipFile(out) as z:
        xml = z.read(part).decode()
    assert 't="inlineStr"><is><t>=HYPERLINK(' in xml


def test_sheet_names_are_made_valid():
    name = safe_sheet_name("Annex 3 [费用]:明细*表?/\\ with a very long title indeed")
    assert name.startswith("Annex 3  费用  明细 表") and len(name) == 31 and not set("[]:*?/\\") & set(name)
    assert len(safe_sheet_name("x" * 40)) == 31
    assert safe_sheet_name("Summary", {"summary"}) == "Summary (2)"


def test_odd_annex_title_gives_a_valid_workbook(db, tmp_path, sample):
    sample.annex("3").title = "费用/明细:表[终稿]*?" + "长" * 40
    out = tmp_path / "odd.xlsx"
    export_xlsx(sample, out)
    names = load_workbook(out).sheetnames
    assert len(names[2]) <= 31 and not set("[]:*?/\\") & set(names[2])


def test_cancel_leaves_the_old_file(db, tmp_path, sample):
    out = tmp_path / "keep.xlsx"
    out.write_bytes(b"old")
    sample.annex("3").table = [CostRow(f"r{i}", "", "", Decimal(1), Decimal("1.00")) for i in range(2500)]
    seen: list[int] = []
    with pytest.raises(ExportCancelled):
        export_xlsx(sample, out, XlsxOptions(progress=lambda done, total: seen.append(done),
                                             cancelled=lambda: len(seen) >= 1))
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if "keep" in p.name] == ["keep.xlsx"]  # no temp file left
    assert seen == [1000]


def test_progress_reaches_the_end(db, tmp_path, sample):
    sample.annex("3").table = [CostRow(f"r{i}", "", "", Decimal(1), Decimal("1.00")) for i in range(2100)]
    seen: list[tuple[int, int]] = []
    export_xlsx(sample, tmp_path / "p.xlsx", XlsxOptions(progress=lambda d, t: seen.append((d, t))))
    assert seen == [(1000, 2100), (2000, 2100), (2100, 2100)]


def test_unwritable_target_is_a_user_error(db, tmp_path, sample):
    target = tmp_path / "folder.xlsx"
    target.mkdir()
    with pytest.raises((UserError, IsADirectoryError, OSError)):
        export_xlsx(sample, target)
    assert target.is_dir()


def test_schedule_dates_are_used_when_given(db, tmp_path, sample):
    from datetime import date

    from app.rules.schedule import build_schedule
    from app.store.calendar import load_calendar

    sample.events.signed_a = sample.events.signed_b = date(2025, 6, 2)
    sample.events.accepted = date(2025, 9, 29)
    schedule = build_schedule(sample, load_calendar(db), date(2025, 10, 20))
    payments = {i.payment: i for i in schedule.items if i.kind == "payment"}  # the last item: the due date
    out = tmp_path / "s.xlsx"
    export_xlsx(sample, out, XlsxOptions(schedule=schedule))
    ws = load_workbook(out)["Payment schedule"]
    for n in (1, 2, 3):
        item = payments[n]
        shown = ws[f"D{n + 1}"].value
        assert (shown.date() if shown else None) == item.date
        assert (ws[f"E{n + 1}"].value or "") == (item.waits_for or "")
    assert ws["C2"].value == "项目完工出具验收报告并出具发票后三十日内"
    assert "invoice" in ws["E2"].value  # accepted, not yet invoiced


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_libreoffice_recalculates_the_app_totals(db, tmp_path, sample):
    rows = [CostRow(f"项{i}", "", "台", Decimal(f"{i % 3 + 1}.{i % 7}"), Decimal(f"{i * 37 % 1000}.{i % 100:02d}"))
            for i in range(60)]
    sample.annex("3").table = rows
    src = tmp_path / "calc.xlsx"
    export_xlsx(sample, src)
    strip_cached_results(src)  # LibreOffice must compute every total itself
    wb = load_workbook(recalculate(src, tmp_path / "lo", tmp_path / "profile"), data_only=True)
    ws = wb[TABLE_SHEET]
    for n, row in enumerate(rows, start=3):
        assert Decimal(str(ws[f"F{n}"].value)).quantize(Decimal("0.01")) == row.amount
    assert Decimal(str(ws[f"F{3 + len(rows)}"].value)).quantize(Decimal("0.01")) == table_total(rows)
    payments = wb["Payment schedule"]
    assert Decimal(str(payments["B5"].value)) == sample.total
    assert payments["B7"].value.startswith("OK")
