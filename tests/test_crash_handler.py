"""The crash handler: a bug in a slot or a worker thread shows a dialog, writes a crash log, keeps the app
running, and the edit committed just before the bug is in the database."""

from __future__ import annotations

import re
import sys
import threading
import types

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton

from app.base.errors import UserError
from app.store.contracts import load
from ui import crash_handler
from ui.crash_handler import MAX_DIALOGS, CrashDialog

NUMBER = "CMHA-AY-202500441"

pytestmark = pytest.mark.qt_no_exception_capture  # the handler under test must see the exceptions, not pytest-qt


class Shown(list):
    """The dialogs the handler opened, and the button the clerk will press (`answer["code"]`)."""

    answer: dict


@pytest.fixture
def shown(monkeypatch):
    """Dialogs the handler opened (never modal here); the test sets what the clerk clicks."""
    record = Shown()
    answer = {"code": QDialog.DialogCode.Accepted}

    def fake_exec(self):
        record.append(self)
        return answer["code"]

    monkeypatch.setattr(CrashDialog, "exec", fake_exec)
    record.answer = answer
    return record


@pytest.fixture
def handler(qapp, tmp_path, shown):
    logs = tmp_path / "日志 文件夹"
    h = crash_handler.install(qapp, logs)
    quits: list[bool] = []
    h.on_quit = lambda: quits.append(True)
    h.quits = quits  # type: ignore[attr-defined]
    yield h
    h.uninstall()


def crash_logs(folder):
    return sorted(folder.glob("crash-*.log"))


def test_edit_committed_before_a_bug_in_a_slot_is_kept(qtbot, db, handler, shown):
    from ui.annexes_tab import AnnexesTab

    tab = AnnexesTab(db)
    qtbot.addWidget(tab)
    tab.set_contract(NUMBER)
    tab.select_annex("3")
    model = tab.table_editor.model

    def buggy_slot(*_args):
        raise RuntimeError("bug in a slot after the edit")

    model.dataChanged.connect(buggy_slot)
    assert model.setData(model.index(0, 0), "云存储服务费（改）", Qt.ItemDataRole.EditRole)

    # The dialog came up once and the crash log names the error.
    assert len(shown) == 1
    logs = crash_logs(handler.log_folder)
    assert len(logs) == 1
    text = logs[0].read_text(encoding="utf-8")
    assert "RuntimeError: bug in a slot after the edit" in text and "buggy_slot" in text
    assert str(logs[0]) in shown[0].where.text()
    # The edit is in the database, read back through a fresh load.
    assert load(db, NUMBER).annex("3").table[0].item == "云存储服务费（改）"

    # The app keeps running: the next edit works as well.
    model.dataChanged.disconnect(buggy_slot)
    assert model.setData(model.index(1, 0), "第二次修改", Qt.ItemDataRole.EditRole)
    assert load(db, NUMBER).annex("3").table[1].item == "第二次修改"
    assert handler.quits == []


def test_button_slot_exception_is_reported_and_app_continues(qtbot, handler, shown):
    button = QPushButton("go")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: 1 / 0)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and "ZeroDivisionError" in shown[0].details
    assert handler.quits == []


def test_quit_button_closes_the_app(qtbot, handler, shown):
    shown.answer["code"] = QDialog.DialogCode.Rejected
    button = QPushButton("go")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: {}["missing"])
    button.click()
    assert handler.quits == [True]


def test_copy_details_puts_the_report_on_the_clipboard(qtbot, tmp_path):
    QApplication.clipboard().clear()
    dialog = CrashDialog("Traceback …\nValueError: 合同", tmp_path / "crash-1.log")
    qtbot.addWidget(dialog)
    assert not dialog.details_view.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == "Traceback …\nValueError: 合同"
    assert dialog.result() == 0  # copying does not close the dialog
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert dialog.details_view.isVisibleTo(dialog)
    assert "bug" in dialog.message.text() and "saved" in dialog.message.text()


