"""Cost tables with sections, 按实结算 rows, a discount and VAT in the Excel packet and back: live formulas stored with
their results (recalculated by LibreOffice to the fen), sections that fold, and an import that reads the same
layouts, keeps a subtotal typed wrong for the check, and says what it cannot see."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from app.base.errors import UserError
from app.codecs.json_codec import dumps
from app.codecs.xlsx import export_xlsx
from app.codecs.xlsx_import import read_cost_table
from app.domain import CostRow, CostTable, RowKind, TotalKind
from app.store import contracts

from .conftest import SAMPLE_NUMBER
from .cost_tables import GROSS, NET, TAX, showcase_table, use_showcase
from .xlsx_helpers import recalculate, strip_cached_results

D = Decimal
SHEET = "Annex 3 费用明细表"
FEN = Decimal("0.01")


def _columns(ws, header_row: int) -> dict[str, str]:
    return {c.value: c.column_letter for c in ws[header_row] if c.value}


def _money(value) -> Decimal | None:
    """A money cell as the app's figure: empty (or an empty text result) is None."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return value  # type: ignore[return-value]
    return Decimal(str(value)).quantize(FEN)


@pytest.fixture
def showcase_xlsx(tmp_path, sample):
    use_showcase(sample)
    out = tmp_path / "showcase.xlsx"
    export_xlsx(sample, out)
    return out


def _assert_figures(ws) -> None:
    """Every computed cell of the showcase sheet equals the app's figures to the fen."""
    table = showcase_table()
    f = table.figures()
    cols = _columns(ws, 4)  # row 1 the heading, 2–3 the VAT rate and the ceiling, 4 the header
    assert list(cols)[:6] == ["No.", "Item", "Specification", "Unit", "Quantity", "Base unit price"]
    for n, (row, x) in enumerate(zip(table, f.rows, strict=True), start=5):
        amount = "settled on actuals" if row.is_section and x.net is None else x.net
        assert _money(ws[f"{cols['Amount before VAT']}{n}"].value) == amount, n
        assert _money(ws[f"{cols['Tax']}{n}"].value) == x.tax, n
        assert _money(ws[f"{cols['Amount with VAT']}{n}"].value) == x.gross, n
        if not row.is_section:
            assert _money(ws[f"{cols['Discounted unit price']}{n}"].value) == x.unit_price, n
    total = 5 + len(table)
    assert ws[f"A{total}"].value == "Total"
    assert (_money(ws[f"{cols['Amount before VAT']}{total}"].value), _money(ws[f"{cols['Tax']}{total}"].value),
            _money(ws[f"{cols['Amount with VAT']}{total}"].value)) == (NET, TAX, GROSS)


def test_formulas_are_stored_with_their_results(showcase_xlsx):
    """A viewer that does not recalculate (a phone preview, pandas) still shows every figure."""
    _assert_figures(load_workbook(showcase_xlsx, data_only=True)[SHEET])


def test_payment_check_is_stored_with_its_result(showcase_xlsx):
    ws = load_workbook(showcase_xlsx, data_only=True)["Payment schedule"]
    assert _money(ws["B5"].value) == D("272070.54") and ws["A6"].value == "Contract ceiling"
    assert ws["B7"].value == "OK: the instalments stay within the contract's ceiling"


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_libreoffice_recalculates_sections_discount_and_vat_to_the_fen(showcase_xlsx, tmp_path):
    strip_cached_results(showcase_xlsx)  # nothing to trust: LibreOffice computes every formula
    assert load_workbook(showcase_xlsx, data_only=True)[SHEET]["I5"].value is None
    recalculated = recalculate(showcase_xlsx, tmp_path / "lo", tmp_path / "profile")
    _assert_figures(load_workbook(recalculated, data_only=True)[SHEET])
    # and the workbook as LibreOffice saved it (shared strings, its own formula text) reads back the same
    assert read_cost_table(recalculated, "3", "费用明细表", SAMPLE_NUMBER).rows == showcase_table()


