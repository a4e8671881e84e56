"""The annexes tab and cost-table editor, driven as a clerk would (pytest-qt), checking the database after each step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, QItemSelection, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from app.ops import Part
from app.store import annex_rows as ar
from app.store.contracts import insert_cost_rows, load
from ui.annex_table_model import VIEW_COLUMNS

NUMBER = "CMHA-AY-202500441"
QUANTITY_VIEW_COLUMN = 3
ITEM, SPEC, UNIT, QTY, PRICE, AMOUNT, REMARK = range(7)


def stored(db) -> list[tuple]:
    table = load(db, NUMBER).annex("3").table
    return [(r.item, r.spec, r.unit, r.quantity, r.unit_price, r.remark) for r in table]


@pytest.fixture
def tab(qtbot, db):
    from ui.annexes_tab import AnnexesTab

    widget = AnnexesTab(db)
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    widget.messages = []
    widget.status_message.connect(widget.messages.append)
    widget.set_contract(NUMBER)
    return widget


@pytest.fixture
def editor(tab):
    tab.select_annex("3")
    return tab.table_editor


def type_into_cell(qtbot, editor, row: int, column: int, text: str) -> None:
    """Open the cell's delegate editor, type `text` key by key (CJK as key events with text), press Enter."""
    table = editor.table
    index = editor.model.index(row, column)
    table.setCurrentIndex(index)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)  # the platform's edit key
    editors = [w for w in table.findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, "the delegate editor did not open"
    line = editors[0]
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    for ch in text:
        if ch.isascii():
            qtbot.keyClick(line, ch)
        else:  # keyClicks with CJK or full-width text aborts the process
            QApplication.sendEvent(
                line, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )
    qtbot.keyClick(line, Qt.Key.Key_Return)
    # The delegate commits and closes its editor through a queued call.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState, timeout=2000)


def test_the_tab_lists_the_annexes_and_shows_text_or_table(tab):
    names = [tab.annex_list.item(i).text() for i in range(tab.annex_list.count())]
    assert names == ["Annex 1: 技术规范书", "Annex 2: 网络与信息安全协议书", "Annex 3: 费用明细表"]
    assert tab.annex_list.item(1).toolTip() == "Annex 2: 网络与信息安全协议书\nText annex"  # whole, when the list cuts it
    assert tab.pages.currentWidget() is tab.text_page
    assert tab.text_page.text_edit.toPlainText() == "（源合同文本未附本附件正文，待补充。）"
    tab.select_annex("3")
    assert tab.pages.currentWidget() is tab.table_page
    assert tab.table_editor.model.rowCount() == 3


def test_the_annex_tab_follows_a_language_switch(tab, qapp):
    from ui.i18n import switch_language

    try:
        switch_language(qapp, "zh_CN")
        assert tab.annex_list.item(2).text() == "附件3：费用明细表"
        assert tab.history_button.text() == "撤销历史…"
        assert tab.text_page.attach_button.text() != "Attach PDF…"
        assert tab.table_editor.delete_action.text() != "Delete rows"
    finally:
        switch_language(qapp, "en")
    assert tab.annex_list.item(2).text() == "Annex 3: 费用明细表"
    assert tab.text_page.attach_button.text() == "Attach PDF…"


def test_edit_cells_through_the_delegate_updates_db_total_and_uppercase(qtbot, editor, db):
    footer = editor.footer
    assert "4,273,290.00" in footer.total_label.text()
    assert footer.upper_label.text().endswith("肆佰贰拾柒万叁仟贰佰玖拾元整")
    assert not footer.differs

    type_into_cell(qtbot, editor, 0, PRICE, "1,000.5")
    assert stored(db)[0][4] == Decimal("1000.50")
    assert editor.model.index(0, PRICE).data() == "1,000.50"
    assert editor.model.index(0, AMOUNT).data() == "1,000.50"
    assert "2,849,860.50" in footer.total_label.text()
    assert footer.upper_label.text().endswith("贰佰捌拾肆万玖仟捌佰陆拾元零伍角")
    assert footer.differs and "1,423,429.50" in footer.difference_label.text()

    type_into_cell(qtbot, editor, 0, QTY, "２")  # full-width digit
    assert stored(db)[0][3] == Decimal("2")
    assert "2,850,861.00" in footer.total_label.text()

    type_into_cell(qtbot, editor, 1, ITEM, "云存储（第二年）")
    assert stored(db)[1][0] == "云存储（第二年）"
    assert editor.undo_stack.count() == 3


@pytest.mark.parametrize(
    ("text", "reason"),
    [("abc", "not a number"), ("-5", "must not be negative"), ("1.234", "more than 2 decimal places"),
     # within a unit price's bound, beyond the row's (quantity × unit price): refused in the cell the same way
     ("1000000000000000", "quantity × unit price is more than the largest amount of a row (49,999,999,999.99)")],
)
def test_invalid_input_is_refused_with_tooltip_and_status(qtbot, tab, editor, db, text, reason):
    before = stored(db)
    type_into_cell(qtbot, editor, 1, PRICE, text)
    assert stored(db) == before
    assert editor.model.index(1, PRICE).data() == text  # what was typed stays, marked, until corrected
    assert editor.model.index(1, PRICE).data(Qt.ItemDataRole.ToolTipRole) == reason
    assert tab.messages[-1] == f"row 2, Unit price: {reason}"
    assert editor.undo_stack.count() == 0
    type_into_cell(qtbot, editor, 1, PRICE, "7")  # a good value clears the mark
    assert editor.model.index(1, PRICE).data(Qt.ItemDataRole.ToolTipRole) is None
    assert stored(db)[1][4] == Decimal("7.00")


def test_amount_column_is_read_only(editor):
    index = editor.model.index(0, AMOUNT)
    assert not editor.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not editor.model.setData(index, "5")


def test_paste_block_undo_redo_with_db_checks(editor, db):
    original = stored(db)
    editor.table.setCurrentIndex(editor.model.index(1, ITEM))
    block = (
        "服务器\t2U 机架式\t台\t２\t１２，３４５.６０\t24,691.20\t含安装\n"
        '交换机\t"48 口\n千兆"\t台\t3\t¥5,000\t\t\n'
        "光纤\t单模\t米\t1,000.5\t2.50\t\t按实结算\n"
    )
    assert editor.paste_text(block)
    after_paste = stored(db)
    assert len(after_paste) == 4
    assert after_paste[0] == original[0]
    assert after_paste[1] == ("服务器", "2U 机架式", "台", Decimal("2"), Decimal("12345.60"), "含安装")
    assert after_paste[2][1] == "48 口\n千兆" and after_paste[2][4] == Decimal("5000.00")
    assert after_paste[3] == ("光纤", "单模", "米", Decimal("1000.5"), Decimal("2.50"), "按实结算")
    total = Decimal("1424430.00") + Decimal("24691.20") + Decimal("15000.00") + Decimal("2501.25")
    assert editor.model.total == total
    assert editor.undo_stack.count() == 1

    editor.undo_stack.undo()
    assert stored(db) == original
    assert editor.model.rowCount() == 3 and editor.model.total == Decimal("4273290.00")

    editor.undo_stack.redo()
    assert stored(db) == after_paste
    assert editor.model.total == total


def test_a_bad_cell_refuses_the_whole_paste(tab, editor, db):
    before = stored(db)
    editor.table.setCurrentIndex(editor.model.index(0, QTY))
    assert not editor.paste_text("2\t10.00\n3\tabc\n4\t5\n")
    assert stored(db) == before
    assert editor.undo_stack.count() == 0
    assert tab.messages[-1] == "Nothing was pasted: pasted row 2, Unit price: not a number"
    assert editor.refused_dialog.isVisible()
    assert editor.refused_dialog.rows() == [("2", "Unit price", "abc", "not a number")]


def test_paste_of_10000_rows_is_one_undoable_step(editor, db):
    editor.table.setCurrentIndex(editor.model.index(2, ITEM))
    lines = "".join(f"设备{i}\t型号{i % 7}\t台\t{i % 5 + 1}\t{1000 + i % 300}.50\t\t\n" for i in range(10_000))
    assert editor.paste_text(lines)
    assert editor.undo_stack.count() == 1
    assert editor.model.stored_row_count == 10_002
    expected = Decimal("2848860.00") + sum(
        (Decimal(i % 5 + 1) * Decimal(f"{1000 + i % 300}.50") for i in range(10_000)), Decimal("0.00")
    )
    assert editor.model.total == expected
    assert len(stored(db)) == 10_002
    editor.undo_stack.undo()
    assert len(stored(db)) == 3 and editor.model.stored_row_count == 3


def test_copy_gives_excel_tsv(editor):
    model, table = editor.model, editor.table
    table.setCurrentIndex(model.index(0, QTY))
    sel = table.selectionModel()
    sel.select(QItemSelection(model.index(0, QTY), model.index(1, AMOUNT)), sel.SelectionFlag.Select)
    assert editor.copy_text() == "1\t1424430.00\t1424430.00\n1\t1424430.00\t1424430.00\n"


def test_insert_delete_move_by_keys_with_undo(qtbot, editor, db):
    original = stored(db)
    table = editor.table
    table.setCurrentIndex(editor.model.index(1, ITEM))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Insert)
    rows = stored(db)
    assert len(rows) == 4 and rows[1] == ("", "", "", Decimal("0"), Decimal("0.00"), "")
    assert rows[2] == original[1]

    table.setCurrentIndex(editor.model.index(0, ITEM))
    table.selectionModel().select(editor.model.index(0, ITEM), table.selectionModel().SelectionFlag.ClearAndSelect)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert stored(db)[0] == ("", "", "", Decimal("0"), Decimal("0.00"), "")
    assert editor.model.total == Decimal("2848860.00")

    editor.undo_stack.undo()
    assert stored(db)[0] == original[0] and len(stored(db)) == 4
    editor.undo_stack.undo()
    assert stored(db) == original

    table.setCurrentIndex(editor.model.index(0, ITEM))
    table.selectionModel().select(editor.model.index(0, ITEM), table.selectionModel().SelectionFlag.ClearAndSelect)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert stored(db) == [original[1], original[0], original[2]]
    assert table.currentIndex().row() == 1
    editor.undo_stack.undo()
    assert stored(db) == original


