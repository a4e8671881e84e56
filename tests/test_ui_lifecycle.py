"""The issue's "done when" in the window (1366×768): the test office's ¥80,000 contract walks through every step
with the 付款与期限 tab's dialogs, a skipped step needs a reason, payments are recorded, files attached (dialog and
drag-and-drop) and opened, the archive packet lists a missing approval sheet, the ledger is written, the office's
settings are edited, exported and imported in one dialog, and the reminders panel dismisses items one by one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QInputDialog

from app.base.errors import UserError
from app.codecs.office_settings import Approver, read_settings
from app.domain import Status
from app.domain.kinds import AttachmentKind
from app.ops.contracts import set_event
from app.ops.lifecycle import record_step
from app.rules.lifecycle.steps import CheckResult, Conclusion, Event, EventKind, Step, StepState
from app.store import attachments as attachment_store
from app.store.lifecycle import load_settings, stored_settings
from app.store.states import state_of
from tests import office_files as files
from tests import office_scenario as sc
from tests.conftest import show_window, wait_for_background
from tests.pdf_tools import pages_text
from ui.main_window import FILES, SCHEDULE

N = sc.NUMBER


@pytest.fixture
def window(qtbot, db, db_path, settings):
    files.store_contract(db)
    w = show_window(qtbot, db, db_path, settings, today=sc.TODAY)
    w.list_view.select_number(N)
    yield w
    wait_for_background()


def show(window, tab: str):
    window.tabs.setCurrentWidget(window.pages[tab])
    return window.pages[tab]


def choose(combo, value) -> None:
    assert combo.set_value(value), value


def record(tab, kind: EventKind, on: date, **fields):
    """Open "Record a step…", fill it in as a clerk does, press Record; the dialog (closed when stored)."""
    dialog = tab.record_step()
    choose(dialog.kind, kind)
    dialog.date.set_day(on)
    for name, value in fields.items():
        widget = getattr(dialog, "check_result" if name == "result" else name)
        if name in ("result", "conclusion", "approver"):
            choose(widget, value)
        elif name == "copies":
            widget.setValue(value)
        elif name == "office":
            widget.setCurrentText(value)
        else:
            widget.setText(value)
    dialog.submit()
    return dialog


def test_the_contract_walks_through_every_step_in_the_window(qtbot, window, db, tmp_path):
    tab = show(window, SCHEDULE)
    assert tab.record_button.accessibleName() == "Record a step"
    assert tab.steps.topLevelItemCount() == 8
    assert tab.stage_label.text().startswith("Stage: drafting; approval needed: leader in charge")
    # A skipped step needs a reason: the dialog says so and stays open; nothing is stored.
    skip = tab.reason_step(skip=True)
    choose(skip.step, Step.COUNTERPARTY_CHECK)
    skip.submit()
    assert skip.isVisible() and skip.error.text() == "Reason: a skipped step needs a reason"
    skip.reject()
    assert tab.standing.lifecycle.view(Step.COUNTERPARTY_CHECK).state is StepState.CURRENT

    record(tab, EventKind.COUNTERPARTY_CHECKED, date(2025, 9, 24), result=CheckResult.PASSED)
    record(tab, EventKind.REVIEW_SENT, date(2025, 9, 26), office="县司法局")
    assert state_of(db, N) is Status.REVIEW
    opinion = tmp_path / "审查意见书.pdf"
    opinion.write_bytes(files.pdf_bytes("修改后同意"))
    record(tab, EventKind.OPINION_RECEIVED, date(2025, 10, 13), conclusion=Conclusion.AGREED_WITH_CHANGES,
           file_path=str(opinion))
    row = tab.steps.topLevelItem(2)
    assert (row.text(1), row.text(2)) == ("2025-10-13", "done 3 days late")
    assert row.toolTip(1) == "within 5 working days after it was sent on 2025-09-26"
    wrong = record(tab, EventKind.APPROVED, date(2025, 10, 14), approver=Approver.DEPARTMENT_HEAD)
    assert wrong.isVisible() and wrong.error.text().startswith("Approver: a contract of ¥80,000.00 needs")
    wrong.reject()
    record(tab, EventKind.APPROVED, date(2025, 10, 14), approver=Approver.LEADER_IN_CHARGE, approved_by="王副县长")
    record(tab, EventKind.REGISTERED, date(2025, 10, 14), reference="测合登〔2025〕112号")
    record(tab, EventKind.SEALED, date(2026, 2, 11), copies=4, requested_by="李四", approved_by="张主任")
    assert state_of(db, N) is Status.SIGNED
    for name in ("signed_a", "signed_b"):
        window.operations.run(set_event, N, name, sc.SIGNED)
    window.operations.run(set_event, N, "accepted", sc.ACCEPTED)
    record(tab, EventKind.FILED, date(2026, 2, 25), office="县司法局")
    record(tab, EventKind.FILED, date(2026, 3, 2), office="县档案馆")
    filing = tab.steps.topLevelItem(6)
    assert (filing.text(1), filing.text(2), filing.text(3)) == ("2026-03-02", "done 4 days late",
                                                               "filed with 2 of 2 offices")
    # Payments: part payments, the schedule shows what is unpaid.
    first = tab.record_payment()
    assert first.amount.text() == "24,000.00"  # instalment 1's unpaid amount suggested, grouped as on screen
    first.reject()
    for p in sc.PAYMENTS:
        dialog = tab.record_payment()
        choose(dialog.instalment, p.instalment)
        dialog.date.set_day(p.paid_on)
        dialog.amount.setText(f"{p.amount}")
        dialog.voucher.setText(p.voucher)
        dialog.submit()
        assert not dialog.error.isVisible()
    assert tab.payments.topLevelItemCount() == 3
    assert tab.paid_label.text() == "Paid ¥44,000.00 of ¥80,000.00; unpaid ¥36,000.00; overdue ¥36,000.00"
    instalment = next(tab.tree.topLevelItem(i) for i in range(tab.tree.topLevelItemCount())
                      if tab.tree.topLevelItem(i).text(0).startswith("Instalment 2"))
    assert "(¥20,000.00 paid, ¥36,000.00 unpaid)" in instalment.text(0) and instalment.text(3) == "overdue by 9 days"
    # Archiving waits for the files the office's settings want.
    refused = record(tab, EventKind.ARCHIVED, date(2026, 5, 20))
    assert refused.isVisible() and "the archive still lacks" in refused.error.text()
    refused.reject()
    files_tab = show(window, FILES)
    assert files_tab.check_label.text() == ("Still missing for the archive: counterparty's licence and "
                                            "qualifications, approval sheet, scanned signed original")
    for kind in (AttachmentKind.COUNTERPARTY_LICENCE, AttachmentKind.APPROVAL_SHEET, AttachmentKind.SIGNED_ORIGINAL):
        path = tmp_path / f"{kind.value}.pdf"
        path.write_bytes(files.pdf_bytes(kind.label))
        assert files_tab.attach_paths([str(path)], kind) == 1
    assert files_tab.check_label.text() == "Every file the office's rules want for the archive is attached."
    tab = show(window, SCHEDULE)
    record(tab, EventKind.ARCHIVED, date(2026, 5, 20), reference="2026-长期-012")
    assert state_of(db, N) is Status.ARCHIVED
    assert all(tab.steps.topLevelItem(i).text(2).startswith("done") for i in range(8))
    assert not tab.record_button.isEnabled()


def test_a_payment_is_not_offered_before_the_signing_and_the_tab_says_why(qtbot, window, db):
    """The payment dialog opened on a contract not yet signed, and only its Record button said that no payment can
    be recorded before the signing: the clerk filled it in for nothing."""
    tab = show(window, SCHEDULE)
    assert not tab.pay_button.isEnabled()
    assert tab.paid_label.text().endswith("\nThe contract is not signed by both parties yet; payments are recorded "
                                          "after signing")
    assert "not signed" in tab.pay_button.toolTip()
    for name in ("signed_a", "signed_b"):
        window.operations.run(set_event, N, name, sc.SIGNED)
    assert tab.pay_button.isEnabled()  # the tab redrew from what the edit changed
    assert "\n" not in tab.paid_label.text() and tab.pay_button.toolTip().startswith("Record a payment made")


def test_a_payment_date_typed_with_the_keyboard_is_the_date_stored(qtbot, db, db_path, settings):
    """2026-05-08 typed into 付款日期 was stored as another day: Qt corrected each part against the maximum (today)
    as it was typed. A day after today is refused with a message when the payment is recorded."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    files.store_contract(db, signed=True)
    w = show_window(qtbot, db, db_path, settings, today=sc.TODAY)
    w.list_view.select_number(N)
    tab = show(w, SCHEDULE)
    dialog = tab.record_payment()
    p = sc.PAYMENTS[0]
    choose(dialog.instalment, p.instalment)
    dialog.amount.setText(f"{p.amount}")
    dialog.voucher.setText(p.voucher)
    for typed in (p.paid_on.isoformat(), f"{p.paid_on.year}年{p.paid_on.month}月{p.paid_on.day}日"):
        dialog.date.edit.selectAll()
        dialog.date.edit.del_()
        for ch in typed:  # key by key, as typed (QTest.keyClicks refuses Chinese characters)
            QApplication.sendEvent(dialog.date.edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown,
                                                               Qt.KeyboardModifier.NoModifier, ch))
        assert dialog.date.day() == p.paid_on, typed
    dialog.date.edit.setText("2205-03-03")  # 2205 typed for 2025: refused as a 概要 date is, naming the field
    with pytest.raises(UserError) as refused:
        dialog.date.day()
    assert refused.value.where == "Paid on"
    dialog.date.set_day(sc.TODAY.replace(year=sc.TODAY.year + 1))
    dialog.submit()
    assert dialog.isVisible() and "after today" in dialog.error.text()
    assert dialog.error.text().startswith("Paid on: ")  # as the field is labelled, not "Date"
    dialog.date.set_day(p.paid_on)
    dialog.submit()
    assert not dialog.isVisible()
    assert [m.payment.paid_on for m in tab.standing.payments] == [p.paid_on]
    wait_for_background()


