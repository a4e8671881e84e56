"""`contractdesk gui`: start the desktop app.

Start-up time (`--exit-after-paint` prints ``painted_ms=<ms>``) is measured from the process's own start
time as the operating system records it (GetProcessTimes on Windows, /proc on Linux, psutil elsewhere);
where none answers, from the moment this module was imported (STARTED below), which leaves out the
interpreter's start and the CLI's parsing.
ReportLab, openpyxl, pyHanko and PDFium are imported only when exporting or printing.
"""

from __future__ import annotations

import functools
import time

STARTED = time.perf_counter()  # fallback origin of painted_ms; keep this the first statement that runs

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import QObject, QTimer  # noqa: E402
from PySide6.QtGui import QFontDatabase, QIcon  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleFactory  # noqa: E402

from app.base.i18n import _  # noqa: E402
from ui import settings as keys  # noqa: E402


def _process_age_seconds() -> float | None:
    """Seconds since the operating system started this process, or None when it cannot say."""
    try:
        if sys.platform == "win32":
            import ctypes
            from ctypes import wintypes

            created, exited, kernel, user, now = (wintypes.FILETIME() for _i in range(5))
            k32 = ctypes.windll.kernel32
            if not k32.GetProcessTimes(k32.GetCurrentProcess(), ctypes.byref(created), ctypes.byref(exited),
                                       ctypes.byref(kernel), ctypes.byref(user)):
                return None
            k32.GetSystemTimeAsFileTime(ctypes.byref(now))

            def ticks(ft) -> int:
                return (ft.dwHighDateTime << 32) | ft.dwLowDateTime

            return (ticks(now) - ticks(created)) / 1e7
        if sys.platform.startswith("linux"):
            import os

            stat = Path("/proc/self/stat").read_text()
            start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
        import psutil

        return time.time() - psutil.Process().create_time()
    except (ImportError, OSError, ValueError, IndexError, AttributeError):
        return None


def elapsed_ms() -> float:
    """Milliseconds since the process started (see the module docstring)."""
    age = _process_age_seconds()
    if age is None or age <= 0:
        age = time.perf_counter() - STARTED
    return age * 1000


class _FirstPaint(QObject):
    """Prints painted_ms as the window's first paint begins, ready_ms once an edit no longer waits for the store, and
    quits (for start-up measurements)."""

    def __init__(self, app: QApplication, *, ready: bool) -> None:
        super().__init__()
        self.app, self.done, self.ready = app, False, ready

    def painted(self) -> None:
        if not self.done:
            self.done = True
            _say(f"painted_ms={elapsed_ms():.0f}")
            if self.ready:
                self.now_ready()

    def now_ready(self) -> None:
        self.ready = True
        if self.done:
            _say(f"ready_ms={elapsed_ms():.0f}")
            QTimer.singleShot(0, self.app.quit)


def _say(line: str) -> None:
    """One line of the start-up measurement; a reader that has stopped reading (a closed pipe) must not keep the
    window from quitting."""
    try:
        print(line, flush=True)
    except (OSError, ValueError):
        pass


def make_application() -> QApplication:
    """The QApplication with its names (for QSettings), icon and style."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(keys.ORGANIZATION)
    app.setApplicationName(keys.APPLICATION)
    app.setApplicationDisplayName("ContractDesk")
    from app.base.resources import resource

    app.setWindowIcon(QIcon(str(resource("icons", "contractdesk.png"))))
    ensure_chinese_font()
    # The platform's own style on Windows and macOS; Fusion where Qt only has its bare fallback styles.
    if app.style().name().lower() in ("windows", "") and "windowsvista" not in [k.lower() for k in QStyleFactory.keys()]:
        app.setStyle("Fusion")
    return app


@functools.cache
def ensure_chinese_font() -> None:
    """Windows always has a Chinese UI font; a bare Linux desktop may have none, and Qt would draw boxes (tofu).
    Then the bundled Song face (the PDF body font) is registered so that Qt's font fallback finds it."""
    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return
    from app.base.resources import bundled_font

    QFontDatabase.addApplicationFont(str(bundled_font()))


def database_target(args, store) -> str:
    """--db, else the database used last, else the default one in the data folder."""
    if getattr(args, "db", None):
        return str(args.db)
    from app.base.paths import DATABASE_NAME, roaming_data_dir
    from app.store.location import default_database

    last = keys.read_text(store, keys.LAST_DATABASE_KEY)
    old = roaming_data_dir()
    if last and old is not None and "://" not in last and _same_file(Path(last), old / DATABASE_NAME):
        moved = str(default_database())  # the database leaves the roaming profile (app.store.relocate), once
        store.setValue(keys.LAST_DATABASE_KEY, moved)
        return moved
    if last and ("://" in last or Path(last).exists()):
        return last
    return str(default_database())


def _same_file(a: Path, b: Path) -> bool:
    """Windows paths compare without case (settings may hold C:\\Users\\… as typed once)."""
    return str(a).casefold() == str(b).casefold()


def missing_last_database(args, store) -> str | None:
    """The database file used last when it is gone and no --db was given: the clerk must be told, or new
    contracts would go into the default database while theirs sits on an unmapped network drive."""
    if getattr(args, "db", None):
        return None
    last = keys.read_text(store, keys.LAST_DATABASE_KEY)
    if last and "://" not in last and not Path(last).exists():
        return last
    return None


