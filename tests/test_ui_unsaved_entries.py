"""An entry that cannot be stored is never dropped unasked: closing the window or opening another contract
asks to go back to it or discard it. And the contract opened last is opened again at start."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.codecs.sample import sample_contract
from app.ops.contracts import delete_contract
from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import show_window, wait_for_background
from tests.test_ui_contract_form import retype
from ui import settings as keys
from ui.main_window import ANNEXES, REVIEW, SCHEDULE, SUMMARY, MainWindow

OTHER = "T-0002"


@pytest.fixture
def store(settings):
    """This file's name for the window's settings (the same object)."""
    return settings


@pytest.fixture
def window(qtbot, db, db_path, settings):
    other = sample_contract()
    other.number = OTHER
    contracts.save(db, other)
    w = show_window(qtbot, db, db_path, settings)
    assert w.number == N
    yield w
    wait_for_background()


def _answer(role: QMessageBox.ButtonRole) -> list[str]:
    """Press the button of `role` in the question when it comes; returns the question's text."""
    asked: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press)
            return
        asked.append(box.informativeText())
        next(b for b in box.buttons() if box.buttonRole(b) == role).click()

    QTimer.singleShot(0, press)
    return asked


def _type_invalid_total(window):
    window.tabs.setCurrentWidget(window.pages[SCHEDULE])  # the clerk looks elsewhere meanwhile
    form = window.pages[SUMMARY]
    total = form.editors["total"].edit
    retype(total, "12,3x")
    total.editingFinished.emit()
    return form, total


def test_closing_with_a_refused_entry_asks_go_back_or_discard(qtbot, window, db):
    form, total = _type_invalid_total(window)
    asked = _answer(QMessageBox.ButtonRole.RejectRole)  # go back to it
    assert window.close() is False
    assert asked and "Total: “12,3x”" in asked[0] and "not an amount" in asked[0]
    assert window.isVisible()
    assert window.tabs.currentWidget() is form and total.text() == "12,3x" and total.selectedText() == "12,3x"

    asked = _answer(QMessageBox.ButtonRole.DestructiveRole)  # discard
    assert window.close() is True
    assert asked and contracts.load(db, N).total != 0


def test_opening_another_contract_with_a_refused_entry_asks(qtbot, window, db):
    form, total = _type_invalid_total(window)
    asked = _answer(QMessageBox.ButtonRole.RejectRole)
    window.list_view.select_number(OTHER)
    assert asked
    assert window.number == N and window.list_view.selected_number() == N  # the list shows what is open
    assert total.text() == "12,3x" and window.tabs.currentWidget() is form

    asked = _answer(QMessageBox.ButtonRole.DestructiveRole)
    window.list_view.select_number(OTHER)
    assert asked and window.number == OTHER
    assert form.editors["total"].edit.text() == "4,273,290.00" and not form.message.isVisibleTo(form)


def test_a_refused_rate_in_the_cost_table_footer_is_asked_about_and_kept_through_redraws(qtbot, window, db):
    """附件 too: "abc" as the VAT rate, then another contract: the same question; going back shows it marked."""
    annexes = window.pages[ANNEXES]
    window.tabs.setCurrentWidget(annexes)
    annexes.select_annex("3")
    vat = annexes.table_editor.footer.vat_edit
    vat.setText("abc")
    vat.editingFinished.emit()
    annexes.refresh()  # a redraw (an edit elsewhere): the entry stays, still marked
    assert vat.text() == "abc" and vat.property("refused")
    window.tabs.setCurrentWidget(window.pages[SCHEDULE])
    asked = _answer(QMessageBox.ButtonRole.RejectRole)
    window.list_view.select_number(OTHER)
    assert asked and "Annex 3 · VAT rate: “abc”" in asked[0]
    assert window.number == N and window.tabs.currentWidget() is annexes and vat.text() == "abc"

    asked = _answer(QMessageBox.ButtonRole.DestructiveRole)
    window.list_view.select_number(OTHER)
    assert asked and window.number == OTHER
    assert annexes.refused_entries() == {} and vat.text() != "abc" and not vat.property("refused")


def test_a_review_comment_written_but_not_added_is_there_again_after_a_restart(qtbot, window, db, db_path, store):
    review = window.pages[REVIEW]
    window.tabs.setCurrentWidget(review)
    review.comments.text_edit.setPlainText("第4.1条标点待改")  # not added yet
    window.list_view.select_number(OTHER)
    review.comments.text_edit.setPlainText("另一份合同的意见")
    assert window.close()
    again = MainWindow(db, str(db_path), store=store)
    qtbot.addWidget(again)
    assert again.number == OTHER
    again.tabs.setCurrentWidget(again.pages[REVIEW])
    comments = again.pages[REVIEW].comments
    assert comments.text_edit.toPlainText() == "另一份合同的意见"
    again.list_view.select_number(N)
    assert comments.text_edit.toPlainText() == "第4.1条标点待改"
    comments.add_comment()  # added now: nothing is kept for the next start
    assert again.close()
    assert keys.comment_drafts(store, str(db_path)) == {OTHER: "另一份合同的意见"}