def test_sort_and_filter_are_view_only(editor, db):
    original = stored(db)
    editor.table.horizontalHeader().sectionClicked.emit(ITEM)
    editor.table.horizontalHeader().sectionClicked.emit(ITEM)  # descending
    model = editor.model
    items = [r[0] for r in original]
    assert [model.index(r, ITEM).data() for r in range(3)] == sorted(items, reverse=True)
    first = items.index(sorted(items, reverse=True)[0]) + 1
    assert model.headerData(0, Qt.Orientation.Vertical) == str(first)  # rows keep their stored numbers
    assert stored(db) == original
    editor.filter_edit.setText("第二年")
    assert model.rowCount() == 1 and model.index(0, ITEM).data() == "云存储服务费（第二年）"
    assert model.total == Decimal("4273290.00")  # the total is the table's, not the filtered view's
    editor.filter_edit.clear()
    editor.sort_by(-1)
    assert [model.index(r, ITEM).data() for r in range(3)] == [r[0] for r in original]


def test_undo_history_is_viewable(qtbot, tab, editor):
    type_into_cell(qtbot, editor, 0, UNIT, "项")
    tab.show_history()
    view = tab._history.view
    assert view.model().rowCount() == 2  # the <opened> state and the edit
    assert "Unit" in view.model().index(1, 0).data()