def test_sections_are_subtotals_that_fold(showcase_xlsx):
    ws = load_workbook(showcase_xlsx)[SHEET]
    cols = _columns(ws, 4)
    a = cols["Amount before VAT"]
    assert ws[f"{a}5"].value == f'=IF(COUNT({a}6:{a}11),SUBTOTAL(9,{a}6:{a}11),"settled on actuals")'
    assert ws[f"{a}16"].value == f"=SUBTOTAL(9,{a}5:{a}15)"  # the total leaves the sections' subtotals out
    d, p, q = cols["Discount rate"], cols["Base unit price"], cols["Quantity"]
    assert ws[f"{cols['Discounted unit price']}13"].value == f'=IF({d}13="",{p}13,ROUND({p}13*{d}13,2))'
    assert ws[f"{d}13"].value == f"={d}12"  # inherited from the section's 95.5 %: one cell to change
    assert ws[f"{q}13"].value == "settled on actuals"
    assert [ws.row_dimensions[r].outline_level for r in range(5, 16)] == [0, 1, 2, 3, 3, 2, 1, 0, 1, 1, 1]
    assert ws.sheet_properties.outlinePr.summaryBelow is False
    assert ws["C2"].value == 0.13 and ws["C3"].value == "ceiling" and ws["A17"].value == "Contract ceiling"


def test_the_showcase_round_trips_through_the_workbook(showcase_xlsx):
    table = read_cost_table(showcase_xlsx, "3", "费用明细表", SAMPLE_NUMBER)
    assert table.rows == showcase_table()
    assert table.flags == []


def test_a_subtotal_typed_wrong_is_kept_and_reported_by_the_check(cli, db, showcase_xlsx, sample):
    """The workbook comes back with 1.1 乔木养护's subtotal typed over (14,610.00 instead of 14,601.00)."""
    use_showcase(sample)
    contracts.save(db, sample, replace=True)
    wb = load_workbook(showcase_xlsx)
    wb[SHEET]["I7"] = 14610
    wb.save(showcase_xlsx)
    imported = read_cost_table(showcase_xlsx, "3", "费用明细表", SAMPLE_NUMBER)
    assert imported.rows[2].stated == D("14610.00") and imported.rows[1].stated is None
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(showcase_xlsx), "--apply")
    assert result.code == 0, result
    assert "cost-table-subtotal" in result.out
    check = cli("check", SAMPLE_NUMBER)
    assert check.code == 1
    assert ("annex 3, row 3 (1.1 乔木养护): the table it was read from states a subtotal of ¥14,610.00, its rows add up "
            "to ¥14,601.00") in check.out
    assert contracts.load(db, SAMPLE_NUMBER).annex("3").table[2].stated == D("14610.00")