def _open_store(args, target: str):
    """Open `target`; on a damaged, foreign or newer file explain it and offer the latest good backup.
    Returns (database, target) or None when nothing could be opened."""
    from app.ops.first_run import open_store
    from app.store.db import DatabaseProblem
    from ui.database_problem_dialog import offer_restore

    try:
        return open_store(target), target
    except DatabaseProblem as problem:
        restored = offer_restore(None, problem)
        if restored is not None:
            return restored, target
    from app.store.location import default_database

    fallback = str(default_database())
    if getattr(args, "db", None) or target == fallback:
        return None
    try:  # the database used last is gone or broken: start on the default one instead
        return open_store(fallback), fallback
    except DatabaseProblem as again:
        QMessageBox.critical(None, _("ContractDesk cannot open the database"), str(again))
        return None


def _pending_store(target: str):
    """The database as a ui.first_paint.PendingDatabase (painted from a quick read, opened after the paint), or
    None when it must be opened before the window is built (PostgreSQL, an encrypted, older or newer file)."""
    from app.store.migrations import HEAD_REVISION
    from ui.contract_list_model import PAGE_SIZE
    from ui.first_paint import pending_database

    def opener():
        from app.ops.first_run import open_store

        return open_store(target)

    return pending_database(target, HEAD_REVISION, page_size=PAGE_SIZE, opener=opener)


def _tell_about_a_move(parent) -> None:
    """Once: the database was moved out of the roaming profile (app.store.relocate) by this start or an earlier one."""
    from app.base.paths import data_dir
    from app.store.relocate import take_notice

    try:
        notice = take_notice(data_dir())
    except OSError:
        return
    if notice:
        QTimer.singleShot(0, lambda: QMessageBox.information(parent, _("Your contracts were moved"), notice))


def run(args) -> int:
    """Show the main window on the database and contract the user had last (the sample on first launch)."""
    from app.base import collector
    from app.base.logs import setup_logging

    collector.window_starting()  # no cycle collection until the window is ready (see app/base/collector.py)
    app = make_application()
    from ui.crash_handler import install as install_crash_handler

    try:
        setup_logging()
    except OSError as exc:  # the data folder cannot be created or written: say so instead of vanishing
        from app.base.fileio import os_reason

        QMessageBox.critical(None, _("ContractDesk cannot use its data folder"),
                             _("{folder}: {error}").format(folder=exc.filename or "", error=os_reason(exc)))
        return 2
    crash = install_crash_handler(app)
    store = keys.settings()
    try:
        from ui.i18n import apply_startup_language

        apply_startup_language(app, getattr(args, "lang", None), store)
    except ImportError:
        pass
    from app.base.errors import UserError
    from app.store.location import network_share_warning
    from app.store.lock import acquire_for

    target = database_target(args, store)
    try:  # one desktop per database file: a second one is told who has it open
        lock = acquire_for(target)
    except UserError as exc:
        QMessageBox.critical(None, _("ContractDesk cannot open the database"), str(exc))
        crash.uninstall()
        return 2
    pending = _pending_store(target)  # the first paint reads the file itself; the store opens right after it
    opened = (pending, target) if pending is not None else _open_store(args, target)
    if opened is None:
        if lock:
            lock.release()
        crash.uninstall()
        return 2
    db, opened_target = opened
    if opened_target != target:  # fell back to the default database: the lock must follow
        if lock:
            lock.release()
        try:
            lock = acquire_for(opened_target)
        except UserError as exc:
            db.close()
            QMessageBox.critical(None, _("ContractDesk cannot open the database"), str(exc))
            crash.uninstall()
            return 2
        target = opened_target
    warning = network_share_warning(target)
    if warning and not getattr(args, "exit_after_paint", False):
        QMessageBox.warning(None, _("Database on a network share"), warning)
    missing = missing_last_database(args, store)
    if missing and not getattr(args, "exit_after_paint", False):
        QMessageBox.warning(None, _("The database used last is not there"), _(
            "{file} cannot be found (a network drive that is not connected, a USB stick that is not plugged in?). "
            "ContractDesk opened {default} instead; use File → Open database… once the file is back."
        ).format(file=missing, default=target))

    from ui.background import finish_background_calls
    from ui.main_window import MainWindow

    window = MainWindow(db, target, store=store, defer_checks=True)
    if not getattr(args, "exit_after_paint", False):
        _tell_about_a_move(window)
    window.database_lock = lock
    watcher = None
    if getattr(args, "exit_after_paint", False):
        watcher = _FirstPaint(app, ready=pending is None)
        window.first_painted.connect(watcher.painted)
        watcher.setParent(window)  # kept alive as long as the window
    if pending is not None:
        from ui.first_paint import open_after_paint

        open_after_paint(window, pending, then=watcher.now_ready if watcher is not None else None)
    else:
        collector.started()  # the store is open: the start is over
    window.show()
    code = app.exec()
    collector.started()  # in case the window closed before it was ready
    finish_background_calls()  # the reminders may still be reading the store
    window.db.close()
    if window.database_lock:
        window.database_lock.release()
    crash.uninstall()
    return int(code)
