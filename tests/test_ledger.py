"""The contract ledger (合同台账): rows from the walked contract, the workbook (formulas and their values, checked
again by LibreOffice), the landscape PDF with its repeated header, filters and yearly statistics."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.base.i18n import set_language
from app.codecs.ledger_pdf import export_ledger_pdf
from app.codecs.ledger_xlsx import COLUMNS, FIRST_ROW, HEADER_ROW, LETTER, export_ledger_xlsx
from app.domain.kinds import ContractKind, ProcurementMethod
from app.rules.ledger import LedgerFilter, LedgerRow, statistics
from app.rules.lifecycle.steps import Stage
from tests import office_scenario as sc
from tests.pdf_tools import pages_text, pdffonts, squash

FEN = Decimal("0.01")


@pytest.fixture(scope="module")
def walked():
    return sc.walk(sc.calendar())


def _other(n: int, **kw) -> LedgerRow:
    """A ledger row of another contract, amounts with fen in them so sums are checked to the fen."""
    amount = Decimal(f"{1000 + n * 3917}.{(n * 37) % 100:02d}")
    paid = (amount * Decimal(n % 4) / 4).quantize(FEN)
    base = LedgerRow(
        number=f"测政采〔{2024 + n % 3}〕{n:03d}号", title=f"第{n}号服务合同", counterparty=["华安家具有限公司", "安阳市信息技术有限公司",
                                                                           "河南省建设工程有限公司"][n % 3],
        kind=[ContractKind.SERVICE, ContractKind.CONSTRUCTION, ContractKind.PROCUREMENT, None][n % 4],
        procurement=ProcurementMethod.OPEN_TENDER, amount=amount, signed_on=date(2024 + n % 3, 1 + n % 12, 1 + n % 27),
        term_start=None, term_end=None, paid=paid, unpaid=amount - paid, next_due=None, next_due_what="",
        overdue=Decimal("0.00") if n % 5 else amount - paid, stage=[Stage.SIGNED, Stage.FILED, Stage.ARCHIVED][n % 3],
        filed_on=None, archived_on=None, year=2024 + n % 3,
    )
    return replace(base, **kw)


def test_the_walked_contract_makes_its_ledger_row(walked):
    row = walked.row
    assert row.counterparty == "华安家具有限公司"  # the party that is not us (甲方)
    assert row.amount == Decimal("80000.00")
    assert (row.paid, row.unpaid, row.overdue) == (Decimal("44000.00"), Decimal("36000.00"), Decimal("36000.00"))
    assert row.next_due == date(2026, 5, 11)
    assert row.next_due_what == "instalment 2: ¥36,000.00"
    assert row.signed_on == sc.SIGNED and row.year == 2026
    assert row.filed_on == date(2026, 3, 2) and row.archived_on == date(2026, 3, 5)
    assert row.stage is Stage.ARCHIVED
    assert row.term_text == "2026-02-12 — 2026-08-11"


def test_the_workbook_holds_formulas_and_the_values_they_compute(walked, tmp_path):
    rows = [walked.row, *(_other(n) for n in range(1, 12))]
    out = tmp_path / "ledger.xlsx"
    result = export_ledger_xlsx(rows, out, office=sc.TEST_OFFICE.office, today=sc.TODAY)
    wb = load_workbook(out)
    ws = wb["Contract ledger"]
    assert ws["A1"].value == "测试县人民政府办公室 contract ledger"
    assert [ws.cell(HEADER_ROW, i + 1).value for i in range(len(COLUMNS))][:8] == [
        "No.", "Year", "Contract number", "Contract title", "Counterparty", "Contract kind", "Procurement method",
        "Contract amount"]
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"  # the header row printed on every page
    assert ws.page_setup.orientation == "landscape"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:R{HEADER_ROW + len(rows)}"
    kept = result.rows
    assert len(kept) == 12
    total = result.total_row
    assert total == HEADER_ROW + 13
    a, p, u, o = LETTER["amount"], LETTER["paid"], LETTER["unpaid"], LETTER["overdue"]
    assert ws[f"{a}{total}"].value == f"=SUBTOTAL(9,{a}{FIRST_ROW}:{a}{total - 1})"
    assert ws[f"{u}{FIRST_ROW}"].value == f"=ROUND({a}{FIRST_ROW}-{p}{FIRST_ROW},2)"
    # The values kept for each formula are the sums of the rows, to the fen.
    values = result.values
    assert values[("Contract ledger", f"{a}{total}")] == sum(r.amount for r in kept)
    assert values[("Contract ledger", f"{p}{total}")] == sum(r.paid for r in kept)
    assert values[("Contract ledger", f"{u}{total}")] == sum(r.amount - r.paid for r in kept)
    assert values[("Contract ledger", f"{o}{total}")] == sum(r.overdue for r in kept)
    assert values[("Contract ledger", f"{LETTER['number']}{total}")] == 12
    # Every formula cell of both sheets has a value kept for it.
    formulas = {(s.title, c.coordinate) for s in wb for row in s.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")}
    assert formulas == set(values)
    # The walked contract's row, as stored.
    row = next(r for r in range(FIRST_ROW, total) if ws[f"C{r}"].value == sc.NUMBER)
    assert Decimal(str(ws[f"{a}{row}"].value)) == Decimal("80000.00")
    assert Decimal(str(ws[f"{p}{row}"].value)) == Decimal("44000.00")
    assert ws[f"{LETTER['next_due']}{row}"].value.date() == date(2026, 5, 11)
    assert ws[f"{LETTER['stage']}{row}"].value == "archived"


def test_each_formula_is_stored_with_its_result_for_viewers_that_do_not_recalculate(walked, tmp_path):
    """As the Excel packet does (app.codecs.xlsx.sheetdata): a phone preview or pandas reads the figures as stored."""
    rows = [walked.row, *(_other(n) for n in range(1, 6))]
    out = tmp_path / "ledger.xlsx"
    result = export_ledger_xlsx(rows, out, office=sc.TEST_OFFICE.office, today=sc.TODAY)
    stored = load_workbook(out, data_only=True)
    for (sheet, ref), expected in result.values.items():
        got = stored[sheet][ref].value
        assert got is not None and Decimal(str(got)) == Decimal(expected), (sheet, ref, got)
    ws = stored["Contract ledger"]
    total = result.total_row
    assert Decimal(str(ws[f"{LETTER['paid']}{total}"].value)) == sum(r.paid for r in rows)
    assert ws[f"{LETTER['number']}{total}"].value == len(rows)


def test_user_text_is_never_a_formula(tmp_path):
    row = _other(1, title='=HYPERLINK("http://example.com","点我")', counterparty="=1+1")
    out = tmp_path / "l.xlsx"
    export_ledger_xlsx([row], out, today=sc.TODAY)
    ws = load_workbook(out)["Contract ledger"]
    assert ws[f"D{FIRST_ROW}"].value == '=HYPERLINK("http://example.com","点我")'
    assert ws[f"D{FIRST_ROW}"].data_type == "s"
    assert ws[f"E{FIRST_ROW}"].data_type == "s"


def test_filters_by_year_state_and_counterparty(walked):
    rows = [walked.row, *(_other(n) for n in range(1, 13))]
    by_year = LedgerFilter(year=2026).apply(rows)
    assert by_year and all(r.year == 2026 for r in by_year) and walked.row in by_year
    archived = LedgerFilter(stage=Stage.ARCHIVED).apply(rows)
    assert archived and all(r.stage is Stage.ARCHIVED for r in archived)
    # Any part of the name, width-folded: full-width "华安" and a space typed in the middle still find it.
    found = LedgerFilter(counterparty="华安 家具").apply(rows)
    assert found and all(r.counterparty == "华安家具有限公司" for r in found)
    both = LedgerFilter(year=2026, counterparty="华安").apply(rows)
    assert both == [r for r in found if r.year == 2026]
    assert LedgerFilter(year=2026, stage=Stage.ARCHIVED, counterparty="华安").describe() == (
        "year 2026; archived; counterparty: 华安")


def test_yearly_statistics_count_and_add_by_kind_and_state(walked):
    rows = [walked.row, *(_other(n) for n in range(1, 13))]
    stats = {s.year: s for s in statistics(rows)}
    assert sorted(stats) == [2024, 2025, 2026]
    for year, s in stats.items():
        mine = [r for r in rows if r.year == year]
        assert s.total.count == len(mine) and s.total.amount == sum(r.amount for r in mine)
        assert sum(t.count for t in s.by_kind.values()) == len(mine)
        assert sum(t.amount for t in s.by_stage.values()) == s.total.amount
        for kind, tally in s.by_kind.items():
            assert tally.amount == sum(r.amount for r in mine if r.kind == kind)


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_libreoffice_recalculates_the_ledger_totals_to_the_fen(walked, tmp_path):
    # One contract with no year (never signed, no drafting month): counted under "year not known".
    rows = [walked.row, *(_other(n) for n in range(1, 40)), _other(99, year=None, signed_on=None, kind=None)]
    src = tmp_path / "ledger.xlsx"
    result = export_ledger_xlsx(rows, src, office=sc.TEST_OFFICE.office, today=sc.TODAY)
    out_dir = tmp_path / "lo"
    proc = subprocess.run(
        ["soffice", "--headless", "--calc", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(out_dir / "ledger.xlsx", data_only=True)
    checked = 0
    for (sheet, ref), expected in result.values.items():
        got = wb[sheet][ref].value
        assert got is not None, (sheet, ref)
        assert Decimal(str(got)).quantize(FEN) == Decimal(expected).quantize(FEN), (sheet, ref)
        checked += 1
    assert checked > 50
    # The totals LibreOffice computed are the payments recorded for the walked contract plus the others'.
    ws = wb["Contract ledger"]
    total = result.total_row
    assert Decimal(str(ws[f"{LETTER['paid']}{total}"].value)).quantize(FEN) == (
        sum(p.amount for p in walked.payments) + sum(r.paid for r in rows[1:]))


def test_the_pdf_is_landscape_with_the_header_on_every_page_and_fonts_embedded(walked, tmp_path):
    set_language("zh_CN")
    rows = [walked.row, *(_other(n) for n in range(1, 80))]
    out = tmp_path / "ledger.pdf"
    export_ledger_pdf(rows, out, office=sc.TEST_OFFICE.office, today=sc.TODAY)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # landscape
    assert all(f["emb"] == "yes" for f in pdffonts(out))
    pages = pages_text(out)
    table_pages = [p for p in pages if "年度统计" not in p]
    assert len(table_pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert f"第{n}页共{len(pages)}页" in squash(page)
    for page in table_pages:
        assert "合同编号" in squash(page) and "相对方" in squash(page)  # the header row repeated
    text = squash("".join(pages))
    assert "测试县人民政府办公室合同台账" in text
    assert squash(sc.NUMBER) in text and "华安家具有限公司" in text
    total_paid = sum(r.paid for r in rows)
    assert f"{total_paid:,.2f}" in text
    assert "年度统计" in text and "按合同类型" in text and "按办理阶段" in text
    wide = tmp_path / "numbers.pdf"  # a number like the sample's, and a date, each on one line of its cell
    export_ledger_pdf([replace(walked.row, number="CMHA-AY-202500441")], wide, office="办公室", today=sc.TODAY)
    layout = subprocess.run(["pdftotext", "-layout", str(wide), "-"], capture_output=True, text=True, check=True).stdout
    assert "CMHA-AY-202500441" in layout


def test_pdf_pages_look_right(walked, tmp_path):
    """Renders the first page to PNG (pdftoppm) so its look can be checked; the text check is above."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("needs poppler's pdftoppm")
    set_language("zh_CN")
    out = tmp_path / "ledger.pdf"
    export_ledger_pdf([walked.row, *(_other(n) for n in range(1, 30))], out, office="测试县人民政府办公室",
                      today=sc.TODAY)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")],
                   check=True)
    png = next(Path(tmp_path).glob("page*.png"))
    from PIL import Image

    with Image.open(png) as image:
        w, h = image.size
        assert w > h
        # Not blank: the ruled table darkens a fair share of the page.
        dark = image.convert("L").histogram()[:128]
        dark = sum(dark)
        assert dark > w * h * 0.01