def test_files_are_attached_by_drag_and_drop_opened_and_removed(qtbot, window, db, tmp_path, monkeypatch):
    tab = show(window, FILES)
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(files.pdf_bytes("扫描", pages=3))
    fake = tmp_path / "照片.png"
    fake.write_bytes(b"%PDF-1.4 not a picture")
    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda *a, **k: (AttachmentKind.SIGNED_ORIGINAL.label, True)))
    warnings = []
    monkeypatch.setattr("ui.attachments_tab.QMessageBox.warning", lambda _p, _t, text: warnings.append(text))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(scan)), QUrl.fromLocalFile(str(fake))])
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    tab.list.dropEvent(drop)
    assert warnings == ["照片.png: the file's content is of type PDF, not PNG as its name says"]
    [stored] = attachment_store.list_attachments(db, N)
    assert (stored.kind, stored.name, stored.pages) == (AttachmentKind.SIGNED_ORIGINAL, "扫描件.pdf", 3)
    row = tab.list.topLevelItem(0)
    size = f"{len(scan.read_bytes()) / 1024:.0f} KB"
    assert [row.text(i) for i in range(4)] == ["scanned signed original", "扫描件.pdf", size, "3"]
    opened = []
    tab.open_url = lambda url: opened.append(url) or True
    tab.list.setCurrentItem(row)
    path = tab.open_selected()
    assert opened == [QUrl.fromLocalFile(str(path))] and path.read_bytes() == scan.read_bytes()
    saved = tmp_path / "copy.pdf"
    tab.save_selected(str(saved))
    assert saved.read_bytes() == scan.read_bytes()
    tab.remove_selected(confirm=False)
    assert attachment_store.list_attachments(db, N) == [] and tab.list.topLevelItemCount() == 0


