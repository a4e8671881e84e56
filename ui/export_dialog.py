"""Export dialog: format, target file and the packet options (annexes, font, cross-page seal, signing credential).

The export runs on a worker thread (ui.export_worker) with a progress bar; while it runs the Cancel
button cancels the export, and the rest of the window stays usable. Bad input (no file, a missing seal
image or credential) is refused in the dialog, naming the field, before anything starts. The PDF font
choice is remembered in the settings; a Windows font this machine lacks is listed but cannot be chosen.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QThreadPool, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.fileio import file_name_part
from app.base.i18n import _, ngettext
from app.ops.export import ExportOptions
from app.review.obstacles import Obstacle
from app.store.db import Database
from ui import settings as keys
from ui.export_worker import ExportJob, ExportKind, ExportWorker
from ui.i18n import RetranslateMixin
from ui.operations import operations_for
from ui.problem_label import PROBLEM_STYLE

SUFFIXES = {ExportKind.PDF: ".pdf", ExportKind.XLSX: ".xlsx", ExportKind.JSON: ".json", ExportKind.DOCX: ".docx"}
#: The formats the dialog offers, in the order it lists them.
FORMATS = (ExportKind.PDF, ExportKind.XLSX, ExportKind.DOCX, ExportKind.JSON)

#: The PDF font choices (app.codecs.pdf.fonts.FontPreference values) in the order the combo lists them.
FONT_CHOICES = ("auto", "bundled", "simsun", "fangsong", "fangsong_gb2312")
DEFAULT_FONT = "auto"


def installed_font_choices() -> set[str]:
    """The font choices this machine can honour: auto and bundled always, SimSun and FangSong where installed.

    Imports the PDF exporter (ReportLab), so it is asked when an export dialog opens, not at start-up.
    """
    from app.codecs.pdf.fonts import installed_preferences, windows_fonts_folder

    return {p.value for p in installed_preferences(windows_fonts_folder())}


def _filter_for(kind: ExportKind) -> str:
    return {
        ExportKind.PDF: _("PDF files (*.pdf)"),
        ExportKind.XLSX: _("Excel workbooks (*.xlsx)"),
        ExportKind.JSON: _("ContractDesk JSON (*.json)"),
        ExportKind.DOCX: _("Word documents (*.docx)"),
    }[kind]


class PathField(QWidget):
    """A line edit with a Browse… button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.button = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text) if text else None