def test_large_table_opens_in_pages(qtbot, db, editor):
    aid = editor.model.annex_id
    row = load(db, NUMBER).annex("3").table[0]
    with db.transaction() as s:
        insert_cost_rows(s, aid, [row] * 1200, start=10)
    editor.load(aid)
    assert editor.model.loading and editor.model.rowCount() < 1203
    assert not editor.model.setData(editor.model.index(0, PRICE), "1")  # edits wait for the rest
    with qtbot.waitSignal(editor.model.loaded, timeout=5000):
        pass
    assert editor.model.rowCount() == 1203
    assert editor.model.total == Decimal("1424430.00") * 1203


def test_text_annex_edit_commit_and_undo(qtbot, tab, db):
    edit = tab.text_page.text_edit
    edit.setPlainText("第一条 技术要求")
    tab.commit_text()
    assert load(db, NUMBER).annex("1").text == "第一条 技术要求"
    tab.undo_stack.undo()
    assert load(db, NUMBER).annex("1").text == "（源合同文本未附本附件正文，待补充。）"
    assert edit.toPlainText() == "（源合同文本未附本附件正文，待补充。）"
    tab.undo_stack.redo()
    assert edit.toPlainText() == "第一条 技术要求"


def test_text_commits_after_a_pause(qtbot, tab, db):
    tab.text_page.text_edit.setPlainText("自动保存")
    qtbot.waitUntil(lambda: load(db, NUMBER).annex("1").text == "自动保存", timeout=3000)


def test_attach_remove_export_pdf(qtbot, tab, db, tmp_path):
    pdf = tmp_path / "规范.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% annex\n")
    tab.attach_pdf(path=pdf)
    assert load(db, NUMBER).annex("1").pdf == pdf.read_bytes()
    assert "PDF attached" in tab.text_page.pdf_label.text()
    out = tmp_path / "out.pdf"
    tab.export_pdf(path=out)
    assert out.read_bytes() == pdf.read_bytes()
    tab.remove_pdf()
    assert load(db, NUMBER).annex("1").pdf is None
    tab.undo_stack.undo()
    assert load(db, NUMBER).annex("1").pdf == pdf.read_bytes()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    tab.attach_pdf(path=bad)
    assert tab.messages[-1] == "bad.pdf: not a PDF file"
    tab.attach_pdf(path=pdf)
    folder = tmp_path / "a folder"
    folder.mkdir()
    tab.export_pdf(path=folder)  # saving onto a folder: said in the status bar, nothing raised
    assert tab.messages[-1] == f"{folder}: is a folder, not a file"


