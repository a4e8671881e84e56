"""A form that holds still: a refused entry's message, the stale-edit banner or a long uppercase amount never
moves a field while the clerk types, so the next click lands on the field it was aimed at."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QWidget

from app.ops.contracts import set_field
from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.test_ui_contract_form import retype, type_into
from ui.clause_editor import ClauseEditor
from ui.field_widgets import line_edit_of


def _positions(root: QWidget, widgets) -> dict:
    """Where each widget sits in `root` (widgets: a list, or a callable giving {name: widget} afresh)."""
    QApplication.processEvents()
    named = widgets() if callable(widgets) else dict(enumerate(widgets))
    return {name: w.mapTo(root, QPoint(0, 0)) for name, w in named.items()}


def _field_editors(form):
    """Every field editor by path (the instalment rows are built again on a redraw)."""
    def editors() -> dict[str, QWidget]:
        found = {path: line_edit_of(e) or e for path, e in form.editors.items()}
        for i, row in enumerate(form.payment_editors):
            found.update({f"payments[{i}].{name}": e for name, e in row.items()})
        return found
    return editors


def test_messages_and_the_conflict_banner_move_no_field(qtbot, form, db):
    form.resize(1050, 700)
    form.show()
    qtbot.waitExposed(form)
    editors = _field_editors(form)
    before = _positions(form, editors)

    total = form.editors["total"].edit
    retype(total, "12,3x")  # invalid as typed: marked, explained
    assert form.message.isVisibleTo(form) and "not an amount" in form.message.text()
    assert _positions(form, editors) == before

    amount = form.editor_for("payments[1].amount")
    retype(amount, "999999999.99")  # the longest uppercase an amount can have
    assert _positions(form, editors) == before
    retype(form.editors["terms.delivery_days"], "三十x")  # a second problem: two lines
    retype(form.editors["parties.b.credit_code"], "123")  # a third: the message scrolls, the form does not
    assert len(form.message.text().splitlines()) == 3
    assert _positions(form, editors) == before

    set_field(db, N, "title", "changed elsewhere", expected_version=contracts.version_of(db, N))
    project = form.editors["project"]
    retype(project, "my project")
    project.editingFinished.emit()  # refused: the contract changed since it was read
    assert form.conflict_banner.isVisibleTo(form) and "Title" in form.conflict_label.text()
    assert _positions(form, editors) == before

    form.reload_button.click()
    assert not form.conflict_banner.isVisibleTo(form)
    assert _positions(form, editors) == before


def test_the_clause_editor_holds_still_too(qtbot, db):
    editor = ClauseEditor(db, QUndoStack())
    qtbot.addWidget(editor)
    editor.resize(1050, 700)
    editor.show()
    qtbot.waitExposed(editor)
    editor.set_contract(N)
    assert editor.focus_where("clause:3.1")
    widgets = [editor.tree, editor.no_edit, editor.title_edit, editor.text_edit, editor.preview]
    before = _positions(editor, widgets)
    set_field(db, N, "title", "changed elsewhere", expected_version=contracts.version_of(db, N))
    editor.text_edit.setFocus()
    type_into(editor.text_edit, "补充")
    editor.commit_text()
    assert editor.conflict_banner.isVisibleTo(editor)
    assert _positions(editor, widgets) == before
