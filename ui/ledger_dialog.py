"""File → Contract ledger…: the 合同台账 across all contracts, filtered by year, state and counterparty, written as an
Excel workbook and/or a PDF (app.ops.archive.export_ledger, off the GUI thread)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import _, ngettext
from app.rules.lifecycle.steps import Stage
from app.store.db import Database
from ui.background import BackgroundCall, run_in_background
from ui.problem_label import PROBLEM_STYLE
from ui.value_combo import ValueCombo


class _Target(QWidget):
    """A checkbox saying whether to write one kind of file, and where."""

    def __init__(self, label: str, default: str, pattern: str) -> None:
        super().__init__()
        self.pattern = pattern
        self.enabled = QCheckBox(label)
        self.enabled.setChecked(True)
        self.enabled.setAccessibleName(label)
        self.path = QLineEdit(default)
        self.path.setAccessibleName(_("{what}: file").format(what=label))
        browse = QPushButton(_("Choose…"))
        browse.setAccessibleName(_("Choose where to save: {what}").format(what=label))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.enabled)
        row.addWidget(self.path, 1)
        row.addWidget(browse)

    def _browse(self) -> None:
        path, _selected = QFileDialog.getSaveFileName(self, _("Save the ledger"), self.path.text(), self.pattern)
        if path:
            self.path.setText(path)

    def value(self) -> Path | None:
        return Path(self.path.text()) if self.enabled.isChecked() and self.path.text().strip() else None


class LedgerDialog(QDialog):
    written = Signal(list)

    def __init__(self, db: Database, folder: str = "", today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.setWindowTitle(_("Contract ledger"))
        self._call: BackgroundCall | None = None
        form = QFormLayout()
        self.year = ValueCombo()
        self.year.setAccessibleName(_("Year"))
        self.year.add_value(_("every year"), None)
        for year in range(self.today.year, self.today.year - 10, -1):
            self.year.add_value(str(year), year)
        form.addRow(_("Year (signed, else drafted):"), self.year)
        self.state = ValueCombo()
        self.state.setAccessibleName(_("Stage"))
        self.state.add_value(_("every stage"), None)
        for stage in Stage:
            self.state.add_value(stage.label, stage)
        form.addRow(_("Stage:"), self.state)  # the office's steps (办理阶段), not the list's 状态
        self.counterparty = QLineEdit()
        self.counterparty.setAccessibleName(_("Counterparty"))
        self.counterparty.setPlaceholderText(_("any part of the name"))
        form.addRow(_("Counterparty:"), self.counterparty)
        base = Path(folder or Path.home()) / _("contract-ledger")
        self.xlsx = _Target(_("Excel workbook"), str(base.with_suffix(".xlsx")), _("Excel workbooks (*.xlsx)"))
        self.pdf = _Target(_("PDF"), str(base.with_suffix(".pdf")), _("PDF files (*.pdf)"))
        form.addRow(self.xlsx)
        form.addRow(self.pdf)
        self.message = QLabel()
        self.message.setObjectName("ledgerMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Write the ledger"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, 260)

    def start(self) -> None:
        """Write the chosen files off the GUI thread; the dialog says what was written or what is wrong."""
        from app.ops.archive import export_ledger

        if self._call is not None:
            return
        xlsx, pdf = self.xlsx.value(), self.pdf.value()
        if xlsx is None and pdf is None:  # said here in the dialog's words, not the command line's
            self.message.setStyleSheet(PROBLEM_STYLE)
            self.message.setText(_("Tick the Excel workbook, the PDF or both: nothing else can be written"))
            return
        year, stage, counterparty = self.year.value(), self.state.value(), self.counterparty.text()
        db, today = self.db, self.today
        self.message.setStyleSheet("")
        self.message.setText(_("Writing the ledger…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)

        def work():
            return export_ledger(db, xlsx=xlsx, pdf=pdf, year=year, stage=stage, counterparty=counterparty,
                                 today=today).value

        self._call = run_in_background(work, self._done, self._failed)

    def _done(self, result) -> None:
        self._call = None
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        files = ", ".join(str(p) for p in result.written)
        self.message.setText(ngettext("{n} contract written to {files}", "{n} contracts written to {files}",
                                      result.rows).format(n=result.rows, files=files))
        self.written.emit(result.written)

    def _failed(self, exc: Exception) -> None:
        self._call = None
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        self.message.setStyleSheet(PROBLEM_STYLE)
        self.message.setText(str(exc) if isinstance(exc, UserError) else
                             _("The ledger could not be written: {error}").format(error=exc))
