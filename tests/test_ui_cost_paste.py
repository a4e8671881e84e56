"""Pasting from Excel into the cost-table editor (issues 17 and 18), through the editor's paste: a header row in
Chinese or English names the columns, an indented vendor table keeps its sections and 小计 rows are left out,
and refused cells are listed in a dialog with what was pasted, nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence

from app.base.i18n import set_language
from app.domain import AnnexKind, RowKind
from app.ops import annexes as annex_ops
from app.store.contracts import load
from tests.test_ui_cost_sections import assert_shows_the_stored_figures, col

NUMBER = "CMHA-AY-202500441"
D = Decimal

VENDOR = (
    "序号\t项目名称\t规格型号\t单位\t数量\t单价（元）\t金额（元）\t备注\n"
    "一\t绿化、卫生保洁部分\t\t\t\t\t272070.54\t\n"
    "1\t绿化维护\t\t\t\t\t\t\n"
    "1.1\t乔木养护\t\t\t\t\t\t含修剪、施肥\n"
    "\t乔木修剪\t胸径10厘米以上\t株\t120\t35.55\t4266\t每年两次\n"
    "\t病虫害防治\t\t次\t12\t861.25\t10335\t\n"
    "\t小计\t\t\t\t\t14601\t\n"
    "1.2\t草坪养护\t修剪、浇水\t平方米\t5,600.5\t3.20\t17921.6\t\n"
    "二\t零星维修部分（按实结算）\t\t\t\t\t\t\n"
    "1\t更换路灯灯头\tLED 60W\t个\t按实结算\t268.00\t\t\n"
    "2\t修补人行道砖\t\t平方米\t按实结算\t95.00\t\t\n"
    "\t合计\t\t\t\t\t\t\n"
)


def rows(db, no: str = "4"):
    return load(db, NUMBER).annex(no).table


@pytest.fixture
def empty_table(qtbot, db):
    """A new, empty cost table (annex 4) open in the editor, as a clerk starts one."""
    from ui.annexes_tab import AnnexesTab

    tab = AnnexesTab(db)
    qtbot.addWidget(tab)
    tab.resize(1366, 600)
    tab.show()
    tab.messages = []
    tab.status_message.connect(tab.messages.append)
    tab.set_contract(NUMBER)
    tab.operations.run(annex_ops.add_annex, NUMBER, AnnexKind.TABLE, "设备清单")
    tab.select_annex("4")
    return tab


def paste_by_keys(qtbot, editor, text: str) -> None:
    """Put `text` on the clipboard and press Ctrl+V in the table, as a clerk pastes from Excel."""
    QGuiApplication.clipboard().setText(text)
    editor.table.setFocus()
    for binding in QKeySequence.keyBindings(QKeySequence.StandardKey.Paste)[:1]:
        combo = binding[0]
        qtbot.keyClick(editor.table, combo.key(), combo.keyboardModifiers())


def test_an_indented_vendor_table_keeps_its_sections(qtbot, empty_table, db):
    editor = empty_table.table_editor
    paste_by_keys(qtbot, editor, VENDOR)
    table = rows(db)
    assert [(r.kind.value, r.level, r.no, r.item) for r in table] == [
        ("section", 0, "一", "绿化、卫生保洁部分"),
        ("section", 1, "1", "绿化维护"),
        ("section", 2, "1.1", "乔木养护"),
        ("item", 3, "", "乔木修剪"),
        ("item", 3, "", "病虫害防治"),
        ("item", 2, "1.2", "草坪养护"),
        ("section", 0, "二", "零星维修部分（按实结算）"),
        ("item", 1, "1", "更换路灯灯头"),
        ("item", 1, "2", "修补人行道砖"),
    ]
    assert table[5].quantity == D("5600.5") and table[7].quantity is None and table[2].remark == "含修剪、施肥"
    assert editor.undo_stack.count() == 1
    assert_shows_the_stored_figures(editor, db, "4")
    assert editor.model.index(0, col(editor, "amount")).data() == "32,522.60"
    assert empty_table.messages[-1] == ("Pasted 9 rows; the first row is a header; sections recognised from the "
                                        "numbers; row 7 left out (a subtotal row: subtotals are computed); row 12 "
                                        "left out (a total row: the total is computed)")
    editor.undo_stack.undo()
    assert rows(db) == []
    editor.undo_stack.redo()
    assert len(rows(db)) == 9


@pytest.mark.parametrize("header", [
    "序号\t项目\t规格\t单位\t数量\t单价\t金额\t备注",
    "No.\tItem\tSpecification\tUnit\tQuantity\tUnit price\tAmount\tRemark",
])
def test_a_ten_row_table_pasted_with_its_header_row(qtbot, empty_table, db, header):
    """The issue 17 paste: refused whole before ("第 1 行，数量：不是数字"); now the header names the columns."""
    editor = empty_table.table_editor
    lines = [header] + [f"{k}\t设备{k}\t型号{k}\t台\t{k}\t1,000.50\t{k * 1000.5:.2f}\t含安装" for k in range(1, 11)]
    paste_by_keys(qtbot, editor, "\n".join(lines) + "\n")
    table = rows(db)
    assert len(table) == 10
    assert (table[0].item, table[0].spec, table[0].unit, table[0].quantity, table[0].unit_price, table[0].remark) == (
        "设备1", "型号1", "台", D("1"), D("1000.50"), "含安装")
    assert all(r.is_plain for r in table)  # a 序号 column that only counts the rows is not kept: a flat table
    assert editor.model.total == D("1000.50") * 55
    assert editor.model.columns == ("item", "spec", "unit", "quantity", "unit_price", "amount", "remark")
    assert empty_table.messages[-1] == "Pasted 10 rows; the first row is a header"


def test_a_header_maps_columns_in_any_order_wherever_the_cell_is(qtbot, empty_table, db):
    editor = empty_table.table_editor
    assert editor.paste_text("数量\t备注\t项目名称\t品牌\t单价（元）\n2\t备品\t交换机\t华为\t5000\n")
    assert editor.paste_text("Unit price\tItem\tQty\n10\tCable\t3\n")
    table = rows(db)
    assert [(r.item, r.quantity, r.unit_price, r.remark) for r in table] == [
        ("交换机", D("2"), D("5000.00"), "备品"), ("Cable", D("3"), D("10.00"), "")]
    # Pasted over existing rows from the current one, by column title
    editor.table.setCurrentIndex(editor.model.index(0, 3))
    assert editor.paste_text("单价\n4500\n")
    assert rows(db)[0].unit_price == D("4500.00") and rows(db)[0].item == "交换机"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_refused_cells_are_listed_in_a_dialog_and_nothing_is_written(qtbot, empty_table, db, lang):
    editor = empty_table.table_editor
    set_language(lang)
    text = ("项目\t数量\t单价\t税率\n"
            "服务器\t2\t12,345.60\t13%\n"
            "交换机\t两台\t5000\t13\n"
            "光纤\t1.23456\t-2\t\n")
    assert not editor.paste_text(text)
    assert rows(db) == []
    assert editor.undo_stack.count() == 0
    dialog = editor.refused_dialog
    assert dialog.isVisible()
    if lang == "en":
        assert dialog.windowTitle() == "Nothing was pasted"
        assert dialog.rows() == [
            ("3", "Quantity", "两台", "not a number"),
            ("3", "VAT rate", "13", "write a rate as a percentage (13%) or a fraction (0.13)"),
            ("4", "Quantity", "1.23456", "more than 4 decimal places"),
            ("4", "Unit price", "-2", "must not be negative"),
        ]
        assert empty_table.messages[-1] == "Nothing was pasted: pasted row 3, Quantity: not a number (and 3 more cells)"
        assert "the first row is a header: 项目、数量、单价、税率" in dialog.what.text()
    else:
        assert dialog.windowTitle() == "未粘贴任何内容"
        assert [r[:3] for r in dialog.rows()] == [("3", "数量", "两台"), ("3", "税率", "13"), ("4", "数量", "1.23456"),
                                                  ("4", "单价", "-2")]
        assert dialog.rows()[0][3] == "不是数字"
    assert "交换机\t两台" in dialog.text.toPlainText()  # what was pasted, line by line


def test_a_pasted_section_shape_the_table_cannot_take_is_refused_in_the_dialog(qtbot, empty_table, db):
    editor = empty_table.table_editor
    editor.paste_text(VENDOR)
    before = rows(db)
    editor.table.setCurrentIndex(editor.model.index(0, 0))  # an item over 一 would leave 1 绿化维护 under an item
    assert not editor.paste_text("序号\t项目\t数量\t单价\n1\t散件\t1\t2\n")
    assert rows(db) == before
    assert editor.refused_dialog.rows() == [("2", "Level", "", "row 2, Level: the row is deeper than the section "
                                                                 "above it allows (level 1, at most 0)")]


def test_a_section_row_refuses_a_pasted_quantity(qtbot, empty_table, db):
    editor = empty_table.table_editor
    editor.paste_text(VENDOR)
    editor.table.setCurrentIndex(editor.model.index(0, col(editor, "quantity")))
    assert not editor.paste_text("3\n")
    assert editor.refused_dialog.rows() == [("1", "Quantity", "3", "row 1 is a section: its amount is the sum of its rows")]
    assert rows(db)[0].kind is RowKind.SECTION and rows(db)[0].quantity is None


def test_copy_of_a_sectioned_table_pastes_back_the_same(qtbot, empty_table, db):
    editor = empty_table.table_editor
    editor.paste_text(VENDOR)
    before = rows(db)
    model = editor.model
    selection = editor.table.selectionModel()
    selection.select(model.index(0, 0), selection.SelectionFlag.Select)
    editor.table.selectAll()
    copied = editor.copy_text()
    assert copied.splitlines()[0].split("\t")[:2] == ["一", "绿化、卫生保洁部分"]  # no indentation in the text
    assert "settled on actuals" in copied
    header = "\t".join(model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount()))
    empty_table.operations.run(annex_ops.add_annex, NUMBER, AnnexKind.TABLE, "副本")
    empty_table.select_annex("5")
    assert editor.paste_text(header + "\n" + copied)
    again = rows(db, "5")
    assert [(r.kind, r.level, r.no, r.item, r.quantity, r.unit_price) for r in again] == [
        (r.kind, r.level, r.no, r.item, r.quantity, r.unit_price) for r in before]