def _vendor_sheet(tmp_path, rows, header=("序号", "项目名称", "规格", "单位", "数量", "单价", "金额", "备注"), above=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "报价单"
    ws.append(["某单位物业服务报价"])
    for line in above:
        ws.append(list(line))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    path = tmp_path / "vendor.xlsx"
    wb.save(path)
    return path, wb


def test_a_vendor_table_with_section_numbers_and_subtotal_rows_is_read(tmp_path):
    path, _wb = _vendor_sheet(tmp_path, [
        ("一", "绿化部分", None, None, None, None, 1520, None),
        ("1", "绿化维护", None, None, None, None, None, None),
        ("1.1", "乔木修剪", "", "株", 10, "100", 1000, None),
        ("1.2", "草坪养护", "", "平方米", 10, 50, 500, None),
        (None, "小计", None, None, None, None, 1500, None),
        ("2", "卫生保洁", "", "月", 1, 10, 10, None),
        ("二", "零星维修（按实结算）", None, None, None, None, None, None),
        ("1", "更换灯头", "", "个", "按实结算", 268, None, None),
        (None, "合计", None, None, None, None, "=G2", None),
    ], above=[("折扣率", "100%"), ("税率", None), ("合同金额", "上限")])
    table = read_cost_table(path)
    rows = table.rows
    assert [(r.no, r.kind.value, r.level) for r in rows] == [
        ("一", "section", 0), ("1", "section", 1), ("1.1", "item", 2), ("1.2", "item", 2), ("2", "item", 1),
        ("二", "section", 0), ("1", "item", 1)]
    assert rows.total_kind is TotalKind.CEILING and rows.discount == 1 and rows.vat_rate is None
    assert rows[0].stated == D("1520.00")  # typed wrong: its rows add up to 1,000 + 500 + 10 = 1,510.00
    assert rows[1].stated is None  # the 小计 under 1 绿化维护 says 1,500.00, as its rows add up
    assert rows[6].quantity is None and rows[6].unit_price == D("268.00")
    assert rows.figures().net == D("1510.00")


def test_a_total_row_labelled_in_the_number_column_ends_the_table(tmp_path):
    """合计 typed in column A (序号) with a typed total, 项目 left empty: a common layout, refused as "项目为空"."""
    path, _wb = _vendor_sheet(tmp_path, [
        ("1", "乔木修剪", "", "株", 10, 100, 1000, None),
        ("2", "草坪养护", "", "平方米", 10, 50, 500, None),
        ("合计", None, None, None, None, None, 1500, None),
    ])
    rows = read_cost_table(path).rows
    assert [r.item for r in rows] == ["乔木修剪", "草坪养护"] and rows.figures().net == D("1500.00")


def test_a_wrong_subtotal_row_is_kept_as_stated(tmp_path):
    path, _wb = _vendor_sheet(tmp_path, [
        ("一", "设备", None, None, None, None, None, None),
        ("1", "摄像机", "", "台", 2, 100, 200, None),
        (None, "一小计", None, None, None, None, 210, None),
    ])
    assert read_cost_table(path).rows[0].stated == D("210.00")


def test_a_row_with_neither_quantity_nor_number_says_what_is_missing(tmp_path):
    path, _wb = _vendor_sheet(tmp_path, [(None, "绿化部分", None, None, None, None, None, None)])
    with pytest.raises(UserError) as caught:
        read_cost_table(path)
    assert "a section heading needs its number" in caught.value.message and caught.value.where == "报价单!E3"
    path, _wb = _vendor_sheet(tmp_path, [(1, "灯头", None, "个", None, 268, None, None)])
    with pytest.raises(UserError) as caught:
        read_cost_table(path)
    assert "write 按实结算 for a row priced by unit only" in caught.value.message


def test_hidden_rows_are_read_and_said(exported):
    wb = load_workbook(exported)
    ws = wb[SHEET]
    ws.row_dimensions[4].hidden = True
    ws.row_dimensions[5].hidden = True
    wb.save(exported)
    table = read_cost_table(exported, "3")
    assert len(table.rows) == 3
    [flag] = table.flags
    assert flag.cell == f"{SHEET}!A4" and flag.message == "sheet rows 4–5 are hidden in the workbook; they were read — check them"


def test_a_hidden_duplicate_unit_price_column_is_refused(tmp_path):
    path, wb = _vendor_sheet(tmp_path, [(1, "摄像机", "", "台", 2, 100, 200, None, 1)],
                             header=("序号", "项目", "规格", "单位", "数量", "单价", "金额", "备注", "单价"))
    wb.active.column_dimensions["I"].hidden = True
    wb.save(path)
    with pytest.raises(UserError) as caught:
        read_cost_table(path)
    assert caught.value.where == "报价单!I2" and "two columns are titled Unit price (F and I)" in caught.value.message


def test_a_hidden_column_that_is_read_is_said(exported):
    wb = load_workbook(exported)
    wb[SHEET].column_dimensions["E"].hidden = True
    wb.save(exported)
    table = read_cost_table(exported, "3")
    assert [f.message for f in table.flags] == ["the column E (Unit price) is hidden in the workbook; its values were read"]


def test_deleting_the_summary_sheet_does_not_get_another_contracts_packet_in(cli, db_path, sample, tmp_path):
    sample.number = "OTHER-2025-001"
    out = tmp_path / "other.xlsx"
    export_xlsx(sample, out)
    wb = load_workbook(out)
    del wb["Contract summary"]
    wb.save(out)  # openpyxl drops the document's custom properties it does not know: the table sheet still says
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(out), "--apply")
    assert result.code == 2 and f"exported from contract OTHER-2025-001, not {SAMPLE_NUMBER}" in result.err, result
    assert f"{SHEET}!F1" in result.err


def test_the_document_property_names_the_contract_when_the_sheets_do_not(sample, tmp_path):
    sample.number = "OTHER-2025-001"
    out = tmp_path / "other.xlsx"
    export_xlsx(sample, out)
    from .xlsx_helpers import patch_member, sheet_part

    part = sheet_part(out, SHEET)
    patch_member(out, "xl/workbook.xml", lambda d: d)
    patch_member(out, part, lambda d: d.replace(b"OTHER-2025-001", b""))  # the table sheet's own mention gone
    patch_member(out, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"OTHER-2025-001", b""))
    with pytest.raises(UserError) as caught:
        read_cost_table(out, "3", "费用明细表", SAMPLE_NUMBER)
    assert "exported from contract OTHER-2025-001" in caught.value.message


def test_a_product_too_large_is_a_clear_error(tmp_path):
    path, _wb = _vendor_sheet(tmp_path, [(1, "服务器", "", "台", "1000000000000000", "1000000000000000", None, None)])
    with pytest.raises(UserError) as caught:
        read_cost_table(path)
    assert caught.value.where == "报价单!E3"
    assert caught.value.message == "quantity × unit price is more than the largest amount of a row (49,999,999,999.99)"


