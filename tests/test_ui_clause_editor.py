"""The 条款 editor: structural edits stored as undo steps, live preview, template errors inline."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor, QUndoStack

from app.ops.review import set_state
from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import sign
from ui.clause_editor import ClauseEditor


@pytest.fixture
def editor(qtbot, db):
    stack = QUndoStack()
    widget = ClauseEditor(db, stack)
    qtbot.addWidget(widget)
    widget.stack = stack
    widget.set_contract(N)
    return widget


def top_numbers(db) -> list[str]:
    return [c.no for c in contracts.load(db, N).clauses]


def test_add_move_delete_are_stored_and_undone(editor, db):
    assert editor.focus_where("clause:第十条")
    editor.add_button.click()
    stored = top_numbers(db)
    assert stored[-2:] == ["第十一条", "第十二条"] and len(stored) == 12
    assert editor.no_edit.text() == "第十一条"
    editor.up_button.click()
    assert top_numbers(db)[9:11] == ["第十一条", "第十条"]
    editor.delete_button.click()
    assert "第十一条" not in top_numbers(db)
    assert editor.stack.count() == 3
    for _ in range(3):
        editor.stack.undo()
    assert top_numbers(db) == [c.no for c in contracts.load(db, N).clauses] and len(top_numbers(db)) == 11
    assert "第十一条" not in top_numbers(db)
    editor.stack.redo()
    assert "第十一条" in top_numbers(db)


def test_indent_outdent_and_renumber(editor, db):
    assert editor.focus_where("clause:5.5")
    editor.indent_button.click()
    five = contracts.load(db, N).clauses[4]
    assert [c.no for c in five.clauses[3].clauses][-1] == "5.5"
    editor.renumber_button.click()
    five = contracts.load(db, N).clauses[4]
    assert [c.no for c in five.clauses[3].clauses][-1] == "5.4.5"
    assert top_numbers(db)[-1] == "第十一条"  # the sample's missing 第十一条 gap closed
    editor.stack.undo()
    editor.stack.undo()
    assert top_numbers(db)[-1] == "第十二条"
    assert [c.no for c in contracts.load(db, N).clauses[4].clauses] == ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6"]


def test_preview_and_template_error(editor, db):
    assert editor.focus_where("clause:1.1")
    assert "【4273290】" in editor.preview.toPlainText()
    assert "肆佰贰拾柒万叁仟贰佰玖拾元整" in editor.preview.toPlainText()
    editor.text_edit.setPlainText("费用【{{ totl | yuan }}】元")
    assert editor.preview_error.isVisibleTo(editor)
    assert "totl" in editor.preview_error.text()
    editor.text_edit.setPlainText("费用")
    editor.text_edit.moveCursor(QTextCursor.MoveOperation.End)
    editor.insert_field("total | money")
    assert "【4,273,290.00】" in editor.preview.toPlainText()
    assert not editor.preview_error.isVisibleTo(editor)
    editor.commit_text()
    assert contracts.load(db, N).clauses[0].clauses[0].text == "费用【{{ total | money }}】"


def test_typing_pauses_merge_into_one_undo_step(editor, db):
    editor.focus_where("clause:3.1")
    original = contracts.load(db, N).clauses[2].clauses[0].text
    editor.text_edit.setPlainText("一")
    editor.commit_text()
    editor.text_edit.setPlainText("一二")
    editor.commit_text()
    assert editor.stack.count() == 1
    assert contracts.load(db, N).clauses[2].clauses[0].text == "一二"
    editor.stack.undo()
    assert contracts.load(db, N).clauses[2].clauses[0].text == original
    assert editor.text_edit.toPlainText() == original


def test_read_only_when_signed(qtbot, db):
    sign(db)
    set_state(db, N, "archived")
    editor = ClauseEditor(db, QUndoStack())
    qtbot.addWidget(editor)
    editor.set_contract(N)
    assert editor.read_only_note.isVisibleTo(editor)
    assert editor.text_edit.isReadOnly()
    assert not editor.add_button.isEnabled() and not editor.delete_button.isEnabled()
    assert not editor.focus_where("payments[0].amount")


def test_with_no_clause_chosen_there_is_nothing_to_type_into(editor, db):
    """Typing into the number, title or text with no clause chosen went nowhere: those fields wait for a clause."""
    editor.tree.clearSelection()
    editor.tree.setCurrentIndex(editor.tree.model().index(-1, -1))
    assert editor.current_path is None
    assert not editor.text_edit.isEnabled() and not editor.no_edit.isEnabled() and not editor.title_edit.isEnabled()
    assert not editor.insert_button.isEnabled()
    assert editor.focus_where("clause:10.3")
    assert editor.text_edit.isEnabled() and editor.insert_button.isEnabled()
    editor.text_edit.moveCursor(QTextCursor.MoveOperation.End)
    editor.text_edit.insertPlainText("（补）")
    editor.commit_text()
    assert contracts.load(db, N).clauses[9].clauses[2].text.endswith("（补）")


def test_the_clause_list_names_fill_ins_as_the_text_box_does(editor, qapp):
    """10.3 has no title: the list shows the start of its text with each fill-in by its name, never {{ … }}."""
    from ui.i18n import switch_language

    switch_language(qapp, "zh_CN")
    try:
        assert editor.focus_where("clause:10.3")
        shown = editor.tree.currentIndex().siblingAtColumn(1).data()
        assert shown.startswith("本合同一式【总份数（大写）】份") and "{{" not in shown
    finally:
        switch_language(qapp, "en")