def test_the_archive_packet_from_the_file_menu_lists_a_missing_approval_sheet(qtbot, window, tmp_path):
    out = tmp_path / "归档.pdf"
    assert window.act_archive.text() == "&Archive packet…"
    window.export_archive_packet(path=str(out))
    qtbot.waitUntil(lambda: getattr(window, "_archive_call", 1) is None, timeout=60_000)
    assert window.archive_message.endswith(
        "1 file, 3 numbered pages.\nStill missing for the archive: counterparty's licence and qualifications, "
        "legality review opinion, approval sheet, scanned signed original")
    assert "Missing from this packet:" in pages_text(out)[0] and "approval sheet" in pages_text(out)[0]


def test_the_ledger_dialog_writes_the_workbook_and_the_pdf(qtbot, window, tmp_path):
    dialog = window.open_ledger()
    dialog.xlsx.path.setText(str(tmp_path / "台账.xlsx"))
    dialog.pdf.path.setText(str(tmp_path / "台账.pdf"))
    choose(dialog.year, 2025)
    dialog.start()
    qtbot.waitUntil(lambda: dialog._call is None, timeout=60_000)
    assert dialog.message.text().startswith("2 contracts written to")
    assert (tmp_path / "台账.xlsx").exists() and (tmp_path / "台账.pdf").exists()