class ExportDialog(RetranslateMixin, QDialog):
    """Export one contract. `exported(path)` after a successful export; the dialog then closes."""

    exported = Signal(object)
    export_failed = Signal(str)

    def __init__(self, db: Database, number: str, kind: ExportKind = ExportKind.PDF, *,
                 folder: str = "", today: date | None = None, store: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        """`today`: the day the workbook's due dates count from (None: the real date)."""
        super().__init__(parent)
        self.db, self.number, self.today = db, number, today
        self.folder = folder
        self.store = store if store is not None else keys.settings()
        self.installed_fonts = installed_font_choices()
        self.worker: ExportWorker | None = None
        self.guardrail: QDialog | None = None  # the guardrail dialog before a signed packet goes out
        self.last_error = ""

        self.format_combo = QComboBox()
        for k in FORMATS:
            self.format_combo.addItem("", k.value)
        self.target = PathField()
        self.annexes = QCheckBox()
        self.annexes.setChecked(True)
        self.amendments = QCheckBox()
        self.amendments.setObjectName("withAmendments")
        self.review_sheet = QCheckBox()
        self.review_sheet.setObjectName("reviewSheet")
        self.font_combo = QComboBox()
        self.font_combo.setObjectName("pdfFont")
        font_items = self.font_combo.model()
        assert isinstance(font_items, QStandardItemModel)
        for value in FONT_CHOICES:
            self.font_combo.addItem("", value)
            font_items.item(self.font_combo.count() - 1).setEnabled(value in self.installed_fonts)
        self.font_label = QLabel()
        self.font_face = QLabel()  # which faces will print, for the choice made
        self.font_face.setObjectName("pdfFontFace")
        self.font_face.setWordWrap(True)
        self.seal_check = QCheckBox()
        self.seal = PathField()
        self.sign_check = QCheckBox()
        self.credential = PathField()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("exportMessage")
        self.draft_note = QLabel()  # a packet of a contract that has not passed the check says so, and is marked
        self.draft_note.setWordWrap(True)
        self.draft_note.setObjectName("exportDraftNote")
        self.draft_note.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 6px; }")
        self.signed, self.problems = False, list[Obstacle]()  # filled in by retranslate_ui, in the current language
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

        self.form = QFormLayout()
        self.labels = [QLabel() for _i in range(6)]
        rows = (self.format_combo, self.target, self.annexes, self.seal_check, self.seal, self.sign_check)
        for label, field in zip(self.labels, rows, strict=True):
            self.form.addRow(label, field)
        self.credential_label, self.password_label = QLabel(), QLabel()
        self.form.addRow(self.credential_label, self.credential)
        self.form.addRow(self.password_label, self.password)
        self.form.insertRow(3, self.font_label, self.font_combo)  # below Annexes: both shape the packet
        self.form.insertRow(4, "", self.font_face)
        self.form.insertRow(5, QLabel(), self.amendments)
        self.form.insertRow(6, QLabel(), self.review_sheet)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.draft_note)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.format_combo.currentIndexChanged.connect(self._kind_changed)
        self.font_combo.currentIndexChanged.connect(self._show_font_face)
        self.target.button.clicked.connect(self.browse_target)
        self.seal.button.clicked.connect(self.browse_seal)
        self.credential.button.clicked.connect(self.browse_credential)
        self.seal_check.toggled.connect(self._update_enabled)
        self.sign_check.toggled.connect(self._update_enabled)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.cancel_or_close)

        self.retranslate_ui()
        self.set_font_choice(keys.read_text(self.store, keys.EXPORT_PDF_FONT_KEY))
        self.format_combo.setCurrentIndex(self.format_combo.findData(kind.value))
        self._kind_changed()

    # ------------------------------------------------------------------ texts and state

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Export {number}").format(number=self.number))
        names = {ExportKind.PDF: _("PDF packet"), ExportKind.XLSX: _("Excel workbook"), ExportKind.JSON: _("JSON document"),
                 ExportKind.DOCX: _("Word document (.docx)")}
        for i in range(self.format_combo.count()):
            self.format_combo.setItemText(i, names[ExportKind(self.format_combo.itemData(i))])
        texts = (_("&Format:"), _("&Save as:"), _("Annexes:"), _("Cross-page seal:"), _("Seal &image:"), _("Signature:"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.labels[0].setBuddy(self.format_combo)
        self.labels[1].setBuddy(self.target.edit)
        self.labels[4].setBuddy(self.seal.edit)
        self.credential_label.setText(_("&Credential (.p12/.pfx):"))
        self.credential_label.setBuddy(self.credential.edit)
        self.password_label.setText(_("&Passphrase:"))
        self.password_label.setBuddy(self.password)
        for field in (self.target, self.seal, self.credential):
            field.button.setText(_("Browse…"))
        self.annexes.setText(_("Include the annexes"))
        self.amendments.setText(_("Append the amendments (补充协议)"))
        self.review_sheet.setText(_("Add a review sheet with the comments"))
        self.font_label.setText(_("F&ont:"))
        self.font_label.setBuddy(self.font_combo)
        font_names = {
            "auto": _("Automatic"),
            "bundled": _("Bundled font"),
            "simsun": _("SimSun"),
            "fangsong": _("FangSong"),
            "fangsong_gb2312": _("FangSong_GB2312"),
        }
        font_tips = {
            "auto": _("SimSun and SimHei where Windows has them, otherwise the bundled font"),
            "bundled": _("Noto Serif CJK, shipped with ContractDesk: the packet looks the same on every computer"),
            "simsun": _("SimSun for the text, SimHei (where installed) for the headings"),
            "fangsong": _("FangSong for the text, SimHei (where installed) for the headings"),
            "fangsong_gb2312": _("FangSong_GB2312, the usual face of official documents, for the text; SimHei (where "
                                 "installed) for the headings"),
        }
        for i in range(self.font_combo.count()):
            value = self.font_combo.itemData(i)
            self.font_combo.setItemText(i, font_names[value])
            tip = font_tips[value]
            if value not in self.installed_fonts:
                tip = _("{font} is not installed on this computer").format(font=font_names[value])
            self.font_combo.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self._show_font_face()
        self.seal_check.setText(_("Print a seal across the page edges (骑缝章)"))
        self.sign_check.setText(_("Sign digitally with a certificate"))
        self.export_button.setText(_("Export"))
        self.cancel_button.setText(_("Cancel"))
        self.signed, self.problems = self._standing()  # their wording is the current language's
        self._show_draft_note()

    def _standing(self) -> tuple[bool, list]:
        """Whether the contract is signed, and what stands against sending it (app.review.obstacles)."""
        from app.domain import READ_ONLY
        from app.ops.review import obstacles_of
        from app.review.obstacles import Step
        from app.store.states import state_of

        try:
            signed = state_of(self.db, self.number) in READ_ONLY
            return signed, obstacles_of(self.db, self.number, Step.SEND_SIGNED if signed else Step.APPROVE)
        except UserError:
            return False, []

    def _show_draft_note(self) -> None:
        """Before a packet goes out: an unsigned contract with problems goes out marked as a draft; a signed one
        goes out only with a reason (asked on Export)."""
        packet = self.kind() in (ExportKind.PDF, ExportKind.XLSX)
        n = len(self.problems)
        if not (packet and n):
            self.draft_note.hide()
            return
        if self.signed:
            text = ngettext("{n} problem stands against sending this signed packet; you will be asked for the reason "
                            "to send it anyway.", "{n} problems stand against sending this signed packet; you will be "
                            "asked for the reason to send it anyway.", n).format(n=n)
        else:
            text = ngettext("{n} problem stands against approving this contract (see the Check and Review tabs): the "
                            "packet will be marked \"Draft — check not passed\" on every page.",
                            "{n} problems stand against approving this contract (see the Check and Review tabs): the "
                            "packet will be marked \"Draft — check not passed\" on every page.", n).format(n=n)
        self.draft_note.setText(text)
        self.draft_note.setToolTip("\n".join(p.text for p in self.problems))
        self.draft_note.show()

    def kind(self) -> ExportKind:
        return ExportKind(self.format_combo.currentData())

    def font_choice(self) -> str:
        """The chosen PDF font, an app.codecs.pdf.fonts.FontPreference value."""
        return str(self.font_combo.currentData())

    def _show_font_face(self) -> None:
        """Say which faces the chosen font prints in: "Automatic" may well mean the bundled face."""
        from app.base.i18n import language
        from app.codecs.pdf.fonts import FontPreference, choose_fonts, face_name, windows_fonts_folder

        value = self.font_choice()
        try:
            fonts = choose_fonts(FontPreference(value), windows_fonts_folder())
        except UserError:  # not installed (the list was read when the dialog opened): the item says so already
            self.font_face.clear()
            return
        lang = language()
        self.font_face.setText(_("Prints in {body} (text) and {heading} (headings)").format(
            body=face_name(fonts.body, lang), heading=face_name(fonts.heading, lang)))

    def set_font_choice(self, value: str) -> None:
        """Select `value` if this machine has it; anything else (unknown, not installed here) selects Automatic."""
        if value not in self.installed_fonts:
            value = DEFAULT_FONT
        self.font_combo.setCurrentIndex(self.font_combo.findData(value))

    def _kind_changed(self) -> None:
        kind = self.kind()
        current = self.target.path()
        stem = file_name_part(self.number) if self.number else "contract"
        if current is None:
            folder = Path(self.folder) if self.folder else Path.home()
            self.target.edit.setText(str(folder / f"{stem}{SUFFIXES[kind]}"))
        elif current.suffix.lower() in SUFFIXES.values():
            self.target.edit.setText(str(current.with_suffix(SUFFIXES[kind])))
        self._update_enabled()
        self._show_draft_note()

    def _update_enabled(self) -> None:
        kind, running = self.kind(), self.worker is not None
        for widget in (self.format_combo, self.target):
            widget.setEnabled(not running)
        is_pdf = kind is ExportKind.PDF
        self.annexes.setEnabled(is_pdf and not running)
        self.amendments.setEnabled(is_pdf and not running)
        self.review_sheet.setEnabled(kind is ExportKind.XLSX and not running)
        self.font_combo.setEnabled(is_pdf and not running)
        self.font_face.setVisible(is_pdf)
        self.seal_check.setEnabled(is_pdf and not running)
        self.seal.setEnabled(is_pdf and self.seal_check.isChecked() and not running)
        can_sign = kind in (ExportKind.PDF, ExportKind.XLSX)
        self.sign_check.setEnabled(can_sign and not running)
        signing = can_sign and self.sign_check.isChecked() and not running
        self.credential.setEnabled(signing)
        self.password.setEnabled(signing)
        self.export_button.setEnabled(not running)

    # ------------------------------------------------------------------ file pickers

    def browse_target(self) -> None:
        kind = self.kind()
        chosen, _selected = QFileDialog.getSaveFileName(self, _("Export to"), self.target.edit.text(), _filter_for(kind))
        if chosen:
            path = Path(chosen)
            if path.suffix.lower() != SUFFIXES[kind]:
                path = path.with_name(path.name + SUFFIXES[kind])
            self.target.edit.setText(str(path))

    def browse_seal(self) -> None:
        chosen, _selected = QFileDialog.getOpenFileName(self, _("Seal image"), "", _("Images (*.png *.jpg *.jpeg)"))
        if chosen:
            self.seal.edit.setText(chosen)
            self.seal_check.setChecked(True)

    def browse_credential(self) -> None:
        chosen, _selected = QFileDialog.getOpenFileName(
            self, _("Signing credential"), "", _("PKCS#12 certificates (*.p12 *.pfx)")
        )
        if chosen:
            self.credential.edit.setText(chosen)
            self.sign_check.setChecked(True)

    # ------------------------------------------------------------------ running

    def job(self) -> ExportJob:
        """The export as the dialog describes it; UserError naming the field when something is missing."""
        kind = self.kind()
        out = self.target.path()
        if out is None:
            raise UserError(_("choose the file to write"), _("Save as"))
        from app.store.output_targets import check_name

        check_name(out, _("Save as"))  # is_dir() of a name over 255 bytes would raise, not answer
        if out.is_dir():
            raise UserError(_("is a folder, not a file"), str(out))
        if not out.parent.is_dir():
            raise UserError(_("the folder does not exist"), str(out.parent))
        seal = None
        if kind is ExportKind.PDF and self.seal_check.isChecked():
            seal = self.seal.path()
            if seal is None or not seal.is_file():
                raise UserError(_("choose an existing seal image"), _("Seal image"))
        font = self.font_choice()
        if kind is ExportKind.PDF and font not in self.installed_fonts:
            raise UserError(_("{font} is not installed on this computer").format(font=self.font_combo.currentText()),
                            _("Font"))
        credential = None
        if kind in (ExportKind.PDF, ExportKind.XLSX) and self.sign_check.isChecked():
            credential = self.credential.path()
            if credential is None or not credential.is_file():
                raise UserError(_("choose an existing .p12/.pfx file"), _("Credential"))
        options = ExportOptions(
            annexes=self.annexes.isChecked(),
            font=font,
            cross_page_seal=seal,
            sign_with=credential,
            password=self.password.text().encode("utf-8"),
            with_amendments=kind is ExportKind.PDF and self.amendments.isChecked(),
            review_sheet=kind is ExportKind.XLSX and self.review_sheet.isChecked(),
            today=self.today,
        )
        setattr(options, kind.value, out)  # the target is the output of the chosen format
        options.labels[kind.value] = _("Save as")
        return ExportJob(kind, self.db, self.number, options)

    def _may_replace(self, path: Path) -> bool:
        """A file already at the target (a packet sent last week, signed and sealed) is replaced only if the clerk
        says so; Browse… asks by itself, a name typed or suggested did not."""
        answer = QMessageBox.question(self, _("Replace the file?"),
                                      _("{file} already exists. Replace it with this export?").format(file=path),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def start(self, despite: str | None = None) -> None:
        """Validate and start the export on the thread pool (the dialog stays open with a progress bar). A packet
        of a signed contract with problems first asks for the reason to send it (`despite`)."""
        if self.worker is not None:
            return
        try:
            job = self.job()
        except UserError as exc:
            self._show_error(str(exc))
            return
        if despite is None and job.out is not None and Path(job.out).exists() and not self._may_replace(Path(job.out)):
            return
        if job.kind in (ExportKind.PDF, ExportKind.XLSX) and self.signed and self.problems and despite is None:
            from app.review.obstacles import Step
            from ui.guardrail_dialog import ask_despite

            self.guardrail = ask_despite(self, Step.SEND_SIGNED, self.problems, self.start)
            return
        job.options.despite = despite
        if job.kind is ExportKind.PDF:
            self.store.setValue(keys.EXPORT_PDF_FONT_KEY, job.options.font)
        self.message.setStyleSheet("")
        self.message.setText(_("Exporting…"))
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.worker = ExportWorker(job)
        self.worker.signals.progress.connect(self._on_progress)
        self.worker.signals.changed.connect(operations_for(self.db).announce)
        self.worker.signals.finished.connect(self._on_finished)
        self.worker.signals.failed.connect(self._on_failed)
        self.worker.signals.cancelled.connect(self._on_cancelled)
        self._update_enabled()
        QThreadPool.globalInstance().start(self.worker)

    def cancel_or_close(self) -> None:
        self.reject()

    def reject(self) -> None:
        """Cancel (and Escape) stop a running export first; the dialog closes once nothing runs."""
        if self.worker is not None:
            self.worker.cancel()
            self.message.setText(_("Cancelling…"))
            self.cancel_button.setEnabled(False)
            return
        super().reject()

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _finish(self) -> None:
        self.worker = None
        self.progress.setVisible(False)
        self.cancel_button.setEnabled(True)
        self._update_enabled()

    def _on_finished(self, path) -> None:
        self._finish()
        self.message.setText(_("Saved {file}").format(file=Path(path).name))
        self.exported.emit(path)
        self.accept()

    def _on_failed(self, message: str) -> None:
        self._finish()
        self._show_error(message)
        self.export_failed.emit(message)

    def _on_cancelled(self) -> None:
        self._finish()
        self.message.setText(_("The export was cancelled; nothing was written."))

    def _show_error(self, message: str) -> None:
        self.last_error = message
        self.message.setText(message)
        self.message.setStyleSheet(PROBLEM_STYLE)

    def closeEvent(self, event) -> None:
        if self.worker is not None:  # never orphan a running export: cancel it first
            self.worker.cancel()
            event.ignore()
            return
        super().closeEvent(event)