def test_nothing_is_asked_when_every_entry_was_stored(qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail("asked for nothing"))
    form = window.pages[SUMMARY]
    retype(form.editors["project"], "已保存")
    form.editors["project"].editingFinished.emit()
    window.list_view.select_number(OTHER)
    assert window.number == OTHER
    assert window.close()


def test_the_contract_opened_last_is_opened_again_at_start(qtbot, window, db, db_path, store):
    window.list_view.select_number(OTHER)
    assert window.close()
    again = MainWindow(db, str(db_path), store=store)
    qtbot.addWidget(again)
    assert again.number == OTHER
    assert again.list_view.selected_number() == OTHER
    again.close()
    delete_contract(db, OTHER)
    third = MainWindow(db, str(db_path), store=store)  # gone: the first contract instead
    qtbot.addWidget(third)
    assert third.number == N


def _cost_table(qtbot, window):
    """The sample's cost table (附件3) shown in an active window: (the 附件 tab, its table editor, the quantity column)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # the cell editor's focus counts
    annexes = window.pages[ANNEXES]
    window.tabs.setCurrentWidget(annexes)
    annexes.select_annex("3")
    editor = annexes.table_editor
    return annexes, editor, editor.model.column_index("quantity")


def _type_without_enter(qtbot, editor, row: int, column: int, text: str) -> None:
    """Open the cell's editor (F2) and type `text` over it, leaving the editor open."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    editor.table.setCurrentIndex(editor.model.index(row, column))
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_F2)
    line = next(w for w in editor.table.findChildren(QLineEdit) if w.isVisible())
    line.selectAll()
    qtbot.keyClicks(line, text)


def test_a_refused_cost_cell_is_kept_on_screen_and_asked_about(qtbot, window, db):
    """"abc" typed as a quantity without Enter, then another contract: no question, the text gone. Enter erased it
    too, leaving the old value and a tooltip. It now stays in its cell, marked, through redraws, and is asked about."""
    from PySide6.QtCore import Qt

    from tests.test_ui_annex import type_into_cell

    annexes, editor, quantity = _cost_table(qtbot, window)
    type_into_cell(qtbot, editor, 0, quantity, "abc")  # Enter: refused
    cell = editor.model.index(0, quantity)
    assert cell.data() == "abc" and "not a number" in cell.data(Qt.ItemDataRole.ToolTipRole)
    annexes.refresh()  # a redraw (an edit elsewhere) keeps it
    assert editor.model.index(0, quantity).data() == "abc"
    asked = _answer(QMessageBox.ButtonRole.RejectRole)
    window.list_view.select_number(OTHER)
    assert asked and "Annex 3 · row 1, Quantity: “abc”" in asked[0]
    assert window.number == N and window.tabs.currentWidget() is annexes
    assert editor.table.currentIndex() == editor.model.index(0, quantity)

    type_into_cell(qtbot, editor, 0, quantity, "3")  # corrected: stored, nothing left to ask
    assert contracts.load(db, N).annex("3").table[0].quantity == 3 and annexes.refused_entries() == {}

    window.activateWindow()  # the question's box had the focus
    qtbot.waitUntil(window.isActiveWindow)
    _type_without_enter(qtbot, editor, 1, quantity, "x1")  # typed, no Enter, then another contract
    asked = _answer(QMessageBox.ButtonRole.DestructiveRole)
    window.list_view.select_number(OTHER)
    assert asked and "row 2, Quantity: “x1”" in asked[0] and window.number == OTHER
    assert contracts.load(db, N).annex("3").table[1].quantity == 1  # nothing stored


def test_a_cost_cell_left_by_switching_tabs_keeps_the_annex_undo_history(qtbot, window, db):
    """A quantity stored with Enter, another typed and left by clicking 概要: both stored, and both undoable when the
    clerk comes back (the tab switch had wiped the annex's undo history, the earlier edit's step with it)."""
    from PySide6.QtCore import Qt

    from tests.test_ui_annex import type_into_cell

    annexes, editor, quantity = _cost_table(qtbot, window)
    type_into_cell(qtbot, editor, 2, quantity, "2")
    assert annexes.undo_stack.count() == 1
    _type_without_enter(qtbot, editor, 2, quantity, "3")
    tab_bar = window.tabs.tabBar()
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(0).center())  # 概要, no Enter
    assert window.tabs.currentIndex() == 0
    assert contracts.load(db, N).annex("3").table[2].quantity == 3
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(window.tabs.indexOf(annexes)).center())
    assert annexes.undo_stack.count() == 2 and window.act_undo.isEnabled()
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert contracts.load(db, N).annex("3").table[2].quantity == 1