def test_the_ledger_dialog_with_neither_file_ticked_says_so_in_its_own_words(qtbot, window, tmp_path):
    dialog = window.open_ledger()
    dialog.xlsx.enabled.setChecked(False)
    dialog.pdf.enabled.setChecked(False)
    dialog.start()
    assert dialog._call is None
    assert dialog.message.text() == "Tick the Excel workbook, the PDF or both: nothing else can be written"
    assert "--" not in dialog.message.text()


def test_office_settings_are_edited_exported_and_imported_in_one_dialog(qtbot, window, db, tmp_path):
    dialog = window.open_office_settings()
    assert dialog.office.text() == sc.TEST_OFFICE.office
    assert dialog.levels.rowCount() == 3 and dialog.levels.item(1, 0).text() == "50,000.00"
    dialog.levels.item(1, 0).setText("50000.001")
    assert not dialog.save()
    assert dialog.error.text() == 'Approval level 2: from (¥): "50000.001" has more than two decimal places'
    assert load_settings(db) == sc.TEST_OFFICE
    dialog.levels.item(1, 0).setText("90,000")
    dialog.review_period.count.setValue(7)
    out = tmp_path / "office-settings.json"
    assert dialog.export_file(str(out))
    exported = read_settings(out)
    assert exported.approval[1].minimum == Decimal("90000.00") and exported.review_period.count == 7
    assert dialog.save()
    assert load_settings(db) == exported and stored_settings(db).updated_by
    # Another desk's file is shown first, kept on Save.
    other = tmp_path / "other.json"
    other.write_text(out.read_text(encoding="utf-8").replace("测试县人民政府办公室", "另一县政府办"), encoding="utf-8")
    dialog = window.open_office_settings()
    assert dialog.import_file(str(other)) and dialog.office.text() == "另一县政府办"
    assert load_settings(db).office == sc.TEST_OFFICE.office
    dialog.save()
    assert load_settings(db).office == "另一县政府办"
    # The steps follow the office's settings at once.
    tab = show(window, SCHEDULE)
    assert "approval needed: department head" in tab.stage_label.text()  # ¥80,000 is below 90,000 now
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    dialog = window.open_office_settings()
    assert not dialog.import_file(str(bad)) and dialog.error.isVisible()
    wrong = tmp_path / "wrong.json"  # another program's file: the field is named as the dialog names it
    wrong.write_text(out.read_text(encoding="utf-8").replace('"contractdesk-office/', '"other/'), encoding="utf-8")
    assert not dialog.import_file(str(wrong))
    assert dialog.error.text().startswith("Settings file: ") and "format" not in dialog.error.text().split(":")[0]


def test_the_reminders_panel_lists_what_is_overdue_and_dismisses_per_item(qtbot, window, db):
    from app.ops.lifecycle import record_step
    from app.rules.lifecycle.steps import Event

    window.operations.run(record_step, N, Event(EventKind.SKIPPED, date(2026, 5, 1), step=Step.COUNTERPARTY_CHECK,
                                                note="续签"), today=sc.TODAY)
    window.operations.run(record_step, N, Event(EventKind.REVIEW_SENT, date(2026, 5, 6), office="县司法局"),
                          today=sc.TODAY)
    panel = window.reminders
    assert panel.isVisible() and panel.windowTitle() == "Reminders"
    panel.refresh_now()  # sent on 05-06; Labour Day 05-01…05-05 off, Saturday 05-09 worked: due 05-12
    lines = [[panel.list.topLevelItem(i).text(c) for c in range(5)] for i in range(panel.list.topLevelItemCount())]
    assert ["2026-05-12", "overdue by 8 days", N, "Legality review opinion from 县司法局", "review opinion"] in lines
    first = next(i for i in range(panel.list.topLevelItemCount()) if panel.list.topLevelItem(i).text(2) == N)
    panel.list.topLevelItem(first).setSelected(True)
    assert panel.dismiss_selected() == 1
    panel.refresh_now()
    assert all(panel.list.topLevelItem(i).text(3) != "Legality review opinion from 县司法局"
               for i in range(panel.list.topLevelItemCount()))
    panel.restore_all()
    panel.refresh_now()
    assert any(panel.list.topLevelItem(i).text(3) == "Legality review opinion from 县司法局"
               for i in range(panel.list.topLevelItemCount()))
    # a language switch words the list again: what falls due and how late, not only the headings
    from PySide6.QtWidgets import QApplication

    from ui.i18n import switch_language

    switch_language(QApplication.instance(), "zh_CN")
    try:
        qtbot.waitUntil(lambda: any(panel.list.topLevelItem(i).text(1) == "已逾期 8 天"
                                    for i in range(panel.list.topLevelItemCount())), timeout=30_000)
    finally:
        switch_language(QApplication.instance(), "en")
    qtbot.waitUntil(lambda: any(panel.list.topLevelItem(i).text(1) == "overdue by 8 days"
                                for i in range(panel.list.topLevelItemCount())), timeout=30_000)
    window.list_view.select_number("CMHA-AY-202500441")
    panel.list.setCurrentItem(panel.list.topLevelItem(first))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)  # Enter opens it, as a double-click does
    assert window.number == N and window.tabs.currentWidget() is window.pages[SCHEDULE]