def test_progress_is_reported_while_reading(sample, tmp_path):
    sample.annex("3").table = [CostRow(f"r{i}", "", "", D(1), D("1.00")) for i in range(2500)]
    out = tmp_path / "p.xlsx"
    export_xlsx(sample, out)
    seen: list[tuple[int, int]] = []
    read_cost_table(out, "3", progress=lambda done, total: seen.append((done, total)))
    assert seen[:2] == [(1000, 2504), (2000, 2504)] and seen[-1][0] >= 2500


def test_flat_tables_export_and_read_back_as_before(exported, sample):
    ws = load_workbook(exported)[SHEET]
    assert [c.value for c in ws[2]] == ["Item", "Specification", "Unit", "Quantity", "Unit price", "Amount", "Remark"]
    table = read_cost_table(exported, "3")
    assert table.rows == sample.annex("3").table and table.rows.is_flat and table.flags == []


def test_json_of_a_table_read_from_a_workbook_is_the_showcase(showcase_xlsx, sample):
    use_showcase(sample)
    before = dumps(sample)
    sample.annex("3").table = read_cost_table(showcase_xlsx, "3").rows
    assert dumps(sample) == before


def test_a_section_kind_row_in_an_exported_table_without_numbers(sample, tmp_path):
    """Sections without numbers are told apart by their outline (the export groups every section's rows)."""
    sample.annex("3").table = CostTable([
        CostRow("设备", kind=RowKind.SECTION, quantity=None),
        CostRow("摄像机", "", "台", D(2), D("100.00"), "", level=1),
        CostRow("服务", kind=RowKind.SECTION, quantity=None),
        CostRow("运维", "", "年", D(1), D("50.00"), "", level=1),
    ])
    out = tmp_path / "sections.xlsx"
    export_xlsx(sample, out)
    assert read_cost_table(out, "3").rows == sample.annex("3").table


def test_rows_without_numbers_are_counted_in_the_workbook_as_in_the_pdf_and_read_back_unnumbered(sample, tmp_path):
    """A table with VAT (so the sheet has a 序号 column) whose rows carry no numbers: the PDF prints 1, 2, 3 and the
    workbook said nothing; both count the rows now, and the count is not read back as the rows' own numbers."""
    import re
    import subprocess

    table = sample.annex("3").table
    table.vat_rate = D("0.13")
    out = tmp_path / "vat.xlsx"
    export_xlsx(sample, out)
    ws = load_workbook(out)[SHEET]
    header = next(r for r in range(1, 8) if ws[f"A{r}"].value == "No.")
    assert [ws[f"A{header + k}"].value for k in (1, 2, 3)] == ["1", "2", "3"]
    assert read_cost_table(out, "3").rows == table
    from app.codecs.pdf import export_pdf

    pdf = tmp_path / "vat.pdf"
    export_pdf(sample, pdf)
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for n in (1, 2, 3):  # 序号, 单位 年, 数量 1, 单价
        assert re.search(rf"^\s*{n}\s+年\s+1\s+1,424,430\.00", layout, re.M), n


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_the_showcase_goes_round_through_json_the_store_excel_and_the_pdf(cli, db, sample, tmp_path):
    """The issue's test as a clerk's commands: a table three sections deep with a 按实结算 section at 95.5 % and 13 %
    VAT, imported from JSON, exported to JSON (the same bytes), Excel (recalculated by LibreOffice, the same
    figures to the fen, read back the same) and PDF (the figures in its text), and checked."""
    from .pdf_tools import squash
    from .test_cost_table_pdf import _table_text

    use_showcase(sample)
    source = tmp_path / "showcase.json"
    source.write_text(dumps(sample), encoding="utf-8")
    assert cli("import", str(source), "--replace").code == 0
    out_json, out_xlsx, out_pdf = tmp_path / "back.json", tmp_path / "back.xlsx", tmp_path / "back.pdf"
    result = cli("export", SAMPLE_NUMBER, "--json", str(out_json), "--xlsx", str(out_xlsx), "--pdf", str(out_pdf))
    assert result.code == 0, result
    assert out_json.read_bytes() == source.read_bytes()
    strip_cached_results(out_xlsx)
    recalculated = recalculate(out_xlsx, tmp_path / "lo", tmp_path / "profile")
    _assert_figures(load_workbook(recalculated, data_only=True)[SHEET])
    assert read_cost_table(recalculated, "3", "费用明细表", SAMPLE_NUMBER).rows == showcase_table()
    text = squash(_table_text(out_pdf))
    for figure in ("254,522.60", "17,547.94", "¥272,070.54", "90.73", "40.59", "14,601.00", "按实结算"):
        assert figure in text
    check = cli("check", SAMPLE_NUMBER)
    assert "cost-table" not in check.out and "payment-sum" not in check.out, check.out
