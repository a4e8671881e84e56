"""The main window driven as a clerk would: open the sample, read the check, search, filter, sort, jump, import."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain import Status
from app.store import contracts
from tests.conftest import SAMPLE_NUMBER, show_window, wait_for_background
from ui.contract_list_model import DEADLINE, NUMBER, NUMBER_ROLE, PAGE_SIZE, STATUS, TITLE, TOTAL
from ui.main_window import ANNEXES, CHECKS, CLAUSES, REVIEW, SCHEDULE, SIGNING, SUMMARY, MainWindow

TODAY = date(2025, 6, 1)


@pytest.fixture
def store(settings):
    """This file's name for the window's settings (the same object)."""
    return settings


@pytest.fixture
def window(qtbot, db, db_path, settings):
    yield show_window(qtbot, db, db_path, settings, today=TODAY, size=None)
    wait_for_background()


def add_copy(db, number: str, title: str, status: Status = Status.DRAFT, total: str | None = None) -> None:
    from decimal import Decimal

    from app.codecs.sample import sample_contract

    c = sample_contract()
    c.number, c.title, c.status = number, title, status
    if total is not None:
        c.total = Decimal(total)
    contracts.save(db, c)


def import_excel(qtbot, window, workbook) -> None:
    """File → import a cost table from `workbook`, waiting for the read (off the GUI thread) and what follows."""
    call = window.import_excel(path=str(workbook))
    assert call is not None
    qtbot.waitUntil(lambda: window._import_call is None, timeout=30000)


def listed(window) -> list[str]:
    model = window.list_view.model
    return [model.index(r, 0).data(NUMBER_ROLE) for r in range(model.rowCount())]


def search(qtbot, window, text: str) -> None:
    window.list_view.search.setText(text)  # typed CJK key events abort offscreen Qt; setText is what typing does
    qtbot.waitUntil(lambda: window.list_view.model.search_text == text, timeout=3000)


def test_first_launch_opens_the_sample_with_its_check_results(window):
    assert window.number == SAMPLE_NUMBER
    assert listed(window) == [SAMPLE_NUMBER]
    assert window.list_view.selected_number() == SAMPLE_NUMBER
    tree = window.pages[CHECKS].tree
    rows = {(tree.topLevelItem(i).toolTip(2), tree.topLevelItem(i).text(1)) for i in range(tree.topLevelItemCount())}
    assert ("signatory", "Party B · Signatory") in rows
    assert ("punctuation", "Clause 4.1") in rows
    labels = {tree.topLevelItem(i).text(2) for i in range(tree.topLevelItemCount())}
    assert {"signatory", "clause numbering", "blank fill-in"} <= labels  # words, not codes
    assert ("clause-numbering", "Clause 第十二条") in rows
    assert "warning" in window.pages[CHECKS].summary.text()
    assert window.windowTitle().startswith(SAMPLE_NUMBER)
    assert "error" not in window.windowTitle()  # the sample has warnings only


def test_start_up_paints_the_contract_first_and_checks_it_right_after(qtbot, db, db_path, store):
    """What `contractdesk gui` does: only the tab on screen is built before the first paint; the check follows."""
    window = MainWindow(db, str(db_path), store=store, today=TODAY, defer_checks=True)
    qtbot.addWidget(window)
    assert window.number == SAMPLE_NUMBER
    assert window._current_tab() == SUMMARY and set(window._built) == {SUMMARY}
    assert window.pages[SUMMARY].editors["title"].text().startswith("中国移动")
    window.show()
    qtbot.waitUntil(lambda: CHECKS in window._built and CHECKS not in window._stale, timeout=5000)
    assert window.check_tab.tree.topLevelItemCount() == 5
    assert REVIEW not in window._built  # a tab nobody looked at is never built
    window.tabs.setCurrentIndex(list(window.pages).index(REVIEW))
    assert window.tabs.currentWidget() is window.pages[REVIEW]
    assert window.pages[REVIEW].number == SAMPLE_NUMBER


def test_title_counts_errors_after_an_edit(qtbot, window, db):
    from app.ops.contracts import set_field

    window.operations.run(set_field, SAMPLE_NUMBER, "terms.copies.a", "3")  # 3 + 2 ≠ 4 copies, as the form stores it
    qtbot.waitUntil(lambda: "1 error" in window.windowTitle(), timeout=3000)  # once the edits pause
    codes = [window.pages[CHECKS].tree.topLevelItem(i).toolTip(2) for i in range(window.pages[CHECKS].tree.topLevelItemCount())]
    assert codes[0] == "copies"  # errors first


def test_search_as_you_type_and_status_filter(qtbot, window, db):
    add_copy(db, "T-0001", "内黄县教育局网络专线合同", Status.SIGNED)
    add_copy(db, "T-0002", "滑县人民医院机房改造", Status.DRAFT)
    window.list_view.model.reload()
    assert len(listed(window)) == 3
    window.list_view.focus_search()
    qtbot.keyClicks(window.list_view.search, "T-0002")
    qtbot.waitUntil(lambda: listed(window) == ["T-0002"], timeout=3000)
    qtbot.waitUntil(lambda: window.list_view.count_label.text() == "1 contract", timeout=3000)
    search(qtbot, window, "教育局")
    assert listed(window) == ["T-0001"]
    search(qtbot, window, "滑县")  # two characters: the list says the clause text is not searched yet
    assert listed(window) == ["T-0002"]
    qtbot.waitUntil(lambda: window.list_view.count_label.text()
                    == "1 contract (clause text is searched from three characters on)", timeout=3000)
    search(qtbot, window, "")
    combo = window.list_view.status_combo
    combo.setCurrentIndex(combo.findData(Status.SIGNED.value))
    assert listed(window) == ["T-0001"]
    combo.setCurrentIndex(0)
    assert len(listed(window)) == 3


def test_clicking_a_row_opens_that_contract(qtbot, window, db):
    add_copy(db, "T-0002", "滑县人民医院机房改造")
    window.list_view.model.reload()
    row = window.list_view.model.row_of("T-0002")
    rect = window.list_view.table.visualRect(window.list_view.model.index(row, 1))
    qtbot.mouseClick(window.list_view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.number == "T-0002"
    assert window.windowTitle().startswith("T-0002")


def test_sorting_by_total_and_back(qtbot, window, db):
    add_copy(db, "T-0001", "a", total="9.00")
    add_copy(db, "T-0002", "b", total="100.00")
    window.list_view.model.reload()
    header = window.list_view.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().topLeft() + _section_centre(header, TOTAL))
    assert window.list_view.model.order_by == "total"
    order = listed(window)
    assert order in (["T-0001", "T-0002", SAMPLE_NUMBER], [SAMPLE_NUMBER, "T-0002", "T-0001"])
    window.list_view.table.sortByColumn(TOTAL, Qt.SortOrder.DescendingOrder)
    assert listed(window) == [SAMPLE_NUMBER, "T-0002", "T-0001"]
    # 下一期限 cannot be sorted by: a click leaves the arrow on 合计, where the rows are still sorted
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().topLeft() + _section_centre(header, DEADLINE))
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (TOTAL, Qt.SortOrder.DescendingOrder)
    assert listed(window) == [SAMPLE_NUMBER, "T-0002", "T-0001"]


def test_the_list_follows_an_edit_into_its_sort_order_and_out_of_its_filter(qtbot, window, db):
    """Sorted by total, a total changed in 概要 stayed in its old place; filtered on 草稿, a contract sent for review
    stayed listed as 审核中."""
    from app.ops.contracts import set_field
    from app.ops.review import set_state

    add_copy(db, "T-0001", "a", total="9.00")
    add_copy(db, "T-0002", "b", total="100.00")
    window.list_view.model.reload()
    window.list_view.select_number("T-0001")
    window.list_view.table.sortByColumn(TOTAL, Qt.SortOrder.AscendingOrder)
    assert listed(window) == ["T-0001", "T-0002", SAMPLE_NUMBER]
    window.operations.run(set_field, "T-0001", "total", Decimal("9999999.00"))
    assert listed(window) == ["T-0002", SAMPLE_NUMBER, "T-0001"]
    assert window.list_view.selected_number() == "T-0001" == window.number  # still the open one, where it went

    combo = window.list_view.status_combo
    combo.setCurrentIndex(combo.findData(Status.DRAFT.value))
    assert "T-0001" in listed(window)
    window.operations.run(set_state, "T-0001", Status.REVIEW)
    assert "T-0001" not in listed(window)
    qtbot.waitUntil(lambda: window.list_view.count_label.text() == "2 contracts", timeout=3000)
    assert window.number == "T-0001"  # still open in the tabs


def _section_centre(header, section: int):
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2)


def test_long_lists_are_fetched_in_pages_with_lazy_deadlines(qtbot, window, db):
    from bench.bench_list import generate_contracts

    generate_contracts(db, PAGE_SIZE + 50)
    model = window.list_view.model
    model.reload()
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    window.list_view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE + 51, timeout=5000)
    assert not model.canFetchMore()
    qtbot.waitUntil(lambda: window.list_view.count_label.text() == f"{PAGE_SIZE + 51} contracts", timeout=3000)
    # the deadline is worked out only for rows the view shows, after the paint that asked
    assert len(model._deadlines) < model.rowCount()
    index = model.index(model.row_of(SAMPLE_NUMBER), DEADLINE)
    model.data(index)
    qtbot.waitUntil(lambda: model.deadline(SAMPLE_NUMBER) is not ..., timeout=3000)


def test_double_click_on_a_finding_jumps_to_the_place(qtbot, window):
    tab = window.pages[CHECKS]
    window.tabs.setCurrentWidget(tab)

    def activate(where: str) -> None:
        tree = tab.tree
        item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).toolTip(1) == where)
        tree.scrollToItem(item)
        point = QPoint(12, tree.visualItemRect(item).center().y())  # on the row, inside a narrow viewport too
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=point)

    activate("signing.b.signatory")
    assert window.tabs.currentWidget() is window.pages[SIGNING]
    window.tabs.setCurrentWidget(tab)
    activate("clause:4.1")
    assert window.tabs.currentWidget() is window.pages[CLAUSES]
    window.tabs.setCurrentWidget(tab)
    activate("party_a_number")
    assert window.tabs.currentWidget() is window.pages[SUMMARY]


def test_undo_follows_the_current_tab(window):
    window.tabs.setCurrentWidget(window.pages[ANNEXES])
    assert window.undo_group.activeStack() is window.pages[ANNEXES].undo_stack
    window.tabs.setCurrentWidget(window.pages[SUMMARY])
    assert window.undo_group.activeStack() is window.contract_stack
    assert [k.toString() for k in window.act_redo.shortcuts()].count("Ctrl+Y") == 1
    assert window.act_undo.shortcut().toString() == "Ctrl+Z"


def test_ctrl_f_goes_to_the_search_box(qtbot, window):
    window.tabs.setCurrentWidget(window.pages[SCHEDULE])
    window.pages[SCHEDULE].tree.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.list_view.search, timeout=2000)


def test_schedule_tab_shows_the_payments(window, db):
    from app.ops.contracts import set_event

    set_event(db, SAMPLE_NUMBER, "signed_a", date(2025, 5, 20))
    set_event(db, SAMPLE_NUMBER, "signed_b", date(2025, 5, 22))
    window.tabs.setCurrentWidget(window.pages[SCHEDULE])
    tree = window.pages[SCHEDULE].tree
    rows = [[tree.topLevelItem(i).text(c) for c in range(5)] for i in range(tree.topLevelItemCount())]
    assert any(r[2] for r in rows)  # payments carry amounts
    assert any(r[1][:4] == "2025" for r in rows)  # dates once both have signed
    assert any("waits for" in r[1] for r in rows)  # acceptance has not happened


def test_new_contract(window, monkeypatch, db):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("NEW-1", True))
    window.new_contract()
    assert contracts.exists(db, "NEW-1")
    assert window.number == "NEW-1" and "NEW-1" in listed(window)
    asked = []
    answers = iter([("NEW-1", True), ("  ", True), ("NEW-2", True)])

    def answer(_parent, _title, label, _echo=None, text=""):
        asked.append((label, text))
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", answer)
    window.new_contract()  # the same number again, then a blank one: asked again each time, with why and what was typed
    assert asked[0] == ("Contract number:", "")
    assert asked[1][0].startswith("Contract number:\nNot created: ") and "already exists" in asked[1][0]
    assert asked[1][1] == "NEW-1"
    assert asked[2][1] == "  " and len(asked) == 3
    assert contracts.exists(db, "NEW-2") and window.number == "NEW-2"


def test_import_json_and_a_bad_file(window, db, tmp_path, sample, monkeypatch):
    from app.codecs.json_codec import dumps

    sample.number = "IMP-1"
    good = tmp_path / "good.json"
    good.write_text(dumps(sample), encoding="utf-8")
    window.import_json(path=str(good))
    assert window.number == "IMP-1" and "IMP-1" in listed(window)

    data = json.loads(dumps(sample))
    data["number"] = "IMP-2"
    data["payments"][0]["amount"] = "12,3x"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    window.import_json(path=str(bad))
    assert warnings and "payments[0].amount" in warnings[0]
    assert not contracts.exists(db, "IMP-2")


def test_export_from_the_menu_runs_through_the_dialog(qtbot, window, tmp_path):
    from ui.export_worker import ExportKind

    dialog = window.export(ExportKind.JSON)
    assert dialog is not None and dialog.isVisible()
    dialog.target.edit.setText(str(tmp_path / "menu.json"))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.export_button.click()
    assert (tmp_path / "menu.json").exists()
    assert str(tmp_path) == window.store.value("export/folder")


def test_print_preview_renders_the_packet(qtbot, window):
    with qtbot.waitSignal(window.packet_ready, timeout=240_000) as ready:
        window.print_preview()
    assert ready.args[0].startswith(b"%PDF")
    qtbot.waitUntil(lambda: window.preview_dialog is not None and window.preview_dialog.isVisible(), timeout=5000)
    window.preview_dialog.close()


def test_a_bad_database_is_refused_and_the_open_one_stays(window, tmp_path, monkeypatch):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    assert not window.open_database(str(bogus))
    assert shown and "notes.db" in shown[0]
    assert window.number == SAMPLE_NUMBER and listed(window) == [SAMPLE_NUMBER]


def test_open_another_database_and_recent_list(window, tmp_path, store):
    other = tmp_path / "other.db"
    assert window.open_database(str(other))  # a new file gets the sample
    assert window.number == SAMPLE_NUMBER
    window._fill_recent()
    entries = [a.text() for a in window.recent_menu.actions()]
    assert entries[0] == str(other) and len(entries) == 2
    assert store.value("database/last") == str(other)


def test_opening_another_database_first_lets_a_background_read_of_the_old_one_finish(window, tmp_path, monkeypatch):
    """The reminders are read on a pool thread. Closing the old store under a read still running left that read a
    connection nobody closed (on Windows, a handle on the old file): the window waits for it, then closes."""
    import time

    import ui.reminders_panel as panel

    wait_for_background()
    old = window.db
    events: list[str] = []
    real_compute, real_close = panel.compute_reminders, old.close

    def slow(db, today, user):
        time.sleep(0.3)
        result = real_compute(db, today, user)
        if db is old:
            events.append("read")
        return result

    monkeypatch.setattr(panel, "compute_reminders", slow)
    monkeypatch.setattr(old, "close", lambda: (events.append("closed"), real_close())[1])
    window.reminders.refresh()  # a read of the old store is running
    assert window.open_database(str(tmp_path / "other.db"))
    assert events == ["read", "closed"]


def test_layout_is_remembered(qtbot, db, db_path, store):
    first = MainWindow(db, str(db_path), store=store, today=TODAY)
    qtbot.addWidget(first)
    first.show()
    first.splitter.setSizes([300, 500])
    sizes = first.splitter.sizes()
    first.close()
    assert store.value("window/geometry") is not None
    second = MainWindow(db, str(db_path), store=store, today=TODAY)
    qtbot.addWidget(second)
    second.show()
    assert second.splitter.sizes() == sizes


def test_language_switch_retranslates(window):
    pytest.importorskip("ui.i18n")
    from app.base.i18n import _
    from ui.i18n import switch_language

    app = QApplication.instance()
    try:
        switch_language(app, "zh_CN")
        assert window.tabs.tabText(0) == _("Summary")
        assert window.file_menu.title() == _("&File")
        assert window.list_view.model.headerData(0, Qt.Orientation.Horizontal) == _("Number")
        for action in window.toolbar.actions():  # toolbar buttons show no mnemonic "(&O)" and no "…"
            assert "&" not in action.iconText() and "(" not in action.iconText() and "…" not in action.iconText()
    finally:
        switch_language(app, "en")
    assert window.tabs.tabText(0) == "Summary"


def test_run_refuses_a_bad_database_with_a_message(tmp_path, monkeypatch, qapp):
    from ui import main

    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"garbage" * 500)
    shown = []
    # The start-up explains the problem and offers the latest good backup; the user declines (None).
    monkeypatch.setattr("ui.database_problem_dialog.offer_restore", lambda parent, problem: shown.append(str(problem)))
    assert main.run(SimpleNamespace(db=str(bogus), lang="en", exit_after_paint=False)) == 2
    assert shown and "bogus.db" in shown[0]


def test_run_explains_an_unusable_data_folder(tmp_path, monkeypatch, qapp):
    from ui import main

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CONTRACTDESK_HOME", str(blocker / "data"))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    assert main.run(SimpleNamespace(db=None, lang="en", exit_after_paint=False)) == 2
    assert shown and shown[0][0] == "ContractDesk cannot use its data folder" and "a-file" in shown[0][1]


def test_run_opens_the_restored_backup_when_the_user_accepts(tmp_path, monkeypatch, qapp):
    from app.ops.first_run import open_store
    from ui import main

    bogus = tmp_path / "broken.db"
    bogus.write_bytes(b"garbage" * 500)
    good = open_store(tmp_path / "good.db")  # stands in for the restored backup
    opened = []
    earlier = set(QApplication.topLevelWidgets())  # windows of earlier tests not yet deleted
    monkeypatch.setattr("ui.database_problem_dialog.offer_restore", lambda parent, problem: good)
    monkeypatch.setattr(QApplication, "exec", lambda *a: opened.extend(
        w for w in QApplication.topLevelWidgets() if hasattr(w, "db") and w not in earlier) or 0)
    assert main.run(SimpleNamespace(db=str(bogus), lang="en", exit_after_paint=False)) == 0
    assert opened and opened[0].db is good
    assert opened[0].list_view.model.row_of(SAMPLE_NUMBER) >= 0
    for widget in QApplication.topLevelWidgets():
        widget.close()


def test_gui_command_paints_and_exits(cli_process, db_path):
    result = cli_process("gui", "--exit-after-paint", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.code == 0, result
    line = next(line for line in result.out.splitlines() if line.startswith("painted_ms="))
    assert int(line.split("=")[1]) > 0
    assert Path(db_path).exists()  # the database was created with the sample


def test_import_cost_table_from_excel(qtbot, window, db, sample, tmp_path, monkeypatch):
    from decimal import Decimal

    from openpyxl import load_workbook

    from app.codecs.xlsx import export_xlsx

    workbook = tmp_path / "packet.xlsx"
    export_xlsx(sample, workbook)
    wb = load_workbook(workbook)
    wb["Annex 3 费用明细表"]["D5"] = 2  # the third row's quantity 1 → 2
    wb.save(workbook)
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    import_excel(qtbot, window, workbook)  # declined: nothing stored
    assert [r.quantity for r in contracts.load(db, SAMPLE_NUMBER).annex("3").table] == [1, 1, 1]
    import_excel(qtbot, window, workbook)
    assert "3 rows" in asked[1]
    # the question says what the workbook changes, not only how many rows it has
    assert "row 3 → 3: Quantity: 1 → 2" in asked[1] and "total 4,273,290.00 → 5,697,720.00" in asked[1]
    assert [r.quantity for r in contracts.load(db, SAMPLE_NUMBER).annex("3").table] == [Decimal(1), Decimal(1), Decimal(2)]
    qtbot.waitUntil(lambda: "error" in window.windowTitle(), timeout=3000)  # the table no longer adds up to the total
    assert "cost-table-total" in [window.check_tab.tree.topLevelItem(i).toolTip(2) for i in range(window.check_tab.tree.topLevelItemCount())]


def test_a_large_cost_table_is_read_behind_a_progress_dialog_that_cancels(qtbot, window, db, sample, tmp_path,
                                                                          monkeypatch):
    """4,000 rows: the window keeps painting while the workbook is read, the dialog counts the rows, and Cancel
    stops the read with nothing stored and nothing asked."""
    import threading

    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from app.codecs.xlsx import export_xlsx
    from app.domain import CostRow
    from ui.background import ProgressCall

    sample.annex("3").table = [CostRow(f"设备{i}", "", "台", Decimal(1), Decimal("10.00"), "") for i in range(4000)]
    workbook = tmp_path / "big.xlsx"
    export_xlsx(sample, workbook)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked after a cancel"))
    before = contracts.load(db, SAMPLE_NUMBER).annex("3").table
    seen: list[tuple[int, int]] = []
    gate = threading.Event()  # the read waits after its first report until the clerk has pressed Cancel
    report = ProgressCall._hand_over_progress

    def slowed(self, done: int, total: int) -> None:
        report(self, done, total)
        gate.wait(10)

    monkeypatch.setattr(ProgressCall, "_hand_over_progress", slowed)
    call = window.import_excel(path=str(workbook))
    assert call is not None
    call.signals.progress.connect(lambda done, total: seen.append((done, total)))
    qtbot.waitUntil(lambda: bool(seen), timeout=30000)
    dialog = window.findChild(QProgressDialog)
    assert dialog is not None and dialog.labelText() == "Reading the workbook…"
    dialog.findChild(QPushButton).click()  # Cancel
    gate.set()
    qtbot.waitUntil(lambda: window._import_call is None, timeout=30000)
    assert window.statusBar().currentMessage() == "Import cancelled; nothing changed"
    assert contracts.load(db, SAMPLE_NUMBER).annex("3").table == before
    assert 0 < seen[0][0] < 4000


def test_a_cost_table_exported_from_another_contract_is_refused(qtbot, window, db, sample, tmp_path, monkeypatch):
    import dataclasses

    from app.codecs.xlsx import export_xlsx

    workbook = tmp_path / "other.xlsx"
    export_xlsx(dataclasses.replace(sample, number="CMHA-AY-202500999"), workbook)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warned.append(args[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: pytest.fail("asked to replace"))
    before = contracts.load(db, SAMPLE_NUMBER).annex("3").table
    import_excel(qtbot, window, workbook)
    assert warned and "CMHA-AY-202500999" in warned[0]
    assert contracts.load(db, SAMPLE_NUMBER).annex("3").table == before


def test_last_database_broken_falls_back_to_the_default(tmp_path, monkeypatch, qapp, _isolated_home):
    """A database remembered from last time that no longer opens must not lock the user out."""
    from app.store.location import default_database
    from ui import main
    from ui import settings as keys

    bogus = tmp_path / "gone.db"
    bogus.write_bytes(b"garbage" * 500)
    keys.settings().setValue(keys.LAST_DATABASE_KEY, str(bogus))
    shown = []
    monkeypatch.setattr("ui.database_problem_dialog.offer_restore", lambda parent, problem: shown.append(str(problem)))
    held = []

    def running(*_args) -> int:  # while the app runs, the database it fell back to is the one locked
        from app.store.lock import DatabaseInUse, acquire

        try:
            acquire(default_database()).release()
        except DatabaseInUse:
            held.append("default")
        acquire(bogus).release()  # and the broken one is free again
        return 0

    monkeypatch.setattr(QApplication, "exec", running)
    assert main.run(SimpleNamespace(db=None, lang="en", exit_after_paint=False)) == 0
    assert shown and "gone.db" in shown[0]
    assert keys.settings().value(keys.LAST_DATABASE_KEY) == str(default_database())
    assert held == ["default"]
    for widget in QApplication.topLevelWidgets():
        widget.close()


def test_a_missing_last_database_is_said_not_silently_replaced(tmp_path, monkeypatch, qapp, _isolated_home):
    """The file used last is on a network drive that is not connected: the app opens the default database
    and says so, naming both, so that nobody types new contracts into the wrong file unknowingly."""
    from app.store.location import default_database
    from ui import main
    from ui import settings as keys

    gone = tmp_path / "Z盘" / "合同.db"
    keys.settings().setValue(keys.LAST_DATABASE_KEY, str(gone))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    monkeypatch.setattr(QApplication, "exec", lambda *_args: 0)
    assert main.run(SimpleNamespace(db=None, lang="en", exit_after_paint=False)) == 0
    assert len(warned) == 1 and str(gone) in warned[0] and str(default_database()) in warned[0]
    assert not gone.exists()  # nothing created where the drive should be
    for widget in QApplication.topLevelWidgets():
        widget.close()


def test_enter_in_the_list_moves_to_the_contract(qtbot, window):
    window.list_view.table.setFocus()
    window.list_view.table.setCurrentIndex(window.list_view.model.index(0, 0))
    qtbot.keyClick(window.list_view.table, Qt.Key.Key_Return)
    focused = QApplication.focusWidget()
    assert focused is not None and window.tabs.isAncestorOf(focused)


def test_the_name_recorded_with_changes_is_chosen_in_the_app(window, db, store, monkeypatch):
    from app.base.clock import current_user, set_user_name
    from app.ops.review import set_state
    from app.store import audit

    monkeypatch.delenv("CONTRACTDESK_USER", raising=False)
    try:
        window.choose_user_name(name="王五")
        set_state(db, SAMPLE_NUMBER, "review")
        assert audit.entries(db, SAMPLE_NUMBER)[-1].user == "王五"
        assert store.value("user/name") == "王五"  # remembered for the next start
        set_user_name("")  # as after a restart
        again = MainWindow(db, window.target, store=store, today=TODAY)
        assert current_user() == "王五"
        again.deleteLater()
    finally:
        set_user_name("")


def test_print_preview_uses_the_font_chosen_for_pdf_exports_when_installed(window, store):
    store.setValue("export/pdfFont", "bundled")
    assert window._pdf_font() == "bundled"
    store.setValue("export/pdfFont", "simsun")  # not on this computer
    assert window._pdf_font() == "auto"


def test_a_review_comment_is_about_what_has_the_focus(qtbot, window, db):
    """Ctrl+Alt+M as in Word: on a form field, the selected clause, a cost-table row, else the contract."""
    from app.store.comments import list_comments

    window.tabs.setCurrentWidget(window.pages[SUMMARY])
    window.pages[SUMMARY].focus_where("total")
    window.add_review_comment(text="合计请再核对")
    window.tabs.setCurrentWidget(window.pages[CLAUSES])
    window.pages[CLAUSES].focus_where("clause:4.1")
    window.add_review_comment(text="标点")
    window.tabs.setCurrentWidget(window.pages[ANNEXES])
    window.annexes_tab.select_annex("3")
    table = window.annexes_tab.table_editor.table
    table.setCurrentIndex(table.model().index(1, 0))
    window.add_review_comment(text="单价偏高")
    window.tabs.setCurrentWidget(window.pages[SCHEDULE])
    window.add_review_comment(text="整体意见")
    found = [(c.target_kind, c.target, c.text) for c in list_comments(db, SAMPLE_NUMBER)]
    assert found == [("field", "total", "合计请再核对"), ("clause", "4.1", "标点"), ("row", "3#2", "单价偏高"),
                     ("contract", "", "整体意见")]
    assert "Comment added on contract" in window.statusBar().currentMessage()



def test_chinese_text_has_a_font_even_on_a_machine_without_one(qapp):
    """Qt draws boxes for Chinese where no installed font covers it (a bare Linux box, the CI machine);
    the application then falls back to the bundled Song face."""
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

    from ui.main import make_application

    make_application()
    make_application()  # a second call registers nothing twice
    covering = [f for f in QFontDatabase.families()
                if all(QFontMetrics(QFont(f)).inFontUcs4(ord(c)) for c in "合同台【】￥：（）")]
    assert covering
    assert QFontDatabase.families().count("Noto Serif CJK SC") <= 1


def test_a_first_windows_list_shows_the_status_and_the_next_deadline(qtbot, window):
    """At a first window's width (1229 px, the list 35% of it) 状态 and 下一期限 stood beyond the list's right edge,
    after 对方 and 合计: what needs doing could not be seen without scrolling."""
    window.resize(1229, 768)
    window._default_split()
    qtbot.waitUntil(lambda: window.list_view.width() < 500, timeout=3000)
    table = window.list_view.table
    header = table.horizontalHeader()
    visible = table.viewport().width()
    assert header.sectionViewportPosition(STATUS) + header.sectionSize(STATUS) <= visible
    assert header.sectionViewportPosition(DEADLINE) + table.fontMetrics().horizontalAdvance("2026-08-14 ") <= visible
    assert header.sectionSize(TOTAL) >= table.fontMetrics().horizontalAdvance("4,273,290.00")  # whole when shown


def test_the_lists_columns_stay_as_the_clerk_dragged_them(qtbot, db, db_path, settings):
    first = show_window(qtbot, db, db_path, settings, today=TODAY, size=None)
    header = first.list_view.table.horizontalHeader()
    header.moveSection(header.visualIndex(TOTAL), 1)  # 合计 dragged next to 编号
    header.resizeSection(TITLE, 150)
    first.save_layout()
    first.close()
    again = show_window(qtbot, db, db_path, settings, today=TODAY, size=None)
    header = again.list_view.table.horizontalHeader()
    assert header.visualIndex(TOTAL) == 1 and header.sectionSize(TITLE) == 150
    assert again.list_view.model.index(0, NUMBER).data() == SAMPLE_NUMBER  # still sorted by number
    wait_for_background()


def test_a_long_finding_wraps_whole_in_the_check_tab(qtbot, window):
    """The signatory finding was cut at "a written authorisatio…", hiding the clause it cites at its end."""
    from PySide6.QtCore import QRect

    from ui.main_window import CHECKS

    window.tabs.setCurrentWidget(window.pages[CHECKS])
    tree = window.check_tab.tree
    tree.setColumnWidth(3, 240)  # a narrow window's share
    qtbot.wait(10)
    longest = max((tree.topLevelItem(i) for i in range(tree.topLevelItemCount())), key=lambda it: len(it.text(3)))
    needed = tree.fontMetrics().boundingRect(QRect(0, 0, tree.columnWidth(3) - 8, 100_000), Qt.TextFlag.TextWordWrap,
                                             longest.text(3)).height()
    assert needed > 2 * tree.fontMetrics().lineSpacing()  # it does wrap at this width
    assert tree.visualItemRect(longest).height() >= needed