def test_the_reminders_summary_counts_what_can_be_done_now_apart_from_what_falls_due(qtbot, window):
    """Invoices that may be issued since months ago were counted as "due this week"."""
    from app.rules.reminders import Reminder, ReminderKind
    from app.rules.schedule import ItemState

    def reminder(key: str, day: date, state: ItemState) -> Reminder:
        return Reminder(N, "t", key, ReminderKind.PAYMENT, "w", "r", day, state, state.value)

    panel = window.reminders
    panel.reminders = [reminder("a", date(2026, 5, 1), ItemState.OVERDUE),
                       reminder("b", date(2026, 5, 22), ItemState.UPCOMING),
                       reminder("c", date(2026, 1, 10), ItemState.OPEN), reminder("d", date(2026, 2, 1), ItemState.OPEN)]
    panel.computed = True
    panel._show()
    assert panel.summary.text() == "1 overdue; 1 due within a week; 2 can be done now"


def test_the_reminders_dock_is_one_line_until_something_falls_due(qtbot, window, db):
    """At 768 pixels the 概要 form needs the height: with nothing to remind of, the dock is its summary line; when
    something falls due the list opens, as high as the clerk had left it."""
    from app.ops.lifecycle import record_step
    from app.rules.lifecycle.steps import Event
    from ui.reminders_panel import OPEN_HEIGHT

    panel = window.reminders
    qtbot.waitUntil(lambda: panel.computed, timeout=30_000)  # computed after the first paint
    for i in range(panel.list.topLevelItemCount()):
        panel.list.topLevelItem(i).setSelected(True)
    panel.dismiss_selected()
    qtbot.waitUntil(lambda: panel.compact is True)
    assert panel.list.isHidden() and panel.summary.text() == "Nothing is overdue or due within a week."
    one_line = panel.height()
    assert one_line < 2 * panel.summary.sizeHint().height() + panel.dismiss_button.sizeHint().height()
    form_height = window.tabs.height()

    window.operations.run(record_step, N, Event(EventKind.SKIPPED, date(2026, 5, 1), step=Step.COUNTERPARTY_CHECK,
                                                note="续签"), today=sc.TODAY)
    window.operations.run(record_step, N, Event(EventKind.REVIEW_SENT, date(2026, 5, 6), office="县司法局"),
                          today=sc.TODAY)
    panel.refresh_now()
    assert panel.compact is False and panel.list.isVisible()
    qtbot.waitUntil(lambda: abs(panel.height() - OPEN_HEIGHT) <= 2)
    assert window.tabs.height() < form_height
    window.resizeDocks([panel], [220], Qt.Orientation.Vertical)  # the clerk drags it higher
    qtbot.waitUntil(lambda: abs(panel.height() - 220) <= 2)
    for i in range(panel.list.topLevelItemCount()):
        panel.list.topLevelItem(i).setSelected(True)
    panel.dismiss_selected()
    qtbot.waitUntil(lambda: panel.height() == one_line)
    panel.restore_all()
    panel.refresh_now()
    qtbot.waitUntil(lambda: abs(panel.height() - 220) <= 2)


