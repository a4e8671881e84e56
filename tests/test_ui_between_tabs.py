"""Edits that cross tabs of one window, through the real widgets: where edits were lost and views went stale.

Every tab writes through the window's Operations (ui.operations): the version it holds advances whichever tab
made the edit, and each tab redraws from the change feed, now if it is on screen, when shown if not.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.ops.contracts import set_field
from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.test_ui_annex import type_into_cell
from tests.test_ui_contract_form import retype
from tests.test_ui_main_window import import_excel
from ui.main_window import ANNEXES, CLAUSES, REVIEW, SCHEDULE, SUMMARY

REMARK, QUANTITY = 6, 3  # cost-table view columns


def show(window, tab: str):
    window.tabs.setCurrentWidget(window.pages[tab])
    return window.pages[tab]


def test_a_cost_cell_edit_then_a_form_field_edit_both_are_stored(qtbot, window, db):
    """The lost edit: a 备注 typed in 附件, then 甲方合同编号 in 概要 was refused as "changed by someone else"."""
    annexes = show(window, ANNEXES)
    annexes.select_annex("3")
    type_into_cell(qtbot, annexes.table_editor, 0, REMARK, "已核对")
    assert contracts.load(db, N).annex("3").table[0].remark == "已核对"

    form = show(window, SUMMARY)
    field = form.editors["party_a_number"]
    retype(field, "TY-2025-001")
    field.editingFinished.emit()  # Tab out of the field
    stored = contracts.load(db, N)
    assert stored.party_a_number == "TY-2025-001"
    assert stored.annex("3").table[0].remark == "已核对"
    assert not form.conflict_banner.isVisibleTo(form)
    show(window, CLAUSES)
    show(window, SUMMARY)  # switching tabs keeps what was typed and stored
    assert form.editors["party_a_number"].text() == "TY-2025-001"


def test_undo_in_one_tab_then_an_edit_in_another_is_not_a_conflict(qtbot, window, db):
    annexes = show(window, ANNEXES)
    annexes.select_annex("3")
    type_into_cell(qtbot, annexes.table_editor, 1, QUANTITY, "2")
    window.act_undo.trigger()  # the 附件 tab's stack is the active one
    assert contracts.load(db, N).annex("3").table[1].quantity == Decimal("1")
    form = show(window, SUMMARY)
    retype(form.editors["project"], "雪亮工程四期")
    form.editors["project"].editingFinished.emit()
    assert contracts.load(db, N).project == "雪亮工程四期"
    assert not form.conflict_banner.isVisibleTo(form)


def test_the_review_tab_shows_changes_made_after_mark_reviewed_without_reopening(qtbot, window, db, monkeypatch):
    """The stale review: after "mark reviewed", a clause and 交付天数 changed, the compare view said 没有变更."""
    review = show(window, REVIEW)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("初审", True)))
    review.mark_button.click()
    assert review.compare.last_diff is not None and review.compare.last_diff.is_empty

    clauses = show(window, CLAUSES)
    assert clauses.focus_where("clause:4.1")
    clauses.text_edit.setPlainText(clauses.text_edit.toPlainText().replace("，。", "。"))
    clauses.commit_text()
    form = show(window, SUMMARY)
    retype(form.editors["terms.delivery_days"], "45")
    form.editors["terms.delivery_days"].editingFinished.emit()

    show(window, REVIEW)
    diff = review.compare.last_diff
    assert diff is not None
    assert [c.path for c in diff.fields] == ["terms.delivery_days"]
    # 4.1 as edited; 1.6 and 2.1 print 交付天数 through their 【】 fill-ins, so their printed text changed too
    assert [c.no for c in diff.clauses] == ["1.6", "2.1", "4.1"]
    assert "45" in review.compare.browser.toPlainText()


def test_the_review_tab_on_screen_follows_an_edit_made_by_a_command(qtbot, window, db):
    review = show(window, REVIEW)
    review.mark_reviewed("基线")
    window.operations.run(set_field, N, "total", "4273291.00")  # what the form's command runs
    assert [c.path for c in review.compare.last_diff.fields] == ["total"]


def test_the_status_in_the_summary_follows_a_state_change_at_once(qtbot, window, db):
    form = show(window, SUMMARY)
    review = show(window, REVIEW)
    review.state_buttons[next(s for s in review.state_buttons if s.value == "review")].click()
    show(window, SUMMARY)
    assert form.status_value.text() == "under review"


def test_schedule_and_list_follow_an_event_entered_in_the_form(qtbot, window, db):
    schedule = show(window, SCHEDULE)
    before = [schedule.tree.topLevelItem(i).text(1) for i in range(schedule.tree.topLevelItemCount())]
    form = show(window, SUMMARY)
    for path, typed in (("events.signed_a", "2025-05-20"), ("events.signed_b", "2025-05-22")):
        edit = form.editors[path].edit
        retype(edit, typed)
        edit.editingFinished.emit()
    show(window, SCHEDULE)
    after = [schedule.tree.topLevelItem(i).text(1) for i in range(schedule.tree.topLevelItemCount())]
    assert after != before and any(text.startswith("2025-") for text in after)


def test_an_edit_made_elsewhere_is_refused_with_who_and_when_and_reload_shows_it(qtbot, window, db, monkeypatch):
    """A real conflict: another program changed the contract; nothing is overwritten, the banner says who."""
    monkeypatch.setenv("CONTRACTDESK_USER", "李会计")
    set_field(db, N, "title", "别处改过的标题")  # another window, another clerk, a script
    monkeypatch.delenv("CONTRACTDESK_USER")
    form = show(window, SUMMARY)
    retype(form.editors["project"], "我的修改")
    form.editors["project"].editingFinished.emit()
    assert contracts.load(db, N).project != "我的修改"
    assert form.conflict_banner.isVisibleTo(form)
    assert "李会计" in form.conflict_label.text() and "Title" in form.conflict_label.text()
    form.reload_button.click()
    assert form.editors["title"].text() == "别处改过的标题"
    retype(form.editors["project"], "我的修改")
    form.editors["project"].editingFinished.emit()
    assert contracts.load(db, N).project == "我的修改"


def test_a_cost_table_imported_from_the_menu_shows_in_the_annex_tab(qtbot, window, db, sample, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from app.codecs.xlsx import export_xlsx

    annexes = show(window, ANNEXES)
    annexes.select_annex("3")
    workbook = tmp_path / "packet.xlsx"
    export_xlsx(sample, workbook)
    wb = load_workbook(workbook)
    wb["Annex 3 费用明细表"]["D5"] = 2
    wb.save(workbook)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    import_excel(qtbot, window, workbook)
    model = annexes.table_editor.model
    assert model.value(2, "quantity") == Decimal("2")  # redrawn without reopening the contract
    assert model.index(2, QUANTITY).data(Qt.ItemDataRole.DisplayRole) == "2"
    assert annexes.undo_stack.count() == 0  # edits of the replaced rows can no longer be undone
    assert window.tabs.currentWidget() is annexes


def test_undo_from_another_tab_brings_the_edit_it_undoes_into_sight(qtbot, window, db):
    """A 标题 edit undone with Ctrl+Z from 条款 changed nothing in sight: 概要, 条款 and 签署页 share one stack."""
    form = show(window, SUMMARY)
    old = form.editors["title"].text()
    retype(form.editors["title"], "县雪亮工程合同")
    form.editors["title"].editingFinished.emit()
    show(window, CLAUSES)
    window.act_undo.trigger()
    assert window.tabs.currentWidget() is form
    assert form.editors["title"].text() == contracts.load(db, N).title == old
    assert window.statusBar().currentMessage() == "Undone: Edit Title"  # what was undone is said
    show(window, CLAUSES)
    window.act_redo.trigger()
    assert window.tabs.currentWidget() is form
    assert form.editors["title"].text() == contracts.load(db, N).title == "县雪亮工程合同"


def test_once_signed_the_edits_before_are_no_longer_offered_to_undo(qtbot, window, db):
    """Undo on a signed contract was refused on a hidden tab, silently, and each press dropped another step."""
    from app.ops.review import set_state
    from tests.conftest import record_signing

    form = show(window, SUMMARY)
    retype(form.editors["project"], "雪亮工程四期")
    form.editors["project"].editingFinished.emit()
    for state in ("review", "approved"):
        window.operations.run(set_state, N, state)
    record_signing(db)
    window.operations.reload(N)
    assert window.act_undo.isEnabled()  # approved: the edit can still be undone (it returns it to review)
    window.operations.run(set_state, N, "signed")
    assert not window.act_undo.isEnabled() and window.contract_stack.count() == 0
    accepted = form.editors["events.accepted"]  # what is recorded after signing is undoable from there
    retype(accepted.edit, "2025-07-01")
    accepted.edit.editingFinished.emit()
    assert window.act_undo.isEnabled()
    window.act_undo.trigger()
    assert contracts.load(db, N).events.accepted is None and contracts.load(db, N).project == "雪亮工程四期"


def test_undo_is_not_offered_for_an_entry_that_changed_nothing(qtbot, window, db):
    """币种: RMB refused, then CNY (what was stored) confirmed: Undo stayed enabled and did nothing."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    form = show(window, SUMMARY)
    currency = form.editors["currency"]
    for typed in ("RMB", "CNY"):
        retype(currency, typed)
        currency.editingFinished.emit()
    assert currency.text() == "CNY" and not currency.isUndoAvailable()
    assert not window.act_undo.isEnabled()
