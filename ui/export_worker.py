"""Exports off the GUI thread: a QRunnable that runs the export op (app.ops.export) and reports by signal.

The worker runs the same op as `contractdesk export`, with the same options object, so the window and the
command line write the same files. `cancel()` is honoured at the exporters' own checkpoints, and a cancelled
or failed export leaves nothing at the target (they write atomically). What the op changed (the revision an
export keeps) is handed back to the GUI thread, which announces it to the views.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, Signal

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _

if TYPE_CHECKING:
    from app.ops.export import ExportOptions
    from app.store.db import Database

log = logging.getLogger(__name__)


class ExportKind(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    JSON = "json"
    DOCX = "docx"  # the packet as an editable Word file
    PREVIEW = "preview"  # PDF bytes for print preview / printing; nothing is written


def _default_options() -> ExportOptions:
    """The export op's defaults, imported when a job is made: the window paints before app.ops.export loads."""
    from app.ops.export import ExportOptions

    return ExportOptions()


@dataclass
class ExportJob:
    """What to export: a contract of a database, and the options of `contractdesk export` (a PREVIEW job
    renders the packet's PDF in memory with `options.font`)."""

    kind: ExportKind
    db: Database
    number: str
    options: ExportOptions = field(default_factory=_default_options)

    @property
    def out(self) -> Any:
        return self.options.outputs()[0] if self.options.outputs() else None


class ExportSignals(QObject):
    progress = Signal(int, int)  # done, total
    finished = Signal(object)  # the written Path, or the PDF bytes of a PREVIEW job
    #: What the export changed (app.ops.Changes): announce it on the GUI thread.
    changed = Signal(object)
    failed = Signal(str)  # a user-facing message
    cancelled = Signal()


class ExportWorker(QRunnable):
    """Run with QThreadPool.globalInstance().start(worker); connect to `worker.signals` first."""

    def __init__(self, job: ExportJob) -> None:
        super().__init__()
        self.job = job
        self.signals = ExportSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)  # the dialog keeps it until the result arrived

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        self.signals.progress.emit(int(done), int(total))

    def run(self) -> None:
        try:
            result = self._export()
        except UserError as exc:
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(str(exc))
            return
        except OSError as exc:
            self.signals.failed.emit(
                str(UserError(_("cannot write the file: {error}").format(error=os_reason(exc)), str(self.job.out or "")))
            )
            return
        except Exception as exc:  # a bug must not kill the worker thread silently
            log.exception("export failed")
            self.signals.failed.emit(_("the export failed unexpectedly: {error}").format(error=exc))
            return
        if self._cancel.is_set():
            self.signals.cancelled.emit()
        else:
            self.signals.finished.emit(result)

    def _export(self) -> Any:
        from app.ops.export import export_packet, render_packet

        job = self.job
        if job.kind is ExportKind.PREVIEW:
            return render_packet(job.db, job.number, job.options, progress=self._progress, cancelled=self.is_cancelled)
        done = export_packet(job.db, job.number, job.options, progress=self._progress, cancelled=self.is_cancelled)
        self.signals.changed.emit(done.changes)
        return done.value.files[0]
