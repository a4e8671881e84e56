"""What the clerk sees when the program has a bug: a short apology, not a vanished window.

`install(app)` routes every uncaught exception — in a slot, a virtual method, a worker thread or start-up —
here. The traceback is written to a crash log in <data folder>/logs, the dialog says in plain words what
happened and offers "Copy details" for the report to support. The app keeps running: edits are committed to
the database as they are made, so whatever the clerk saw saved is saved. A fatal crash of Qt itself
(a segfault) is recorded by faulthandler in the same folder.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from PySide6.QtCore import QMessageLogContext, QObject, Qt, QThread, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.base.errors import UserError
from app.base.i18n import _
from app.base.paths import logs_dir

log = logging.getLogger(__name__)
#: Where Qt's own messages are logged.
qt_log = logging.getLogger("qt")
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

# More crashes than this in one session and the dialog stops offering to continue: something is badly wrong.
MAX_DIALOGS = 5


def _mask(text: str) -> str:
    """Account numbers and amounts are masked in crash details (app.base.logs decides what that means)."""
    try:
        from app.base.logs import mask_text
    except ImportError:
        return text
    try:
        return mask_text(text)
    except Exception:  # a bug in masking must not hide the crash itself
        return text


def crash_details(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, thread: str = "") -> str:
    """The text of a crash report: versions, where, and the traceback (masked)."""
    try:
        from PySide6 import __version__ as qt_version
    except ImportError:
        qt_version = "?"
    header = [
        f"ContractDesk {__version__}",
        f"time: {datetime.now().isoformat(timespec='seconds')}",
        f"system: {platform.platform()}; Python {platform.python_version()}; PySide6 {qt_version}",
        f"frozen: {bool(getattr(sys, 'frozen', False))}",
    ]
    if thread:
        header.append(f"thread: {thread}")
    body = "".join(traceback.format_exception(exc_type, exc, tb))
    return _mask("\n".join(header) + "\n\n" + body)


def write_crash_log(details: str, folder: Path | None = None) -> Path | None:
    """Write one crash report file; None when even that fails (a full disk must not cause a second crash)."""
    try:
        target_dir = folder or logs_dir()
        target_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = target_dir / f"crash-{stamp}-{os.getpid()}.log"
        n = 1
        while path.exists():
            n += 1
            path = target_dir / f"crash-{stamp}-{os.getpid()}-{n}.log"
        path.write_text(details, encoding="utf-8")
        return path
    except OSError as exc:
        log.error("cannot write the crash log: %s", exc)
        return None


class CrashDialog(QDialog):
    """Short explanation, the log file's place, hidden details, and Copy details / Continue / Quit."""

    def __init__(self, details: str, log_file: Path | None, parent: QWidget | None = None, *, can_continue: bool = True) -> None:
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(_("ContractDesk: unexpected error"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48))
        self.message = QLabel(
            _(
                "Something went wrong inside ContractDesk. This is a bug in the program, not something you did.\n"
                "Your edits are saved as you make them: everything you saw saved is kept in the database."
            )
        )
        self.message.setWordWrap(True)
        where = (
            _("A report was written to {path}.").format(path=log_file)
            if log_file
            else _("The report could not be written to a file; use Copy details.")
        )
        self.where = QLabel(where + " " + _("Please send it to whoever supports ContractDesk for you."))
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)
        self.details_view.setMinimumHeight(200)

        self.copy_button = QPushButton(_("Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button = QPushButton(_("Show details"))
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self.details_view.setVisible)
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.continue_button = self.buttons.addButton(_("Continue"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton(_("Quit ContractDesk"), QDialogButtonBox.ButtonRole.RejectRole)
        self.continue_button.setVisible(can_continue)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        (self.continue_button if can_continue else self.quit_button).setDefault(True)

        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.addWidget(self.message)
        texts.addWidget(self.where)
        top.addLayout(texts, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details_view)
        layout.addWidget(self.buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(_("Copied"))


class CrashHandler(QObject):
    """Installed once per application; keeps the previous hooks so `uninstall()` puts them back."""

    # Worker threads hand their crash to the GUI thread: widgets may only be touched there.
    _crashed_in_thread = Signal(str, str)

    def __init__(self, app: QApplication, log_folder: Path | None = None) -> None:
        super().__init__()
        self.app = app
        self.log_folder = log_folder
        self.dialogs_shown = 0
        self.crash_logs: list[Path] = []
        self._showing = False
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._fatal_file: IO[str] | None = None
        self._previous_qt_handler: Callable | None = None
        self._crashed_in_thread.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.on_quit: Callable[[], None] = self._quit

    def install(self) -> CrashHandler:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        self._enable_faulthandler()
        self._previous_qt_handler = qInstallMessageHandler(self.qt_message)
        return self

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook
        qInstallMessageHandler(self._previous_qt_handler)
        self._previous_qt_handler = None
        if self._fatal_file is not None:
            faulthandler.disable()
            self._fatal_file.close()
            self._fatal_file = None

    def _enable_faulthandler(self) -> None:
        """A windowed program has no stderr: send fatal-error tracebacks to a file (unless someone already does)."""
        if faulthandler.is_enabled():
            return
        try:
            folder = self.log_folder or logs_dir()
            self._fatal_file = (folder / "fatal.log").open("a", encoding="utf-8")
            faulthandler.enable(self._fatal_file)
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("faulthandler not enabled: %s", exc)

    # --- hooks -------------------------------------------------------------------------------------------

    def qt_message(self, mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        """Qt's own warnings (a failed font load, a painter misuse) go to the log, where a crash report finds
        them; the handler that was installed before (a debugger's, a test runner's) still gets them."""
        qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s%s", message,
                   f" ({context.file}:{context.line})" if context.file else "")
        if self._previous_qt_handler is not None:
            self._previous_qt_handler(mode, context, message)

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.app.quit()
            return
        if isinstance(exc, UserError) and QThread.currentThread() is self.app.thread():
            # a refused input that escaped a view: say it, no crash report
            self._tell_user(str(exc))
            return
        in_gui_thread = QThread.currentThread() is self.app.thread()
        details = crash_details(exc_type, exc, tb, "" if in_gui_thread else threading.current_thread().name)
        log_file = self._record(details)
        if in_gui_thread:
            self._show(details, str(log_file) if log_file else "")
        else:  # a QThread's run(): widgets belong to the GUI thread
            self._crashed_in_thread.emit(details, str(log_file) if log_file else "")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        thread = args.thread.name if args.thread is not None else "?"
        assert args.exc_value is not None
        details = crash_details(args.exc_type, args.exc_value, args.exc_traceback, thread)
        log_file = self._record(details)
        self._crashed_in_thread.emit(details, str(log_file) if log_file else "")

    # --- work ----------------------------------------------------------------------------------------------

    def _record(self, details: str) -> Path | None:
        log.error("unexpected error\n%s", details)
        path = write_crash_log(details, self.log_folder)
        if path:
            self.crash_logs.append(path)
        return path

    def _tell_user(self, message: str) -> None:
        QMessageBox.warning(QApplication.activeWindow(), _("ContractDesk"), message)

    def _show(self, details: str, log_file: str) -> None:
        if self._showing:  # one dialog at a time; the further reports are in the log folder
            return
        self._showing = True
        try:
            self.dialogs_shown += 1
            dialog = CrashDialog(
                details,
                Path(log_file) if log_file else None,
                QApplication.activeWindow(),
                can_continue=self.dialogs_shown < MAX_DIALOGS,
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                self.on_quit()
        except Exception:  # the dialog itself failed: the report is in the log; never recurse
            log.exception("cannot show the crash dialog")
        finally:
            self._showing = False

    def _quit(self) -> None:
        """Close the windows (their closeEvent saves and closes the database), then leave the event loop."""
        self.app.closeAllWindows()
        self.app.exit(70)  # EX_SOFTWARE: the program stopped because of its own bug


def install(app: QApplication, log_folder: Path | None = None) -> CrashHandler:
    """Route uncaught exceptions of `app` to the crash dialog and log; keep the returned handler alive."""
    handler = CrashHandler(app, log_folder).install()
    app.setProperty("contractdesk_crash_handler", True)
    handler.setParent(app)
    return handler
