"""Workbooks that would import the wrong table are refused, naming the sheet and cell, with nothing stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.base.errors import UserError
from app.base.i18n import set_language
from app.codecs.xlsx import export_xlsx
from app.codecs.xlsx_import import read_cost_table

from .conftest import SAMPLE_NUMBER, database_digest

TABLE_SHEET = "Annex 3 费用明细表"






def _edit(path, change, sheet: str = TABLE_SHEET) -> None:
    wb = load_workbook(path)
    change(wb[sheet])
    wb.save(path)


def _refused(cli, db_path, path, where: str, reason: str) -> None:
    before = database_digest(db_path)
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(path), "--apply")
    assert result.code == 2, result
    assert where in result.err and reason in result.err and "Traceback" not in result.err, result.err
    assert database_digest(db_path) == before


@pytest.mark.parametrize(("lang", "where"), [("en", "Contract summary!B2"), ("zh_CN", "合同概要!B2")])
def test_a_packet_exported_from_another_contract_is_refused(cli, db, db_path, sample, tmp_path, lang, where):
    sample.number = "OTHER-2025-001"
    sample.annex("3").table[0].item = "另一份合同的项目"
    out = tmp_path / "other.xlsx"
    set_language(lang)
    export_xlsx(sample, out)
    set_language("en")
    _refused(cli, db_path, out, where, f"exported from contract OTHER-2025-001, not {SAMPLE_NUMBER}")


def test_a_packet_of_this_contract_still_imports(cli, exported):
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(exported))
    assert result.code == 0 and "no changes" in result.out, result


@pytest.mark.parametrize("title", ["Annex 4 费用明细表", "附件4 费用明细表"])
def test_the_sheet_of_another_annex_is_refused(cli, exported, db_path, title):
    _edit(exported, lambda ws: setattr(ws, "title", title))
    _refused(cli, db_path, exported, title, "holds annex 4, not annex 3")


def test_a_sheet_not_named_for_an_annex_is_read(exported):
    _edit(exported, lambda ws: setattr(ws, "title", "报价单"))
    assert len(read_cost_table(exported, "3").rows) == 3


def test_a_cost_row_under_the_total_is_refused(cli, exported, db_path):
    def add_below(ws):  # rows 3-5 hold the table, 6 the total, 7 the total in words
        ws["A9"], ws["D9"], ws["E9"] = "漏在合计下面的设备", 1, 100

    _edit(exported, add_below)
    _refused(cli, db_path, exported, f"{TABLE_SHEET}!A9", "follows the total row (sheet row 6)")


def test_a_second_section_after_a_subtotal_is_refused(cli, exported, db_path):
    def subtotal(ws):
        ws.insert_rows(5)
        ws["F5"] = "=SUM(F3:F4)"  # 小计 of the first section; the third year's row now follows it

    _edit(exported, subtotal)
    _refused(cli, db_path, exported, f"{TABLE_SHEET}!A6", "follows the total row (sheet row 5)")


def test_notes_under_the_total_are_accepted(cli, exported):
    _edit(exported, lambda ws: ws.__setitem__("A9", "以上价格含税，含安装调试"))
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(exported))
    assert result.code == 0 and "no changes" in result.out, result


def test_minus_zero_is_stored_as_zero(exported):
    _edit(exported, lambda ws: ws.__setitem__("E3", "-0"))
    price = read_cost_table(exported, "3").rows[0].unit_price
    assert price == 0 and not price.is_signed() and str(price) == "0.00"


@pytest.mark.parametrize(("change", "cell", "reason"), [
    (lambda ws: ws.merge_cells("D3:E3"), "E3", "Unit price is empty"),
    (lambda ws: ws.__setitem__("D4", None), "D4", "Quantity is empty"),
])
def test_an_empty_number_cell_says_so(exported, change, cell, reason):
    _edit(exported, change)
    with pytest.raises(UserError) as err:
        read_cost_table(exported, "3")
    assert err.value.message.startswith(reason) and err.value.where == f"{TABLE_SHEET}!{cell}"


def test_an_amount_formula_without_a_saved_result_is_flagged_plainly(exported):
    _edit(exported, lambda ws: ws.__setitem__("F3", "=SUM(D3:E3)"))
    table = read_cost_table(exported, "3")
    assert table.rows[0].amount == Decimal("1424430.00")
    [flag] = table.flags
    assert flag.cell == f"{TABLE_SHEET}!F3"
    assert "no saved result" in flag.message and "None" not in flag.message


def test_a_unit_longer_than_the_store_allows_is_refused(cli, exported, db_path):
    _edit(exported, lambda ws: ws.__setitem__("C4", "年" * 33))  # the clerk's table editor refuses it too
    _refused(cli, db_path, exported, f"{TABLE_SHEET}!C4", "a unit has at most 32 characters")


def _array_formula(path, ref: str, formula: str) -> None:
    from openpyxl.worksheet.formula import ArrayFormula

    _edit(path, lambda ws: ws.__setitem__(ref, ArrayFormula(ref, formula)))


def test_an_array_formula_without_a_saved_result_is_refused_not_stored_as_garbage(cli, exported, db_path):
    _array_formula(exported, "G3", "=UPPER(A3:A3)")  # Excel 365's dynamic arrays are saved this way too
    _refused(cli, db_path, exported, f"{TABLE_SHEET}!G3", "the formula {=UPPER(A3:A3)} has no saved result")


def test_an_array_formula_uses_its_saved_result_and_is_flagged(exported):
    import re

    from .xlsx_helpers import patch_member, sheet_part

    _array_formula(exported, "G3", "=UPPER(A3:A3)")
    saved = '<c r="G3" t="str"><f t="array" ref="G3">UPPER(A3:A3)</f><v>已保存的结果</v></c>'.encode()
    patch_member(exported, sheet_part(exported, TABLE_SHEET),
                 lambda xml: re.sub(rb'<c r="G3"[^>]*><f t="array".*?</c>', saved, xml, count=1))
    table = read_cost_table(exported, "3")
    assert table.rows[0].remark == "已保存的结果"
    assert [(f.cell, "{=UPPER(A3:A3)}" in f.message) for f in table.flags] == [(f"{TABLE_SHEET}!G3", True)]


@pytest.mark.parametrize(("title", "no"), [
    ("附件3 费用明细表", "3"), ("Annex 4 Cost table", "4"), ("附件3：费用明细表", "3"), ("Annex 3 费用明细表 (2)", "3"),
    ("附件三 报价单", None), ("附件3-1 报价", None), ("报价单", None), ("Sheet1", None),
])
def test_only_a_sheet_titled_like_an_exported_annex_names_one(title, no):
    from app.codecs.xlsx.layout import annex_no_of_sheet

    assert annex_no_of_sheet(title) == no


@pytest.mark.parametrize("sheet", [TABLE_SHEET, "Contract summary"])
def test_a_sheet_whose_xml_is_broken_after_its_first_element_is_refused(cli, exported, db_path, sheet):
    """The container checks read only up to each part's root element; the rest is parsed when the sheet is read."""
    from .xlsx_helpers import patch_member, sheet_part

    patch_member(exported, sheet_part(exported, sheet), lambda xml: xml.replace(b"<row ", b"<row <<", 1))
    _refused(cli, db_path, exported, "packet.xlsx", "damaged")
