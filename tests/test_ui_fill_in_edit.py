"""The clause text box: fill-ins shown and edited as named tokens, the template kept exactly underneath."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QTextCursor, QUndoStack
from PySide6.QtWidgets import QApplication

from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.test_ui_contract_form import type_into
from ui.clause_editor import ClauseEditor
from ui.fill_in_edit import TEMPLATE_MIME, FillInEdit
from ui.i18n import switch_language

OBJECT = "\ufffc"


@pytest.fixture
def chinese(qapp):
    switch_language(qapp, "zh_CN")
    yield
    switch_language(qapp, "en")


@pytest.fixture
def box(qtbot, chinese):
    edit = FillInEdit()
    qtbot.addWidget(edit)
    edit.resize(500, 200)
    edit.show()
    return edit


def key(widget, k, modifiers=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
    from PySide6.QtTest import QTest

    for _ in range(times):
        QTest.keyClick(widget, k, modifiers)


def test_a_clause_shows_names_and_gives_back_its_template_exactly(box):
    text = "甲方：【{{ party_a.name }}】，合计（大写：{{total|rmb_upper}}）\n第二行\u00a0【¥{{ payments[0].amount | yuan }} 元】"
    box.set_template(text)
    assert box.template() == text
    assert box.shown_text() == "甲方：【甲方名称】，合计（大写：合同总价（大写））\n第二行\u00a0【¥首期款（纯数字） 元】"
    assert "{{" not in box.toPlainText() and box.toPlainText().count(OBJECT) == 3
    assert not box.document().isUndoAvailable()  # loading is not an edit


def test_the_cursor_steps_over_a_token_and_keys_delete_it_whole(box):
    box.set_template("甲【{{ party_a.name }}】乙")
    box.moveCursor(QTextCursor.MoveOperation.Start)
    key(box, Qt.Key.Key_Right, times=2)  # over 甲, then over the whole token
    assert box.textCursor().position() == 2
    type_into(box, "和")
    assert box.template() == "甲【{{ party_a.name }}】和乙"
    key(box, Qt.Key.Key_Left)
    key(box, Qt.Key.Key_Backspace)  # the token with its brackets, nothing else
    assert box.template() == "甲和乙"
    key(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.template() == "甲【{{ party_a.name }}】和乙"
    box.moveCursor(QTextCursor.MoveOperation.Start)
    key(box, Qt.Key.Key_Right)
    key(box, Qt.Key.Key_Delete)
    assert box.template() == "甲和乙"


def test_a_selection_holds_whole_tokens_and_typing_replaces_them(box):
    box.set_template("前{{ total | yuan }}{{ total | rmb_upper }}后")
    box.moveCursor(QTextCursor.MoveOperation.Start)
    key(box, Qt.Key.Key_Right)
    key(box, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert box.textCursor().selectedText() == OBJECT
    type_into(box, "金额")
    assert box.template() == "前金额{{ total | rmb_upper }}后"
    key(box, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    key(box, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert box.textCursor().selectedText() == OBJECT + "后"


def test_typing_right_after_a_token_is_plain_text(box):
    """The character format after a token must not pass to what is typed next (it would be lost or duplicated)."""
    box.set_template("{{ party_b.name }}")
    box.moveCursor(QTextCursor.MoveOperation.End)
    type_into(box, "负责")
    key(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # a new line, not a U+2028 separator
    type_into(box, "完")
    assert box.template() == "{{ party_b.name }}负责\n完"
    assert box.shown_text() == "乙方名称负责\n完"


def test_inserting_a_field_is_one_undo_step(box):
    box.set_template("共计元")
    box.moveCursor(QTextCursor.MoveOperation.Start)
    key(box, Qt.Key.Key_Right, times=2)
    box.insert_fill_in("total | yuan")
    assert box.template() == "共计【{{ total | yuan }}】元"
    assert box.shown_text() == "共计【合同总价（纯数字）】元"
    type_into(box, "整")
    assert box.template() == "共计【{{ total | yuan }}】整元"
    box.undo()
    box.undo()
    assert box.template() == "共计元"


def test_copy_and_paste_keep_fill_ins_and_other_programs_get_the_names(box):
    box.set_template("甲方【{{ party_a.name }}】")
    box.selectAll()
    data = box.createMimeDataFromSelection()
    assert data.text() == "甲方【甲方名称】"
    box.moveCursor(QTextCursor.MoveOperation.End)
    box.insertFromMimeData(data)
    assert box.template() == "甲方【{{ party_a.name }}】甲方【{{ party_a.name }}】"
    outside = QMimeData()
    outside.setText("，{{ party_b.name }}")  # a template written elsewhere becomes a token too
    box.insertFromMimeData(outside)
    assert box.toPlainText().count(OBJECT) == 3 and "{{" not in box.toPlainText()
    assert not data.hasHtml() and bytes(data.data(TEMPLATE_MIME).data()).decode() == "甲方【{{ party_a.name }}】"


def test_a_fill_in_written_out_by_hand_becomes_a_token_once_complete(box):
    box.set_template("")
    type_into(box, "交付【{{ terms.delivery_days }}】日")
    assert box.fill_in_typed() == 1
    assert box.toPlainText() == f"交付{OBJECT}日"
    assert box.shown_text() == "交付【交付天数】日"
    assert box.template() == "交付【{{ terms.delivery_days }}】日"
    type_into(box, "{{ terms.delivery_days")
    assert box.fill_in_typed() == 0  # not finished yet


def test_a_hand_written_formula_shows_as_a_custom_token(box):
    box.set_template("【{{ terms.delivery_days + 5 }}】天")
    assert box.shown_text() == "【自定义填空】天"
    assert box.template() == "【{{ terms.delivery_days + 5 }}】天"


def test_token_names_follow_the_window_language(box, qapp):
    box.set_template("{{ party_a.name }}")
    switch_language(qapp, "en")
    assert box.shown_text() == "Party A name"
    width_en = box.document().idealWidth()
    switch_language(qapp, "zh_CN")
    assert box.shown_text() == "甲方名称"
    assert box.document().idealWidth() != width_en  # laid out again with the new name


def test_the_token_tooltip_names_the_value_it_prints(qtbot, db, chinese):
    editor = ClauseEditor(db, QUndoStack())
    qtbot.addWidget(editor)
    editor.set_contract(N)
    assert editor.focus_where("clause:1.1")
    source = "【{{ total | yuan }}】"
    assert editor.text_edit.token_tooltip(source) == "【合同总价（纯数字）】: 【4273290】"


def test_the_clause_editor_stores_the_template_and_never_shows_code(qtbot, db, chinese):
    stack = QUndoStack()
    editor = ClauseEditor(db, stack)
    qtbot.addWidget(editor)
    editor.resize(1000, 600)
    editor.show()
    editor.set_contract(N)
    assert "{{" not in editor.text_label.text()
    assert editor.focus_where("clause:1.4")
    stored = contracts.load(db, N).clauses[0].clauses[3].text
    assert editor.text_edit.template() == stored and "{{" not in editor.text_edit.toPlainText()
    assert "乙方名称：【收款方名称】" in editor.text_edit.shown_text()

    box = editor.text_edit
    box.setFocus()
    box.moveCursor(QTextCursor.MoveOperation.End)
    key(box, Qt.Key.Key_Return)
    type_into(box, "甲方：")
    action = next(a for a, label in editor.insert_actions if label == "Party A name")
    assert action.text() == "甲方名称"
    action.trigger()
    type_into(box, "。")
    editor.commit_text()
    expected = stored + "\n甲方：【{{ party_a.name }}】。"
    assert contracts.load(db, N).clauses[0].clauses[3].text == expected
    assert "甲方：【甲方名称】。" in editor.text_edit.shown_text()
    assert "汤阴县公安局" in editor.preview.toPlainText()
    stack.undo()
    assert contracts.load(db, N).clauses[0].clauses[3].text == stored
    assert editor.text_edit.template() == stored


def test_selecting_a_clause_and_back_leaves_the_stored_text_alone(qtbot, db, chinese):
    """Showing a clause must not count as an edit (no spurious undo steps, nothing written)."""
    stack = QUndoStack()
    editor = ClauseEditor(db, stack)
    qtbot.addWidget(editor)
    editor.set_contract(N)
    for where in ("clause:1.1", "clause:1.3", "clause:10.3", "clause:2.1"):
        assert editor.focus_where(where)
        editor.commit_text()
    assert stack.count() == 0
    QApplication.processEvents()


def test_a_screen_reader_is_given_the_text_with_each_fill_in_by_its_name(box, qapp):
    """Qt's accessible text has U+FFFC where a token is; the description is the text as the clerk sees it."""
    from PySide6.QtGui import QAccessible

    box.set_template("甲方：【{{ party_a.name }}】")
    iface = QAccessible.queryAccessibleInterface(box)
    assert iface.text(QAccessible.Text.Description) == "甲方：【甲方名称】"
    box.moveCursor(QTextCursor.MoveOperation.End)
    box.insert_fill_in("total")
    assert box.accessibleDescription() == "甲方：【甲方名称】【合计】" and OBJECT in box.toPlainText()
    switch_language(qapp, "en")
    assert box.accessibleDescription() == box.shown_text() and box.shown_text().startswith("甲方：【Party A name】")