def test_worker_thread_exception_is_shown_in_the_gui_thread(qtbot, handler, shown):
    seen_in: list[bool] = []
    real_init = CrashDialog.__init__

    def spy_init(self, *args, **kwargs):
        seen_in.append(threading.current_thread() is threading.main_thread())
        real_init(self, *args, **kwargs)

    CrashDialog.__init__ = spy_init  # type: ignore[method-assign]
    try:
        worker = threading.Thread(target=lambda: [][1], name="export-worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=3000)
    finally:
        CrashDialog.__init__ = real_init  # type: ignore[method-assign]
    assert seen_in == [True]
    text = crash_logs(handler.log_folder)[0].read_text(encoding="utf-8")
    assert "thread: export-worker" in text and "IndexError" in text


def test_user_error_escaping_a_view_is_a_message_not_a_crash(qtbot, handler, shown, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warnings.append(text))
    button = QPushButton("go")
    qtbot.addWidget(button)

    def refuse():
        raise UserError("is not an amount", "payments[1].amount")

    button.clicked.connect(refuse)
    button.click()
    assert warnings == ["payments[1].amount: is not an amount"]
    assert shown == [] and crash_logs(handler.log_folder) == []


def test_crash_details_are_masked_when_the_logging_module_masks(qtbot, handler, shown, monkeypatch):
    fake = types.ModuleType("app.base.logs")
    fake.mask_text = lambda text: re.sub(r"\d{12,}", "****", text)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.base.logs", fake)
    button = QPushButton("go")
    qtbot.addWidget(button)

    def leak():
        raise ValueError("account 6222021234567890123 refused")

    button.clicked.connect(leak)
    button.click()
    text = crash_logs(handler.log_folder)[0].read_text(encoding="utf-8")
    assert "6222021234567890123" not in text and "account **** refused" in text
    assert "6222021234567890123" not in shown[0].details


def test_unwritable_log_folder_still_shows_the_dialog(qtbot, qapp, tmp_path, shown):
    blocker = tmp_path / "not a folder"
    blocker.write_text("x")
    h = crash_handler.install(qapp, blocker / "logs")
    h.on_quit = lambda: None
    try:
        button = QPushButton("go")
        qtbot.addWidget(button)
        button.clicked.connect(lambda: 1 / 0)
        button.click()
    finally:
        h.uninstall()
    assert len(shown) == 1 and "could not be written" in shown[0].where.text()


def test_after_many_crashes_only_quitting_is_offered(qtbot, handler, shown):
    button = QPushButton("go")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: 1 / 0)
    for _ in range(MAX_DIALOGS):
        button.click()
    assert len(shown) == MAX_DIALOGS
    assert not shown[0].continue_button.isHidden()
    assert shown[-1].continue_button.isHidden() and not shown[-1].quit_button.isHidden()
    assert len(crash_logs(handler.log_folder)) == MAX_DIALOGS


def test_uninstall_restores_the_previous_hooks(qapp, tmp_path):
    before, before_thread = sys.excepthook, threading.excepthook
    h = crash_handler.install(qapp, tmp_path)
    assert sys.excepthook == h.excepthook
    h.uninstall()
    assert sys.excepthook is before and threading.excepthook is before_thread


def test_qthread_run_exception_is_shown_in_the_gui_thread(qtbot, handler, shown):
    from PySide6.QtCore import QThread

    class Worker(QThread):
        def run(self):
            raise OSError("disk gone while exporting")

    created_in_gui: list[bool] = []
    real_init = CrashDialog.__init__

    def spy_init(self, *args, **kwargs):
        created_in_gui.append(QThread.currentThread() is QApplication.instance().thread())
        real_init(self, *args, **kwargs)

    CrashDialog.__init__ = spy_init  # type: ignore[method-assign]
    try:
        worker = Worker()
        worker.setObjectName("pdf-export")
        worker.start()
        assert worker.wait(5000)
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=3000)
    finally:
        CrashDialog.__init__ = real_init  # type: ignore[method-assign]
    assert created_in_gui == [True]
    assert "OSError: disk gone while exporting" in crash_logs(handler.log_folder)[0].read_text(encoding="utf-8")


def test_qt_warnings_go_to_the_log_and_on_to_the_previous_handler(qapp, tmp_path, caplog):
    """A Qt warning (here a painter used without a device) is written to the log the crash report reads."""
    import logging

    from PySide6.QtCore import qInstallMessageHandler, qWarning

    from ui.crash_handler import CrashHandler

    passed_on: list[str] = []
    before = qInstallMessageHandler(lambda _mode, _context, message: passed_on.append(message))
    handler = CrashHandler(qapp, tmp_path).install()
    try:
        with caplog.at_level(logging.WARNING, logger="qt"):
            qWarning("QPainter::begin: Paint device returned engine == 0, type: 1")
        assert any("QPainter::begin" in r.getMessage() and r.name == "qt" for r in caplog.records)
        assert passed_on == ["QPainter::begin: Paint device returned engine == 0, type: 1"]
    finally:
        handler.uninstall()
        qInstallMessageHandler(before)
