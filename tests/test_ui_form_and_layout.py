"""What a clerk sees in the 概要 form and the main window: invalid entries that stay put until fixed, amounts
that stay readable, Chinese punctuation in Chinese messages, and a first window that leaves the form room."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt

from app.base.i18n import set_language
from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.test_ui_contract_form import retype


def test_an_invalid_entry_stays_marked_when_another_field_is_saved(form, db):
    total = form.editors["total"].edit
    retype(total, "12,3x")
    total.editingFinished.emit()
    title = form.editors["title"]
    retype(title, "新标题")
    title.editingFinished.emit()
    stored = contracts.load(db, N)
    assert stored.title == "新标题" and stored.total == Decimal("4273290.00")
    # the typed amount is neither stored nor silently swapped for the stored one
    assert total.text() == "12,3x" and total.property("invalid") is True
    assert "not an amount" in total.toolTip()
    assert form.message.isVisibleTo(form) and "Total" in form.message.text()
    retype(total, "100")
    total.editingFinished.emit()
    assert contracts.load(db, N).total == Decimal("100.00")
    assert not form.message.isVisibleTo(form)


def test_an_invalid_entry_is_dropped_when_another_contract_opens(form, db):
    from app.codecs.sample import sample_contract

    other = sample_contract()
    other.number = "T-0001"
    contracts.save(db, other)
    total = form.editors["total"].edit
    retype(total, "12,3x")
    total.editingFinished.emit()
    form.set_contract("T-0001")
    assert total.text() == "4,273,290.00" and total.property("invalid") is False
    assert not form.message.isVisibleTo(form)


def test_the_total_stays_readable_beside_its_uppercase_in_a_narrow_form(qtbot, form):
    form.resize(760, 600)
    form.show()
    qtbot.waitExposed(form)
    amount = form.editors["total"]
    text_width = amount.edit.fontMetrics().horizontalAdvance(amount.edit.text())
    assert amount.edit.width() >= text_width
    assert amount.upper.text() == "肆佰贰拾柒万叁仟贰佰玖拾元整"
    assert amount.upper.width() > 0


def test_chinese_messages_use_the_full_width_colon(form, db):
    set_language("zh_CN")
    total = form.editors["total"].edit
    retype(total, "12,3x")
    total.editingFinished.emit()
    assert form.message.text().startswith("合计：")
    assert total.toolTip().startswith("合计：")


def test_the_list_tooltip_names_the_parties_with_the_full_width_colon(db):
    from ui.contract_list_model import OTHER_PARTY, ContractListModel

    set_language("zh_CN")
    model = ContractListModel(db)
    tip = model.index(0, OTHER_PARTY).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines() == ["甲方：汤阴县公安局", "乙方：中国移动通信集团河南有限公司安阳分公司"]


@pytest.fixture
def active_window(qtbot, db, db_path, tmp_path):
    """The main window shown and active, with its own settings file (keyboard focus works in it)."""
    from ui.main_window import MainWindow

    window = MainWindow(db, str(db_path), store=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def test_a_first_window_gives_the_contract_tabs_most_of_its_width(qtbot, db, db_path, tmp_path):
    from ui.main_window import MainWindow

    store = QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, str(db_path), store=store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    list_width, tabs_width = window.splitter.sizes()
    assert tabs_width >= 1.5 * list_width
    window.splitter.setSizes([300, 500])  # a position the clerk chose is kept
    remembered = window.splitter.sizes()
    window.close()
    again = MainWindow(db, str(db_path), store=store)
    qtbot.addWidget(again)
    again.show()
    assert again.splitter.sizes() == remembered


def test_toolbar_tooltips_put_the_shortcut_in_translatable_brackets(qtbot, db, db_path, tmp_path, monkeypatch):
    import ui.main_window as main_window
    from ui.main_window import MainWindow

    store = QSettings(str(tmp_path / "tips.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, str(db_path), store=store)
    qtbot.addWidget(window)
    assert window.act_new.toolTip() == "New contract (Ctrl+N)"
    chinese = {"{action} ({shortcut})": "{action}（{shortcut}）"}
    monkeypatch.setattr(main_window, "_", lambda text: chinese.get(text, text))
    window.retranslate_ui()
    assert window.act_new.toolTip() == "New contract（Ctrl+N）"


def test_tab_leaves_the_contract_list_for_the_contract(qtbot, active_window):
    """Keyboard-only use: Tab from the list goes on to the contract's tabs instead of circling its cells."""
    from PySide6.QtWidgets import QApplication

    window = active_window
    table = window.list_view.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    for _step in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if not table.hasFocus():
            break
    assert window.tabs.isAncestorOf(QApplication.focusWidget())


def test_ctrl_z_in_a_field_just_saved_undoes_the_edit(qtbot, db, active_window):
    """The clerk types an amount, presses Enter, then Ctrl+Z with the cursor still in the field."""
    window = active_window
    total = window.pages["summary"].editors["total"].edit
    total.setFocus()
    qtbot.waitUntil(total.hasFocus, timeout=2000)
    total.selectAll()
    qtbot.keyClicks(total, "100")
    qtbot.keyClick(total, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # typing not stored yet: the field's own undo
    assert total.text() == "4,273,290.00" and window.contract_stack.count() == 0
    assert contracts.load(db, N).total == Decimal("4273290.00")
    total.selectAll()
    qtbot.keyClicks(total, "100")
    qtbot.keyClick(total, Qt.Key.Key_Return)
    assert contracts.load(db, N).total == Decimal("100.00")
    qtbot.keyClick(total, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert contracts.load(db, N).total == Decimal("4273290.00")
    assert total.text() == "4,273,290.00"
    qtbot.keyClick(total, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert contracts.load(db, N).total == Decimal("100.00")
    assert total.text() == "100.00"


def test_ctrl_z_in_the_clause_editor_undoes_the_last_clause_edit(qtbot, db, active_window):
    """After adding a clause, Ctrl+Z with the cursor in its title or text box removes it again."""
    from ui.main_window import CLAUSES

    window = active_window
    window.tabs.setCurrentWidget(window.pages[CLAUSES])
    editor = window.pages[CLAUSES]
    assert editor.focus_where("clause:第十条")
    count = len(contracts.load(db, N).clauses)
    editor.add_button.click()
    assert len(contracts.load(db, N).clauses) == count + 1
    for box, key, expected in ((editor.title_edit, Qt.Key.Key_Z, count), (editor.title_edit, Qt.Key.Key_Y, count + 1),
                               (editor.text_edit, Qt.Key.Key_Z, count)):
        box.setFocus()
        qtbot.waitUntil(box.hasFocus, timeout=2000)
        qtbot.keyClick(box, key, Qt.KeyboardModifier.ControlModifier)
        assert len(contracts.load(db, N).clauses) == expected


def test_an_invalid_instalment_entry_never_moves_to_another_instalment(form, db):
    second = form.editor_for("payments[1].amount")
    retype(second, "12,3x")
    second.editingFinished.emit()
    title = form.editors["title"]
    retype(title, "新标题")
    title.editingFinished.emit()
    assert form.editor_for("payments[1].amount").text() == "12,3x"  # kept while the rows stay put
    form.payments_table.setCurrentCell(0, 0)
    form.remove_payment()
    assert len(contracts.load(db, N).payments) == 2
    shown = [form.editor_for(f"payments[{i}].amount").text() for i in range(2)]
    assert shown == ["12,3x", "1,424,430.00"]  # moved up with its own instalment, not left on the next one
    assert form.message.isVisibleTo(form)  # still refused, still explained
