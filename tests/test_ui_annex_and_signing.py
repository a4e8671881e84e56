"""The cost table's row keys while a cell is being typed in, and the signing page preview fitting its pane."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from tests.conftest import SAMPLE_NUMBER as N
from tests.test_ui_annex import editor, stored, tab  # noqa: F401  (fixtures)


def test_row_keys_inside_a_cell_editor_do_not_touch_the_rows(qtbot, tab, editor, db):  # noqa: F811
    before = stored(db)
    table = editor.table
    table.setCurrentIndex(editor.model.index(0, 0))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    line = next(w for w in table.findChildren(QLineEdit) if w.isVisible())
    qtbot.keyClick(line, Qt.Key.Key_Insert)
    qtbot.keyClick(line, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert stored(db) == before and editor.model.rowCount() == 3
    assert editor.undo_stack.count() == 0
    if table.state() == QAbstractItemView.State.EditingState:
        qtbot.keyClick(line, Qt.Key.Key_Escape)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Insert)  # on the table itself Ins still inserts a row
    assert len(stored(db)) == 4 and editor.undo_stack.count() == 1


def test_the_signing_preview_shows_the_whole_page_width(qtbot, db):
    from ui.signing_tab import SigningTab

    page = SigningTab(db, QUndoStack())
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    qtbot.waitExposed(page)
    page.set_contract(N)
    qtbot.waitUntil(lambda: not page.preview_busy, timeout=15_000)
    shown = page.preview.pixmap()
    assert not shown.isNull()
    assert shown.width() <= page.preview_scroll.viewport().width()
    assert not page.preview_scroll.horizontalScrollBar().isVisible()
    # the whole A4 page, narrower but in its proportions
    assert abs(shown.height() / shown.width() - 297 / 210) < 0.02
    page.resize(1800, 1000)  # a wide pane shows the page at its rendered size, not enlarged
    qtbot.waitUntil(lambda: page.preview.pixmap().width() > shown.width(), timeout=3000)
    assert page.preview.pixmap().width() <= page._page.width()


def test_signing_page_problems_name_their_field_and_all_stay_listed(qtbot, db):
    from app.store import contracts
    from ui.signing_tab import SigningTab

    page = SigningTab(db, QUndoStack())
    qtbot.addWidget(page)
    page.set_contract(N)
    day_a, day_b = page.editors["signing.a.date"].edit, page.editors["signing.b.date"].edit
    for day in (day_a, day_b):
        day.setText("2025年2月30日")
        day.textEdited.emit(day.text())
        day.editingFinished.emit()
    lines = page.message.text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Party A · Signing date", "Party B · Signing date"]
    signatory = page.editors["signing.b.signatory"]
    signatory.setText("邵瞳")
    signatory.editingFinished.emit()  # another field stored: the two bad dates stay, marked and explained
    assert contracts.load(db, N).signing_b.signatory == "邵瞳"
    assert day_a.text() == "2025年2月30日" and day_a.property("invalid") is True
    assert page.message.text().splitlines() == lines
    day_a.setText("2025-05-22")
    day_a.textEdited.emit(day_a.text())
    day_a.editingFinished.emit()
    assert page.message.text().splitlines() == lines[1:]
    assert contracts.load(db, N).signing_a.date.isoformat() == "2025-05-22"


def test_a_contract_without_annexes_says_so(qtbot, db):
    from app.domain import Contract
    from app.store import contracts
    from ui.annexes_tab import AnnexesTab

    contracts.save(db, Contract(number="T-0009", title="新合同"))
    page = AnnexesTab(db)
    qtbot.addWidget(page)
    assert page.empty_page.text() == "Open a contract to see its annexes"
    page.set_contract("T-0009")
    assert page.annex_list.count() == 0 and page.pages.currentWidget() is page.empty_page
    assert page.empty_page.text() == "This contract has no annexes"
    page.set_contract(None)
    assert page.empty_page.text() == "Open a contract to see its annexes"