def test_every_tab_fits_a_768_pixel_screen_with_the_reminders_open(qtbot, window):
    """A 1366×768 screen leaves about 700 pixels for the window (taskbar, title bar): no tab may need more, even with
    the reminders listed; a tall tab scrolls instead of pushing the status bar off the screen."""
    from PySide6.QtWidgets import QApplication

    from ui.main_window import TAB_ORDER

    window.operations.run(record_step, N, Event(EventKind.SKIPPED, date(2026, 5, 1), step=Step.COUNTERPARTY_CHECK,
                                                note="续签"), today=sc.TODAY)
    window.operations.run(record_step, N, Event(EventKind.REVIEW_SENT, date(2026, 5, 6), office="县司法局"),
                          today=sc.TODAY)
    window.reminders.refresh_now()
    assert window.reminders.compact is False
    for tab in TAB_ORDER:
        window.tabs.setCurrentWidget(window.ensure_loaded(tab))
        QApplication.processEvents()
        assert window.minimumSizeHint().height() <= 700, tab
        assert window.height() == 768, tab


def test_the_reminders_are_worded_again_in_the_new_language(qtbot, window):
    """What falls due and how soon are words of the language the list was computed in: a switch computes it again,
    so that no Chinese line stays in an English window (or the reverse)."""
    from PySide6.QtWidgets import QApplication

    from ui.i18n import switch_language

    window.operations.run(record_step, N, Event(EventKind.SKIPPED, date(2026, 5, 1), step=Step.COUNTERPARTY_CHECK,
                                                note="续签"), today=sc.TODAY)
    window.operations.run(record_step, N, Event(EventKind.REVIEW_SENT, date(2026, 5, 6), office="县司法局"),
                          today=sc.TODAY)
    panel = window.reminders
    # the recomputation those steps ask for has run and nothing else is pending
    qtbot.waitUntil(lambda: panel.computed and not panel._soon.isActive() and panel._call is None, timeout=30_000)
    assert panel.list.topLevelItemCount() > 0
    english = [panel.list.topLevelItem(0).text(c) for c in (1, 3)]
    switch_language(QApplication.instance(), "zh_CN")
    try:
        qtbot.waitUntil(lambda: [panel.list.topLevelItem(0).text(c) for c in (1, 3)] != english, timeout=10_000)
        chinese = [panel.list.topLevelItem(0).text(c) for c in (1, 3)]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in chinese), chinese
    finally:
        switch_language(QApplication.instance(), "en")
    qtbot.waitUntil(lambda: [panel.list.topLevelItem(0).text(c) for c in (1, 3)] == english, timeout=10_000)


def test_every_new_control_has_an_accessible_name(qtbot, window):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QTreeWidget

    for tab in (show(window, SCHEDULE), show(window, FILES), window.reminders):
        for widget in tab.findChildren(QAbstractButton) + tab.findChildren(QComboBox) + tab.findChildren(QLineEdit) \
                + tab.findChildren(QTreeWidget):
            if widget.isVisibleTo(tab) and not isinstance(widget.parent(), QComboBox):
                name = widget.accessibleName() or (widget.text() if hasattr(widget, "text") else "")
                assert name, widget.objectName() or type(widget).__name__


def test_the_lists_next_deadline_follows_a_payment_recorded_and_removed(qtbot, db, db_path, settings):
    """The list kept showing instalment 1 after it was paid in full; with its payment removed it showed
    instalment 2, and the overdue instalment 1 appeared nowhere in the list."""
    from app.ops.payments import record_payment, remove_payment
    from ui.contract_list_model import DEADLINE

    files.store_contract(db)
    for ev in sc.EVENTS[:6]:
        record_step(db, N, ev, today=sc.TODAY)
    for name in ("signed_a", "signed_b"):
        set_event(db, N, name, sc.SIGNED)
    for ev in sc.EVENTS[6:8]:  # filed: the payments are what falls due next
        record_step(db, N, ev, today=sc.TODAY)
    w = show_window(qtbot, db, db_path, settings, today=sc.TODAY)
    w.list_view.select_number(N)
    model = w.list_view.model

    def listed() -> str:
        row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == N)
        qtbot.waitUntil(lambda: model.index(row, DEADLINE).data() != "…")  # worked out after the row is drawn
        return model.index(row, DEADLINE).data()

    unpaid = listed()
    assert "Instalment 1" in unpaid
    done = [w.operations.run(record_payment, N, p, today=sc.TODAY).value for p in sc.PAYMENTS[:2]]  # 24,000 in full
    assert "Instalment 1" not in listed()
    w.operations.run(remove_payment, N, done[-1].id, reason="记错了")
    assert listed().startswith(unpaid) and "¥14,000.00 unpaid" in listed()  # back, part paid
    wait_for_background()


