"""Reading a contract text off the GUI thread: read the file, recognise the contract, check its arithmetic.

Each of the three steps is reported as it starts, so the dialog can say what a large file is waiting for;
`cancel()` is honoured between steps (a step itself is bounded in time and memory by app.codecs.intake). Nothing here
stores anything: the dialog stores only what the clerk accepts.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Signal

from app.base.errors import UserError
from app.base.i18n import N_, _

if TYPE_CHECKING:
    from app.codecs.intake import ArithmeticReport, IntakeResult

log = logging.getLogger(__name__)

#: What each step does, in order (translated when shown).
STEPS = (N_("reading the file"), N_("recognising the contract"), N_("checking the arithmetic"))

#: Workers still running; a cancelled dialog may be gone before its worker finishes, which must stay alive.
_running: set[IntakeWorker] = set()


@dataclass
class IntakeReading:
    """What was read from one file: the recognition, the arithmetic review and the file's SHA-256."""

    path: Path
    digest: str
    result: IntakeResult
    report: ArithmeticReport
    source: bytes = b""  # the file as read, kept with the contract when it is stored


class IntakeSignals(QObject):
    step = Signal(int)  # the step (index into STEPS) now running
    finished = Signal(object)  # IntakeReading
    failed = Signal(str)  # one line for the clerk
    cancelled = Signal()


class IntakeWorker(QRunnable):
    """Run with QThreadPool.globalInstance().start(worker); connect to `worker.signals` first."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.signals = IntakeSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)
        _running.add(self)

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            reading = self._read()
        except UserError as exc:
            self.signals.failed.emit(str(exc))
        except MemoryError:
            self.signals.failed.emit(str(UserError(_("the file is too large to read"), self.path.name)))
        except Exception as exc:  # a bug must not kill the thread silently nor show a traceback
            log.exception("intake of %s failed", self.path)
            self.signals.failed.emit(str(UserError(_("the file could not be read ({error})").format(
                error=type(exc).__name__), self.path.name)))
        else:
            if reading is None:
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(reading)
        finally:
            _running.discard(self)

    def _read(self) -> IntakeReading | None:
        from app.codecs.intake import read_document, recognise, review

        self.signals.step.emit(0)
        doc = read_document(self.path)  # refuses what is too large or not a contract text before reading much
        from app.ops.intake import read_source

        source, digest = read_source(self.path)
        if self._cancel.is_set():
            return None
        self.signals.step.emit(1)
        result = recognise(doc)
        if self._cancel.is_set():
            return None
        self.signals.step.emit(2)
        report = review(result)
        result.ensure_number(digest)
        if self._cancel.is_set():
            return None
        return IntakeReading(self.path, digest, result, report, source)
