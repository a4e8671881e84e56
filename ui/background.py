"""Run a slow, Qt-free function off the GUI thread and get its result back on the GUI thread.

For work that needs no widgets (rendering a preview, reading a workbook, the reminders), so the window keeps painting
meanwhile; `ProgressCall` also reports progress and can be cancelled. Exports have their own worker
(ui/export_worker.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)  # the exception
    progress = Signal(int, int)  # done, total (ProgressCall)


class Cancelled(Exception):
    """A ProgressCall stopped because the clerk cancelled it (raised from its progress report)."""


class BackgroundCall(QRunnable):
    """`fn()` in the global thread pool; `signals.done(result)` or `signals.failed(exception)` on the GUI thread."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()  # created on the GUI thread: connected slots run there
        self.setAutoDelete(False)  # the caller keeps it until the result arrived

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to the GUI thread, which decides what the user sees
            self._hand_over("failed", exc)
        else:
            self._hand_over("done", result)

    def _hand_over(self, signal: str, value: object) -> None:
        try:
            getattr(self.signals, signal).emit(value)
        except RuntimeError:  # the program closed while this ran: its signals are gone and nobody waits for it
            pass


class ProgressCall(BackgroundCall):
    """`fn(progress)` in the pool. `progress(done, total)` reaches `signals.progress` on the GUI thread; once
    `cancel()` was called it raises Cancelled instead, which ends `fn`. A call cancelled before it ended arrives at
    `signals.failed` as Cancelled, even if `fn` finished meanwhile: nothing is done with its result."""

    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__(lambda: fn(self._progress))
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self._hand_over_progress(done, total)

    def _hand_over(self, signal: str, value: object) -> None:
        if self._cancel.is_set():  # however `fn` reported the stop (a reader may wrap it), or if it finished anyway
            signal, value = "failed", Cancelled()
        super()._hand_over(signal, value)

    def _hand_over_progress(self, done: int, total: int) -> None:
        try:
            self.signals.progress.emit(int(done), int(total))
        except RuntimeError:  # the program closed while this ran
            raise Cancelled from None


def run_in_background(fn: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[Exception], None]) -> BackgroundCall:
    """Start `fn` in the pool; keep the returned call alive until `done` or `failed` ran."""
    call = BackgroundCall(fn)
    call.signals.done.connect(done)
    call.signals.failed.connect(failed)
    QThreadPool.globalInstance().start(call)
    return call


def finish_background_calls(timeout_ms: int = 5000) -> None:
    """Wait (at most `timeout_ms`) for the calls running in the pool: before a store one of them reads is closed. A
    read still running on a closed store opens a connection nobody closes (on Windows, a handle on the old file)."""
    QThreadPool.globalInstance().waitForDone(timeout_ms)