def test_cancel_in_office_settings_asks_before_dropping_changes(qtbot, window, db, monkeypatch):
    """Escape dropped a changed office name and review period without a word."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(box):
        asked.append(box.text())
        choice = "&Go back to it" if len(asked) == 1 else "&Discard"
        next(b for b in box.buttons() if b.text() == choice).click()

    monkeypatch.setattr(QMessageBox, "exec", answer)
    untouched = window.open_office_settings()
    untouched.reject()  # nothing changed: closed without a question
    assert not asked and not untouched.isVisible()
    dialog = window.open_office_settings()
    dialog.office.setText("汤阴县人民政府办公室")
    dialog.review_period.count.setValue(12)
    dialog.reject()  # Escape: asked, and "go back" keeps the dialog with what was typed
    assert asked == ["The changes to the office's settings will be lost."] and dialog.isVisible()
    assert dialog.office.text() == "汤阴县人民政府办公室"
    dialog.reject()  # discarded: nothing stored
    assert not dialog.isVisible() and load_settings(db) == sc.TEST_OFFICE


def test_an_invoice_is_recorded_in_the_window_and_its_instalment_falls_due_from_it(qtbot, db, db_path, settings):
    """The sample's instalments are payable 30 days after their invoices: until one was recorded (only the command
    line could) the schedule, the reminders and the ledger could only say that the payment waits for it."""
    from app.domain import Invoice
    from app.store import contracts
    from tests.conftest import SAMPLE_NUMBER

    w = show_window(qtbot, db, db_path, settings, today=date(2025, 6, 30))
    w.list_view.select_number(SAMPLE_NUMBER)
    w.operations.run(set_event, SAMPLE_NUMBER, "accepted", date(2025, 5, 20))
    tab = show(w, SCHEDULE)

    def first_payment() -> tuple[str, str]:
        row = next(tab.tree.topLevelItem(i) for i in range(tab.tree.topLevelItemCount())
                   if tab.tree.topLevelItem(i).text(0).startswith("Instalment 1: pay"))
        return row.text(1), row.text(3)

    assert first_payment()[0] == "waits for: the invoice for instalment 1 (can be issued from 2025-05-20)"
    assert tab.invoice_button.isEnabled() and tab.invoice_button.text() == "Record an invoice…"
    dialog = tab.record_invoice()
    assert dialog.instalment.value() == 1  # the first instalment still without its invoice
    dialog.date.edit.setText("2025-13-26")
    dialog.submit()
    assert dialog.isVisible() and dialog.error.text().startswith("Invoice date: ")
    assert contracts.load(db, SAMPLE_NUMBER).events.invoices == []
    dialog.date.set_day(date(2025, 5, 26))
    dialog.note.setText("No. 00123")
    dialog.submit()
    assert not dialog.isVisible()
    assert contracts.load(db, SAMPLE_NUMBER).events.invoices == [Invoice(date(2025, 5, 26), 1, "No. 00123")]
    assert first_payment() == ("2025-06-25", "overdue by 5 days")  # 30 days after the invoice
    again = tab.record_invoice()
    assert again.instalment.value() == 2
    choose(again.instalment, 1)
    assert again.instalment.currentText().endswith("(invoice of 2025-05-26 recorded)")
    again.reject()
    wait_for_background()


def test_the_deadlines_list_shows_seven_rows_on_a_768_pixel_screen(qtbot, window):
    """At 1366×768 the three parts of 付款与期限 had shown three deadlines at a time between the steps and the payments
    made; the deadlines now keep seven rows, and the tab scrolls before they shrink."""
    tab = show(window, SCHEDULE)
    qtbot.waitUntil(lambda: tab.tree.viewport().height() > 0)
    assert tab.tree.viewport().height() >= 7 * tab.tree.sizeHintForRow(0)
