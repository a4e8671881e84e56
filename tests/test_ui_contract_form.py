"""The 概要 form: validation as you type, commits as undo steps, conflicts, read-only."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from app.ops import Part
from app.ops.contracts import set_field
from app.store import contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import sign
from ui.contract_form import ContractForm


def type_into(widget, text: str) -> None:
    """Key events per character (QTest.keyClicks aborts on Chinese/full-width characters)."""
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def retype(edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    edit.del_()
    type_into(edit, text)




def test_edit_total_shows_uppercase_and_is_stored(form, db, qtbot):
    total = form.editors["total"]
    assert total.upper.text() == "肆佰贰拾柒万叁仟贰佰玖拾元整"
    retype(total.edit, "¥1,424,430")
    assert total.upper.text() == "壹佰肆拾贰万肆仟肆佰叁拾元整"
    with qtbot.waitSignal(form.operations.changed, timeout=3000) as sig:
        total.edit.editingFinished.emit()
    assert sig.args[0].number == N and sig.args[0].touches(Part.FIELDS)
    assert contracts.load(db, N).total == Decimal("1424430.00")
    assert form.stack.count() == 1
    form.stack.undo()
    assert contracts.load(db, N).total == Decimal("4273290.00")
    assert total.edit.text() == "4,273,290.00"


def test_full_width_amount_in_an_instalment(form, db):
    amount = form.editor_for("payments[0].amount")
    retype(amount, "１２３４５６")
    assert form.payment_editors[0]["upper"].text() == "壹拾贰万叁仟肆佰伍拾陆元整"
    amount.editingFinished.emit()
    assert contracts.load(db, N).payments[0].amount == Decimal("123456.00")


def test_invalid_amount_is_marked_explained_and_not_saved(form, db):
    version = contracts.version_of(db, N)
    edit = form.editors["total"].edit
    retype(edit, "12,3x")
    edit.editingFinished.emit()
    assert edit.property("invalid") is True
    assert "not an amount" in edit.toolTip()
    assert form.message.isVisibleTo(form) and "not an amount" in form.message.text()
    assert form.editors["total"].upper.text() == ""
    assert contracts.version_of(db, N) == version and form.stack.count() == 0
    retype(edit, "100")
    assert edit.property("invalid") is False and not form.message.isVisibleTo(form)


def test_credit_code_and_typed_chinese_date(form, db):
    code = form.editors["parties.a.credit_code"].edit if hasattr(form.editors["parties.a.credit_code"], "edit") else form.editors["parties.a.credit_code"]
    retype(code, "91410500721816077A")
    code.editingFinished.emit()
    assert "check character" in code.toolTip()
    assert contracts.load(db, N).party_a.credit_code == ""
    day = form.editors["events.accepted"].edit
    retype(day, "2025年9月29日")
    day.editingFinished.emit()
    assert contracts.load(db, N).events.accepted.isoformat() == "2025-09-29"
    assert day.text() == "2025-09-29"


def test_the_date_picker_opens_on_a_blank_date_and_a_picked_day_is_stored(form, db, qtbot):
    """The calendar is made when the picker is first opened (not with the form): a blank date still gets one, a set
    date opens on its day, and a clicked day is stored like a typed one."""
    from PySide6.QtCore import QDate

    accepted, requested = form.editors["events.accepted"], form.editors["events.acceptance_requested"]
    assert accepted._calendar is None and accepted._menu.actions() == []
    assert contracts.load(db, N).events.accepted is None
    accepted._menu.aboutToShow.emit()  # what the menu says as a click on "…" opens it
    assert accepted._calendar is not None and accepted._menu.actions()
    retype(requested.edit, "2025-09-25")
    requested.edit.editingFinished.emit()
    requested._menu.aboutToShow.emit()
    assert requested.calendar.selectedDate() == QDate(2025, 9, 25)
    accepted.calendar.clicked.emit(QDate(2025, 9, 29))
    assert contracts.load(db, N).events.accepted.isoformat() == "2025-09-29"
    assert accepted.edit.text() == "2025-09-29"


def test_stale_edit_is_reported_with_reload_and_nothing_overwritten(form, db):
    # another process changes the contract after the form read it
    version = contracts.version_of(db, N)
    set_field(db, N, "title", "changed by someone else", expected_version=version)
    edit = form.editors["project"]
    retype(edit, "my project")
    edit.editingFinished.emit()
    assert form.conflict_banner.isVisibleTo(form)
    assert "changed Title at" in form.conflict_label.text()  # who changed what, and when
    stored = contracts.load(db, N)
    assert stored.title == "changed by someone else" and stored.project != "my project"
    assert form.stack.count() == 0
    form.reload_button.click()
    assert not form.conflict_banner.isVisibleTo(form)
    assert form.editors["title"].text() == "changed by someone else"
    retype(edit, "my project")
    edit.editingFinished.emit()
    assert contracts.load(db, N).project == "my project"


def test_add_and_remove_instalment_with_undo(form, db):
    form.add_payment_button.click()
    assert len(contracts.load(db, N).payments) == 4
    assert form.payments_table.rowCount() == 4
    form.remove_payment()
    assert len(contracts.load(db, N).payments) == 3
    form.stack.undo()
    form.stack.undo()
    assert [p.amount for p in contracts.load(db, N).payments] == [Decimal("1424430.00")] * 3


def test_a_refused_instalment_entry_stays_on_its_instalment_when_rows_are_added_or_removed(form, db):
    """The red "12abc" stays on the instalment it was typed into, still refused and still asked about: an added row
    leaves it where it is, a row removed above it moves it up with its instalment, its own row removed takes it."""
    third = form.editor_for("payments[2].amount")
    retype(third, "1000")
    third.editingFinished.emit()  # the instalments differ: a shifted entry would show on another amount
    amount = form.editor_for("payments[1].amount")
    retype(amount, "12abc")
    amount.editingFinished.emit()
    assert amount.error
    form.add_payment_button.click()
    assert len(contracts.load(db, N).payments) == 4
    amount = form.editor_for("payments[1].amount")
    assert amount.text() == "12abc" and amount.error
    form.payments_table.setCurrentCell(0, 0)  # the row to remove: the first
    form.remove_payment()
    assert [p.amount for p in contracts.load(db, N).payments][:2] == [Decimal("1424430.00"), Decimal("1000.00")]
    assert form.editor_for("payments[0].amount").text() == "12abc"  # moved up with its instalment
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the replaced rows' editors, as the loop does
    assert list(form.refused_entries()) == ["payments[0].amount"]
    form.payments_table.setCurrentCell(0, 0)
    form.remove_payment()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert form.refused_entries() == {}
    assert form.editor_for("payments[0].amount").text() == "1,000.00"


def test_the_stored_value_typed_another_way_is_shown_as_stored(form, db):
    """Full-width letters and spaces around the credit code already stored: nothing to store, but the field shows
    the code as it is stored and exported, not as typed."""
    code = form.editors["parties.b.credit_code"]
    version = contracts.version_of(db, N)
    retype(code, " ９１４１０５００７２１８１６０７７Ｔ ")
    code.editingFinished.emit()
    assert code.text() == "91410500721816077T"
    assert contracts.version_of(db, N) == version  # nothing was stored


def test_read_only_when_signed(qtbot, db):
    sign(db)
    form = ContractForm(db, QUndoStack())
    qtbot.addWidget(form)
    form.set_contract(N)
    assert form.read_only_note.isVisibleTo(form) and "amendment" in form.read_only_note.text()
    assert form.editors["total"].edit.isReadOnly()
    assert not form.editors["tax_inclusive"].isEnabled()
    assert not form.add_payment_button.isEnabled()
    assert form.editor_for("payments[0].amount").isReadOnly()


def test_a_signed_contracts_acceptance_dates_are_still_recorded_in_the_form(qtbot, db):
    """Once signed, 验收申请 / 催告 / 验收 were read-only like every field, while the schedule waits for them and the
    store takes them: acceptance could be recorded only from the command line."""
    sign(db)
    form = ContractForm(db, QUndoStack())
    qtbot.addWidget(form)
    form.set_contract(N)
    assert "acceptance requested, reminder sent, accepted" in form.read_only_note.text()
    assert form.editors["total"].edit.isReadOnly() and form.editors["events.signed_a"].edit.isReadOnly()
    accepted = form.editors["events.accepted"]
    assert not accepted.edit.isReadOnly() and accepted.button.isEnabled()
    retype(accepted.edit, "2026-01-20")
    accepted.edit.editingFinished.emit()
    assert str(contracts.load(db, N).events.accepted) == "2026-01-20"
    assert not form.message.isVisible()
    form.undo_stack.undo()
    assert contracts.load(db, N).events.accepted is None


def test_focus_where_finding_paths(form, qtbot):
    assert form.focus_where("parties.b.credit_code")
    assert form.editors["parties.b.credit_code"].selectedText() == "91410500721816077T"
    assert form.focus_where("payments[1].amount")
    assert form.editor_for("payments[1].amount").selectedText() == "1,424,430.00"
    assert form.focus_where("terms.copies")
    assert not form.focus_where("clause:5.4")
    assert not form.focus_where("signing.b.signatory")


def test_retranslate_to_chinese(form):
    from app.base.i18n import set_language

    set_language("zh_CN")
    form.retranslate_ui()
    set_language("en")
    assert form.labels["total"].text()


def test_an_instalment_entry_corrected_after_a_redraw_is_no_longer_refused(form, db):
    """Refused entries in an instalment row, then another field of the row stored (the rows are redrawn), then both
    corrected to the stored values: nothing is refused any more, neither on screen nor when leaving, even while the
    redrawn rows' old editors wait for deletion (a modal dialog's loop, say, defers it)."""
    years, days = form.editor_for("payments[1].due.years"), form.editor_for("payments[1].due.days")
    stored_years, stored_days = years.text(), days.text()
    retype(years, "-1")
    years.editingFinished.emit()
    retype(days, "1.5")
    days.editingFinished.emit()
    assert years.error and days.error
    months = form.editor_for("payments[1].due.months")
    retype(months, "13")
    months.editingFinished.emit()  # stored: the rows are redrawn, the refused entries put back
    assert contracts.load(db, N).payments[1].due.months == 13
    years, days = form.editor_for("payments[1].due.years"), form.editor_for("payments[1].due.days")
    assert (years.text(), days.text()) == ("-1", "1.5") and years.error and days.error
    for edit, text in ((years, stored_years), (days, stored_days)):
        retype(edit, text)
        edit.editingFinished.emit()
    assert form.refused_entries() == {}
    retype(months, "0")
    months = form.editor_for("payments[1].due.months")
    retype(months, "2")
    months.editingFinished.emit()  # another redraw: no stale entry comes back
    years = form.editor_for("payments[1].due.years")
    assert years.text() == stored_years and not years.error
    assert form.refused_entries() == {} and form.message.text() == ""