def test_headers_and_columns(editor):
    headers = [editor.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(VIEW_COLUMNS))]
    assert headers == ["Item", "Specification", "Unit", "Quantity", "Unit price", "Amount", "Remark"]
    assert editor.model.index(0, PRICE).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_set_contract_none_empties_the_tab(tab):
    tab.set_contract(None)
    assert tab.annex_list.count() == 0 and tab.pages.currentWidget() is tab.empty_page
    assert tab.undo_stack.count() == 0


def test_store_listing_matches_tab(db, tab):
    assert [a.no for a in ar.list_annexes(db, NUMBER)] == ["1", "2", "3"]


def test_ctrl_z_and_ctrl_y_in_a_standalone_tab(qtbot, tab, editor, db):
    tab.install_undo_shortcuts()
    original = stored(db)
    type_into_cell(qtbot, editor, 2, QTY, "3")
    assert stored(db)[2][3] == Decimal("3")
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(db) == original
    qtbot.keyClick(editor.table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert stored(db)[2][3] == Decimal("3")
    assert "7,122,150.00" in editor.footer.total_label.text()


def test_column_widths_dragged_by_the_clerk_are_remembered(qtbot, db, editor):
    from PySide6.QtGui import QUndoStack

    from ui.annex_table_view import CostTableEditor

    editor.table.horizontalHeader().resizeSection(1, 333)  # the spec column, dragged wider
    again = CostTableEditor(db, QUndoStack())
    qtbot.addWidget(again)
    assert again.table.columnWidth(1) == 333


def test_add_annex_button_adds_a_cost_table_and_opens_it(qtbot, tab, db, monkeypatch):
    """A contract made with New contract has no annexes: the clerk adds the cost table here."""
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kwargs: ("Cost table", True))
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("设备清单", True))
    changed = []
    tab.operations.changed.connect(changed.append)
    tab.add_button.click()
    assert load(db, NUMBER).annex("4").table == []
    assert tab.annex_list.currentItem().text() == "Annex 4: 设备清单"
    assert tab.pages.currentWidget() is tab.table_page
    assert [(c.number, c.touches(Part.ANNEXES)) for c in changed] == [(NUMBER, True)]
    assert tab.messages[-1] == "Annex 4: 设备清单 added"
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("", True))
    tab.add_button.click()  # no title: said, nothing added
    assert [a.no for a in load(db, NUMBER).annexes] == ["1", "2", "3", "4"]
    assert "title" in tab.messages[-1]


def test_rows_pasted_past_a_filtered_view_are_said_to_be_at_the_end(tab, editor, db):
    editor.filter_edit.setText("第二年")
    editor.table.setCurrentIndex(editor.model.index(0, ITEM))
    assert editor.paste_text("云存储服务费（第二年）\n新增设备\t\t台\t1\t100\t\t\n")
    assert len(stored(db)) == 4 and stored(db)[-1][0] == "新增设备"
    assert editor.model.rowCount() == 1  # the new row does not match the filter
    assert tab.messages[-1] == "Pasted 2 rows; the 1 added at the end of the table may be hidden by the filter"


def test_a_signed_contracts_annexes_are_read_only_with_the_note_saying_why(qtbot, tab, db):
    """As 概要, 条款 and 签署页: no cell opens, no row or rate button works, the text annex takes no typing."""
    from app.ops import Changes
    from tests.conftest import sign

    editor = tab.table_editor
    tab.select_annex("3")
    assert not tab.read_only_note.isVisibleTo(tab)
    assert editor.model.flags(editor.model.index(1, QUANTITY_VIEW_COLUMN)) & Qt.ItemFlag.ItemIsEditable
    sign(db, NUMBER)
    tab.refresh_for(Changes(NUMBER, parts=frozenset({Part.STATE})))
    assert tab.read_only_note.isVisibleTo(tab) and "signed" in tab.read_only_note.text()
    assert not editor.model.flags(editor.model.index(1, QUANTITY_VIEW_COLUMN)) & Qt.ItemFlag.ItemIsEditable
    assert not any(button.isEnabled() for button in editor.tool_buttons)
    assert not editor.footer.discount_edit.isEnabled() and not editor.footer.vat_edit.isEnabled()
    assert not editor.footer.kind_combo.isEnabled()
    editor.table.setCurrentIndex(editor.model.index(1, QUANTITY_VIEW_COLUMN))
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_F2)
    assert not [w for w in editor.table.findChildren(QLineEdit) if w.isVisible()]  # no cell editor opens
    assert editor.copy_action.isEnabled()  # reading and copying still work
    tab.select_annex("1")
    assert tab.text_page.text_edit.isReadOnly() and not tab.text_page.attach_button.isEnabled()
