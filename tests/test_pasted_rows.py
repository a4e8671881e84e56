"""Pasted text read as the Excel import reads a sheet (app.codecs.pasted), and the import's section rule both
share: a numbered item in the style of an open section is that section's sibling, unless the section numbers
its own rows in that style."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from app.codecs.pasted import BLANK, read_pasted
from app.codecs.xlsx_import import read_cost_table
from app.values.tsv import parse_tsv

D = Decimal
FLAT = ("item", "spec", "unit", "quantity", "unit_price", "amount", "remark")
HEADER = ("序号", "项目", "规格", "单位", "数量", "单价", "金额", "备注")


def levels(text: str) -> list[tuple[str, int, str, str]]:
    pasted = read_pasted(parse_tsv(text), FLAT)
    assert not pasted.refused, pasted.refused
    return [(r["kind"], r["level"], r.get("no", ""), r["item"]) for r in pasted.rows]


def test_a_header_row_is_recognised_in_either_language_and_maps_by_title():
    for header in ("项目名称\t数量\t单价（元）\t品牌", "Item\tQty\tUnit price\tBrand"):
        pasted = read_pasted(parse_tsv(f"{header}\n服务器\t2\t12,345.60\t华为\n"), FLAT)
        assert pasted.header is not None
        assert pasted.columns == ["item", "quantity", "unit_price", None]
        assert pasted.rows == [{"item": "服务器", "quantity": D("2"), "unit_price": D("12345.60")}]
        assert pasted.ignored == [(header.split("\t")[3], "not a column of the cost table")]
        assert pasted.lines == [2]


def test_without_a_header_the_columns_are_filled_in_turn_and_computed_ones_skipped():
    pasted = read_pasted(parse_tsv("服务器\t\t台\t2\t100\t200.00\t备注\t多余\n"), FLAT)
    assert pasted.header is None
    assert pasted.columns == ["item", "spec", "unit", "quantity", "unit_price", None, "remark", None]
    assert pasted.rows[0]["remark"] == "备注" and "amount" not in pasted.rows[0]
    assert [why for _title, why in pasted.ignored] == ["computed, not pasted", "beyond the table's last column"]


def test_a_single_word_that_names_a_column_is_data_not_a_header():
    pasted = read_pasted(parse_tsv("项目管理费\t1\t500\n"), FLAT)
    assert pasted.header is None and pasted.rows[0]["item"] == "项目管理费"


def test_every_refused_cell_is_listed_with_what_was_pasted():
    pasted = read_pasted(parse_tsv("数量\t单价\t折扣率\nabc\t1.234\t95.5\n2\t\t\n"), FLAT)
    assert [(r.line, r.column, r.pasted, r.problem) for r in pasted.refused] == [
        (2, "quantity", "abc", "not a number"),
        (2, "unit_price", "1.234", "more than 2 decimal places"),
        (2, "discount", "95.5", "write a rate as a percentage (13%) or a fraction (0.13)"),
    ]
    assert pasted.rows[1]["unit_price"] is BLANK  # an empty number: not given


def test_numbered_items_beside_sections_are_their_siblings():
    text = "\t".join(HEADER) + "\n" + "\n".join([
        "一\t绿化部分\t\t\t\t\t\t",
        "1\t绿化维护\t\t\t\t\t\t",
        "1.1\t乔木养护\t\t\t\t\t\t",
        "\t乔木修剪\t\t株\t120\t35.55\t\t",
        "1.2\t草坪养护\t\t平方米\t10\t3.20\t\t",
        "2\t卫生保洁\t\t月\t12\t18500\t\t",
        "二\t零星维修\t\t\t\t\t\t",
        "1\t更换灯头\t\t个\t按实结算\t268\t\t",
    ])
    assert levels(text) == [
        ("section", 0, "一", "绿化部分"), ("section", 1, "1", "绿化维护"), ("section", 2, "1.1", "乔木养护"),
        ("item", 3, "", "乔木修剪"), ("item", 2, "1.2", "草坪养护"), ("item", 1, "2", "卫生保洁"),
        ("section", 0, "二", "零星维修"), ("item", 1, "1", "更换灯头")]


def test_a_section_that_numbers_its_own_rows_keeps_them():
    text = "\t".join(HEADER) + "\n" + "\n".join([
        "1\t设备购置\t\t\t\t\t\t",
        "1\t服务器\t\t台\t2\t100\t\t",
        "2\t交换机\t\t台\t3\t50\t\t",
        "2\t安装调试\t\t\t\t\t\t",
        "1\t布线\t\t米\t100\t2\t\t",
    ])
    assert levels(text) == [
        ("section", 0, "1", "设备购置"), ("item", 1, "1", "服务器"), ("item", 1, "2", "交换机"),
        ("section", 0, "2", "安装调试"), ("item", 1, "1", "布线")]


@pytest.mark.parametrize("subtotals", [False, True])
def test_the_excel_import_reads_numbered_items_beside_sections_the_same_way(tmp_path, subtotals):
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADER))
    rows = [("1", "绿化维护", None, None, None, None, 32522.6, None),
            ("1.1", "乔木养护", None, None, None, None, 14601, None),
            (None, "乔木修剪", None, "株", 120, 35.55, 4266, None),
            (None, "病虫害防治", None, "次", 12, 861.25, 10335, None)]
    if subtotals:
        rows.append((None, "小计", None, None, None, None, 14601, None))
    rows += [("1.2", "草坪养护", None, "平方米", 5600.5, 3.2, 17921.6, None),
             ("2", "卫生保洁", None, "月", 12, 18500, 222000, None)]
    for row in rows:
        ws.append(list(row))
    path = tmp_path / "vendor.xlsx"
    wb.save(path)
    table = read_cost_table(path).rows
    assert [(r.kind.value, r.level, r.no) for r in table] == [
        ("section", 0, "1"), ("section", 1, "1.1"), ("item", 2, ""), ("item", 2, ""), ("item", 1, "1.2"),
        ("item", 0, "2")]
    assert table[0].stated is None  # 1 = 14,601.00 + 17,921.60: as the sheet says
