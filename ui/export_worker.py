"""Exports off the GUI thread: a QRunnable that writes the PDF, Excel or JSON packet and reports by signal.

The contract (and its schedule) are read on the GUI thread before the job starts, so the worker
touches no database; it only lays out and writes. `cancel()` is honoured at the exporters' own
checkpoints, and a cancelled or failed export leaves nothing at the target (they write atomically).
ReportLab, openpyxl and pyHanko are imported here, on first export, never at start-up.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from app.domain import Contract
from app.errors import UserError
from app.fileio import os_reason
from app.i18n import _

log = logging.getLogger(__name__)


class ExportKind(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    JSON = "json"
    PREVIEW = "preview"  # PDF bytes for print preview / printing; nothing is written


@dataclass
class ExportJob:
    """What to export where, with the options of the PDF and Excel exports."""

    kind: ExportKind
    contract: Contract
    out: Path | None = None
    annexes: bool = True
    cross_page_seal: Path | None = None
    sign_with: Path | None = None
    password: str = ""
    schedule: Any = None  # app.schedule.Schedule for the Excel due dates
    #: An app.export.pdf.fonts.FontPreference value (a str, so this module does not import ReportLab).
    font_preference: str = "auto"
    #: The open database file (None for a server): an export is never written onto it or its journals.
    database: Path | None = None


class ExportSignals(QObject):
    progress = Signal(int, int)  # done, total
    finished = Signal(object)  # the written Path, or the PDF bytes of a PREVIEW job
    failed = Signal(str)  # a user-facing message
    cancelled = Signal()


_password_lock = threading.Lock()


@contextmanager
def _credential_password(password: str, needed: bool) -> Iterator[None]:
    """Hand the dialog's passphrase to app.signing (which reads CONTRACTDESK_P12_PASSWORD) for one export.

    Serialised by a lock and restored afterwards, so no other export sees it and it does not outlive the job.
    """
    if not needed:
        yield
        return
    from app.signing.credentials import PASSWORD_VARIABLE

    with _password_lock:
        before = os.environ.get(PASSWORD_VARIABLE)
        os.environ[PASSWORD_VARIABLE] = password
        try:
            yield
        finally:
            if before is None:
                os.environ.pop(PASSWORD_VARIABLE, None)
            else:
                os.environ[PASSWORD_VARIABLE] = before


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
        job = self.job
        if job.kind is not ExportKind.PREVIEW:
            from app.output_targets import check_output_targets

            signature = Path(f"{job.out}.p7s") if job.kind is ExportKind.XLSX and job.sign_with else None
            check_output_targets({_("Save as"): job.out, str(signature): signature}, job.database)
        if job.kind is ExportKind.JSON:
            from app.fileio import atomic_write_text
            from app.interchange.json_codec import dumps

            self._progress(0, 1)
            assert job.out is not None
            atomic_write_text(job.out, dumps(job.contract))
            self._progress(1, 1)
            return job.out
        if job.kind is ExportKind.XLSX:
            from app.export.xlsx import XlsxOptions, export_xlsx

            assert job.out is not None
            options = XlsxOptions(
                sign_with=job.sign_with, schedule=job.schedule, progress=self._progress, cancelled=self.is_cancelled
            )
            with _credential_password(job.password, job.sign_with is not None):
                export_xlsx(job.contract, job.out, options)
            return job.out
        from app.export.pdf import FontPreference, PdfOptions, export_pdf, render_pdf

        pdf_options = PdfOptions(
            annexes=job.annexes,
            cross_page_seal=job.cross_page_seal,
            sign_with=job.sign_with if job.kind is ExportKind.PDF else None,
            font_preference=FontPreference(job.font_preference),
            progress=self._progress,
            cancelled=self.is_cancelled,
        )
        if job.kind is ExportKind.PREVIEW:
            return render_pdf(job.contract, pdf_options)
        assert job.out is not None
        with _credential_password(job.password, job.sign_with is not None):
            export_pdf(job.contract, job.out, pdf_options)
        return job.out
