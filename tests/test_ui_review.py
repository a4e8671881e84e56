"""The 审阅 tab driven as a clerk would: state buttons, mark as reviewed, compare view, comments; read-only after signing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from app.domain import Status
from app.domain.amendment import Amendment
from app.ops import Part
from app.ops import review as amendments_ops
from app.store import comments, states
from app.store.contracts import load
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import record_signing, sign


@pytest.fixture
def tab(qtbot, db):
    from ui.review_tab import ReviewTab

    widget = ReviewTab(db)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    widget.messages = []
    widget.changes = []
    widget.status_message.connect(widget.messages.append)
    widget.operations.changed.connect(widget.changes.append)
    widget.set_contract(N)
    return widget


def test_state_buttons_follow_the_workflow(qtbot, tab, db, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    record_signing(db)  # nothing stands against signing (the guardrail: tests/test_guardrails_window.py)
    buttons = tab.state_buttons
    assert [s for s, b in buttons.items() if b.isEnabled()] == [Status.REVIEW]
    buttons[Status.REVIEW].click()
    assert load(db, N).status == Status.REVIEW
    buttons[Status.APPROVED].click()
    buttons[Status.SIGNED].click()
    assert load(db, N).status == Status.SIGNED
    assert [s for s, b in buttons.items() if b.isEnabled()] == [Status.ARCHIVED]
    assert "read-only" in tab.read_only_label.text()
    assert [(c.number, c.touches(Part.STATE)) for c in tab.changes] == [(N, True)] * 3
    assert [h.to_state for h in states.history(db, N)] == [Status.REVIEW, Status.APPROVED, Status.SIGNED]
    history = tab.state_label.toolTip().splitlines()  # who moved it when, on hover
    assert history[0] == "State history:" and len(history) == 4
    assert history[-1].endswith("approved → signed")


def test_mark_as_reviewed_asks_for_a_name_and_lists_it(qtbot, tab, db, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("第一次审阅", True)))
    tab.mark_button.click()
    assert "第一次审阅" in tab.revision_list.item(0).text()
    assert tab.revision_list.item(0).text().startswith("✔")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("第一次审阅", True)))
    tab.mark_button.click()  # the same name again: refused with a message, nothing added
    assert tab.revision_list.count() == 2
    assert "already exists" in tab.messages[-1]


def test_compare_view_highlights_added_and_removed_text(qtbot, tab, db):
    """An edit made in another tab shows in the compare view at once, without reopening the contract."""
    from app.ops.contracts import edit_contract

    tab.mark_reviewed("base")
    assert tab.compare.last_diff is not None and tab.compare.last_diff.is_empty

    def change_clause(contract):
        clause = contract.clauses[3].clauses[0]
        clause.text = clause.text.replace("，。", "。") + "新增文字"
        return clause

    clause = tab.operations.run(edit_contract, N, change_clause).value  # as the 条款 tab's command runs it
    assert tab.compare.from_combo.currentText().find("base") >= 0
    diff = tab.compare.last_diff
    assert diff is not None and [c.no for c in diff.clauses] == [clause.no]
    html = tab.compare.browser.toHtml()
    assert "新增文字" in html and "underline" in html and "line-through" in html
    assert "新增文字" in tab.compare.browser.toPlainText()


def test_comments_panel_adds_resolves_and_reopens(qtbot, tab, db):
    panel = tab.comments
    assert panel.kind_label.text() == "Comment on:" and panel.kind_label.buddy() is panel.kind_combo
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("contract"))
    assert panel.target_edit.isHidden()  # the whole contract: no empty box without a name beside the combo
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("clause"))
    panel.target_edit.setText("4.1")
    panel.text_edit.setPlainText("标点需改")
    panel.add_button.click()
    stored = comments.list_comments(db, N)
    assert [(c.target, c.text) for c in stored] == [("4.1", "标点需改")]
    assert panel.tree.topLevelItemCount() == 1
    assert panel.resolve_button.isEnabled() and not panel.reopen_button.isEnabled()
    panel.resolve_button.click()
    assert not comments.list_comments(db, N)[0].is_open
    assert panel.reopen_button.isEnabled()
    panel.reopen_button.click()
    assert comments.open_comment_counts(db) == {N: 1}
    panel.target_edit.setText("99.9")
    panel.text_edit.setPlainText("x")
    panel.add_button.click()
    assert "99.9" in tab.messages[-1]
    assert len(comments.list_comments(db, N)) == 1


def test_amendments_show_effective_values(qtbot, tab, db):
    sign(db)
    amendments_ops.add_amendment(db, N, Amendment("BC-1", "补充协议（一）", None, {"total": "4300000.00"}))
    tab.reload()
    text = tab.amendments_view.toPlainText()
    assert "BC-1" in text and "Total: 4,273,290.00 → 4,300,000.00" in text
    assert "4,300,000.00" in text


def test_annex_editor_refuses_edits_once_signed(qtbot, db):
    from ui.annexes_tab import AnnexesTab

    sign(db)
    annexes = AnnexesTab(db)
    qtbot.addWidget(annexes)
    messages: list[str] = []
    annexes.status_message.connect(messages.append)
    annexes.set_contract(N)
    annexes.select_annex("3")
    model = annexes.table_editor.model
    before = load(db, N).annex("3").table
    model.setData(model.index(0, 4), "7")  # unit price
    assert load(db, N).annex("3").table == before
    assert load(db, N).annex("3").table[0].unit_price == Decimal("1424430.00")
    assert any("read-only" in m for m in messages)


def test_the_form_of_a_signed_contract_shows_what_its_amendments_changed(qtbot, db):
    from PySide6.QtGui import QUndoStack

    from ui.contract_form import ContractForm

    sign(db)
    amendments_ops.add_amendment(db, N, Amendment("BC-1", "补充协议（一）", None, {"total": "4300000.00"}))
    form = ContractForm(db, QUndoStack())
    qtbot.addWidget(form)
    form.set_contract(N)
    assert "Total: 4,300,000.00 since BC-1" in form.read_only_note.text()
    assert form.editors["total"].toolTip() == "Effective value: 4,300,000.00 since BC-1"
    assert "4,273,290.00" in form.editors["total"].findChild(QLineEdit).text()  # the signed value stays shown


def test_a_long_comment_shows_whole_with_its_clause_and_author_line(qtbot, tab):
    """A long comment was cut to two lines ("…用来看…"), its "条款 4.1 · who · when" line gone."""
    from PySide6.QtCore import QRect, Qt

    panel = tab.comments
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("clause"))
    panel.target_edit.setText("4.1")
    panel.text_edit.setPlainText("这里的付款期限与附件三不一致，请核对后再提交；违约金比例也需要法务确认是否超过法定上限。" * 6)
    panel.add_button.click()
    item = panel.tree.topLevelItem(0)
    width = panel.tree.columnWidth(0) - 8
    needed = panel.tree.fontMetrics().boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap,
                                                   item.text(0)).height()
    assert needed > 3 * panel.tree.fontMetrics().lineSpacing()  # the text wraps over more than its two lines
    assert panel.tree.visualItemRect(item).height() >= needed
