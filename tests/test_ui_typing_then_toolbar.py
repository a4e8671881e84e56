"""What is being typed is stored before a toolbar button or a shortcut acts on the contract.

An editor stores its entry when the focus leaves it; a toolbar button takes no focus. Clicking 撤销 while typing
undid an earlier edit in a hidden tab and redrew over the typing (never stored); 打印预览 laid out the packet
without it. Each test types without Enter or Tab, then clicks, and checks the database and the screen.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import show_window, wait_for_background
from tests.pdf_tools import pages_text
from tests.test_ui_annex import type_into_cell
from tests.test_ui_contract_form import retype
from ui.main_window import ANNEXES, CLAUSES, SIGNING, SUMMARY

REMARK, QUANTITY = 6, 3  # cost-table view columns


@pytest.fixture
def window(qtbot, db, db_path, settings):
    w = show_window(qtbot, db, db_path, settings)
    w.activateWindow()  # the focus moves as a clerk's does
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    yield w
    wait_for_background()


def show(window, tab: str):
    window.tabs.setCurrentWidget(window.pages[tab])
    return window.pages[tab]


def click_toolbar(window, action) -> None:
    """The toolbar's button for `action`, clicked: the focus stays in the editor, as with a mouse click."""
    button = window.toolbar.widgetForAction(action)
    assert button.focusPolicy() == Qt.FocusPolicy.NoFocus or not button.hasFocus()
    button.click()


def clause_text(contract, no: str) -> str:
    return next(c.text for _depth, c in contract.all_clauses() if c.no == no)


def stored_court(window, form, text: str) -> None:
    """An earlier, stored edit on 概要 (the one a wrong undo would take back)."""
    show(window, SUMMARY)
    retype(form.editors["terms.delivery_days"], text)
    form.editors["terms.delivery_days"].editingFinished.emit()


def test_undo_while_typing_a_field_undoes_the_typing_and_keeps_the_earlier_edit(qtbot, window, db):
    form = window.pages[SUMMARY]
    stored_court(window, form, "45")
    field = form.editors["project"]
    retype(field, "雪亮工程（补充）")  # typed, no Enter
    assert field.hasFocus()
    click_toolbar(window, window.act_undo)
    stored = contracts.load(db, N)
    assert stored.terms.delivery_days == 45  # the earlier edit is not what was undone
    assert field.text() == stored.project != "雪亮工程（补充）"
    click_toolbar(window, window.act_redo)  # the typing comes back: it was stored, then undone
    assert contracts.load(db, N).project == "雪亮工程（补充）" == field.text()


def test_redo_while_typing_a_field_keeps_the_typing(qtbot, window, db):
    form = window.pages[SUMMARY]
    stored_court(window, form, "45")
    window.act_undo.trigger()
    assert window.act_redo.isEnabled()
    field = form.editors["project"]
    retype(field, "雪亮工程五期")
    qtbot.keyClick(field, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Y, the shortcut
    stored = contracts.load(db, N)
    assert stored.project == "雪亮工程五期" == field.text()
    assert stored.terms.delivery_days != 45  # a new edit: nothing left to redo
    assert not window.act_redo.isEnabled()


def test_undo_while_typing_a_clause_or_the_signing_page_loses_nothing(qtbot, window, db):
    form = window.pages[SUMMARY]
    stored_court(window, form, "45")
    clauses = show(window, CLAUSES)
    assert clauses.focus_where("clause:4.1")
    clauses.text_edit.setFocus()
    clauses.text_edit.insertPlainText("（补充）")  # within the typing pause: not stored yet
    click_toolbar(window, window.act_undo)  # the typing is stored, then undone; the 概要 edit stays
    assert "（补充）" not in clause_text(contracts.load(db, N), "4.1")
    assert contracts.load(db, N).terms.delivery_days == 45
    click_toolbar(window, window.act_redo)
    assert "（补充）" in clause_text(contracts.load(db, N), "4.1")

    signing = show(window, SIGNING)
    caption = next(e for e in signing.findChildren(QLineEdit) if getattr(e, "path", "") == "signing.a.seal_caption")
    retype(caption, "某某县公安局（盖章）")
    click_toolbar(window, window.act_undo)
    assert contracts.load(db, N).signing_a.seal_caption == caption.text() != "某某县公安局（盖章）"
    assert "（补充）" in clause_text(contracts.load(db, N), "4.1")


def test_undo_while_a_cost_cell_is_being_edited_stores_it_then_undoes_it(qtbot, window, db):
    annexes = show(window, ANNEXES)
    annexes.select_annex("3")
    type_into_cell(qtbot, annexes.table_editor, 0, REMARK, "已核对")  # an earlier edit on the 附件 tab's stack
    table = annexes.table_editor.table
    table.setCurrentIndex(annexes.table_editor.model.index(1, QUANTITY))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    line = next(w for w in table.findChildren(QLineEdit) if w.isVisible())
    line.selectAll()
    qtbot.keyClicks(line, "7")  # no Enter
    click_toolbar(window, window.act_undo)
    stored = contracts.load(db, N).annex("3").table
    assert stored[1].quantity == Decimal("1") and stored[0].remark == "已核对"
    click_toolbar(window, window.act_redo)
    assert contracts.load(db, N).annex("3").table[1].quantity == Decimal("7")


def test_print_preview_while_typing_shows_what_is_on_screen(qtbot, window, db, tmp_path):
    form = show(window, SUMMARY)
    field = form.editors["title"]
    retype(field, "打印预览测试标题")
    packets: list[bytes] = []
    window.packet_ready.connect(packets.append)
    worker = window.render_packet(lambda pdf: None)  # what 打印预览 and 打印 lay out
    assert worker is not None
    qtbot.waitUntil(lambda: bool(packets), timeout=60000)
    assert contracts.load(db, N).title == "打印预览测试标题"
    pdf = tmp_path / "preview.pdf"
    pdf.write_bytes(packets[0])
    assert "打印预览测试标题" in pages_text(pdf)[0]


def test_undo_is_offered_while_the_first_edit_is_typed(qtbot, window, db):
    """Nothing stored yet: the toolbar's Undo was greyed out while the clerk typed, so the click did nothing."""
    qtbot.waitUntil(lambda: not window._after_paint, timeout=3000)
    form = show(window, SUMMARY)
    field = form.editors["project"]
    assert not window.act_undo.isEnabled()
    stored = contracts.load(db, N).project
    retype(field, "雪亮工程（补充）")
    assert window.act_undo.isEnabled()
    click_toolbar(window, window.act_undo)
    assert field.text() == stored == contracts.load(db, N).project
    assert window.act_redo.isEnabled()
    click_toolbar(window, window.act_redo)
    assert contracts.load(db, N).project == "雪亮工程（补充）"
