"""Run a slow, Qt-free function off the GUI thread and get its result back on the GUI thread.

For work that needs no database and no widgets (rendering a preview from a Contract already loaded), so the
window keeps painting meanwhile. Exports have their own worker (ui/export_worker.py) with progress and cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)  # the exception


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