def test_a_character_the_font_cannot_print_refuses_the_ledger_pdf(walked, tmp_path):
    """The same check as the contract packet's (app.codecs.pdf.glyphs): a blank-printing character is named."""
    from app.base.errors import UserError

    out = tmp_path / "ledger.pdf"
    with pytest.raises(UserError) as err:
        export_ledger_pdf([replace(walked.row, title=walked.row.title + "\U0001f600")], out, office="办公室",
                          today=sc.TODAY)
    assert "U+1F600" in err.value.message and err.value.where == "PDF font" and not out.exists()


def test_a_draft_signed_by_its_dates_is_not_listed_as_signed_like_any_other(db, tmp_path):
    """Both signing dates typed into a draft: its deadlines run from them, and the ledger handed to the leadership had
    listed it as 已签署 beside the contracts approved and signed. Its stage now says no approval was recorded."""
    from app.ops.contracts import set_event
    from app.ops.standings import standing
    from tests.conftest import SAMPLE_NUMBER

    today = date(2025, 6, 30)
    assert standing(db, SAMPLE_NUMBER, today).ledger_row().stage is Stage.DRAFT
    for name in ("signed_a", "signed_b"):
        set_event(db, SAMPLE_NUMBER, name, date(2025, 5, 22))
    st = standing(db, SAMPLE_NUMBER, today)
    row = st.ledger_row()
    assert row.stage is Stage.SIGNED and row.stage_text == "signed (no approval recorded)"
    assert st.lifecycle.stage_text == row.stage_text
    out = tmp_path / "ledger.xlsx"
    export_ledger_xlsx([row], out, office="测试县人民政府办公室", today=today)
    assert load_workbook(out)["Contract ledger"][f"{LETTER['stage']}{FIRST_ROW}"].value == \
        "signed (no approval recorded)"
    set_language("zh_CN")
    try:
        assert row.stage_text == "已签署（未登记审批）"
    finally:
        set_language("en")


def test_a_contract_approved_before_signing_has_no_note(walked):
    assert walked.row.stage is Stage.ARCHIVED and walked.row.stage_text == "archived"
    assert not walked.row.approval_unrecorded
