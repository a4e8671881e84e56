"""The office's settings in one dialog (Edit → Office settings…): which side the office signs on, who approves at
which amount, major contracts, the review and filing periods, the offices filed with, the files the archive wants
per kind of contract, and the certificates the office trusts. Export… and Import… move them as one file, so
every desk of an office shares them.

What is typed is checked exactly as a settings file is (app.codecs.office_settings: the widgets' values become the
file's document and are read back strictly), so the dialog and the file refuse the same things with the same
words; a refusal names the field and nothing is saved.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import _
from app.codecs.office_settings import loads, settings_to_dict
from app.domain.kinds import AttachmentKind, ContractKind
from app.rules.office import (
    DEFAULT_KIND,
    MAX_PERIOD,
    SETTINGS_FILE_NAME,
    SETTINGS_FORMAT,
    Approver,
    OfficeSettings,
    Period,
    PeriodUnit,
    TrustedCertificate,
)
from app.store.db import Database
from app.values.money import format_amount
from ui.operations import operations_for
from ui.problem_label import problem_label
from ui.value_combo import ValueCombo


def unit_label(unit: PeriodUnit) -> str:
    return _("working days") if unit is PeriodUnit.WORKING_DAYS else _("calendar days")


def field_label(where: str) -> str:
    """The dialog's name for a field a refusal names ("approval[1].from" → "Approval level 2: from")."""
    level = re.fullmatch(r"approval\[(\d+)\]\.(\w+)", where)
    if level:
        n = int(level.group(1)) + 1
        return {"from": _("Approval level {n}: from (¥)"), "approver": _("Approval level {n}: approver")}.get(
            level.group(2), _("Approval level {n}")).format(n=n)
    names = {"format": _("Settings file"), "office": _("Office"), "our_party": _("Our side"),
             "major.from": _("Major contracts from (¥)"),
             "review_period.count": _("Review period"), "filing_period.count": _("Filing period"),
             "major.filing_period.count": _("Filing period of major contracts")}
    if where.startswith("filing_offices"):
        return _("Offices to file with")
    if where.startswith("archive_items"):
        return _("Files for the archive")
    if where.startswith("trusted_certificates"):
        return _("Trusted certificates")
    return names.get(where, where)


class _Period(QWidget):
    def __init__(self, name: str, period: Period | None) -> None:
        super().__init__()
        self.count = QSpinBox()
        self.count.setRange(1, MAX_PERIOD)
        self.count.setAccessibleName(name)
        self.unit = ValueCombo()
        self.unit.setAccessibleName(_("{name}: unit").format(name=name))
        for unit in PeriodUnit:
            self.unit.add_value(unit_label(unit), unit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.count)
        row.addWidget(self.unit)
        row.addStretch(1)
        self.set(period or Period(5))

    def set(self, period: Period) -> None:
        self.count.setValue(period.count)
        self.unit.set_value(period.unit)

    def value(self) -> dict:
        return {"count": self.count.value(), "unit": self.unit.value().value}


def _approver_combo(name: str, current: Approver) -> ValueCombo:
    combo = ValueCombo()
    combo.setAccessibleName(name)
    for approver in Approver:
        combo.add_value(approver.label, approver)
    combo.set_value(current)
    return combo


class OfficeSettingsDialog(QDialog):
    """Edit, import and export the office's settings; Save keeps them (every contract's steps follow)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        from app.store.lifecycle import stored_settings

        super().__init__(parent)
        self.db = db
        self.operations = operations_for(db)
        self.setWindowTitle(_("Office settings"))
        stored = stored_settings(db)
        self.tabs = QTabWidget()
        self._build_rules()
        self._build_archive()
        self._build_certificates()
        self.saved_note = QLabel()
        self.saved_note.setWordWrap(True)
        if stored.updated_at:
            from app.base.clock import local_time

            self.saved_note.setText(_("Last saved {time} by {user}").format(time=local_time(stored.updated_at),
                                                                            user=stored.updated_by or "—"))
        else:
            self.saved_note.setText(_("Not saved yet: the usual rules apply until the office's own are saved."))
        self.error = problem_label()
        self.import_button = QPushButton(_("Import…"))
        self.export_button = QPushButton(_("Export…"))
        self.import_button.setToolTip(_("Take the settings from a file another desk exported"))
        self.export_button.setToolTip(_("Write these settings to a file for the other desks"))
        for button in (self.import_button, self.export_button):
            button.setAccessibleName(button.text().rstrip("…"))
        self.import_button.clicked.connect(lambda: self.import_file())
        self.export_button.clicked.connect(lambda: self.export_file())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.saved_note)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.show_settings(stored.settings)
        self.shown = stored.settings  # what Cancel compares with, so that it asks before dropping changes
        self.resize(760, 600)

    # ------------------------------------------------------------------ building

    def _build_rules(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.office = QLineEdit()
        self.office.setAccessibleName(_("Office"))
        form.addRow(_("Office:"), self.office)
        self.our_party = ValueCombo()
        self.our_party.setAccessibleName(_("Our side"))
        self.our_party.add_value(_("Party A (甲方)"), "a")
        self.our_party.add_value(_("Party B (乙方)"), "b")
        form.addRow(_("Our side in contracts:"), self.our_party)
        self.levels = QTableWidget(0, 3)
        self.levels.setObjectName("approvalLevels")
        self.levels.setAccessibleName(_("Approval levels"))
        self.levels.setHorizontalHeaderLabels([_("From (¥)"), _("Approver"), _("Office's own name")])
        self.levels.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.levels.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.levels.setMinimumHeight(120)
        add, remove = QPushButton(_("Add level")), QPushButton(_("Remove level"))
        add.setAccessibleName(_("Add level"))
        remove.setAccessibleName(_("Remove level"))
        add.clicked.connect(lambda: self._add_level("", Approver.LEADER_IN_CHARGE, ""))
        remove.clicked.connect(self._remove_level)
        level_box = QWidget()
        box = QVBoxLayout(level_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.levels)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        box.addLayout(row)
        form.addRow(_("Approval by amount:"), level_box)
        major = QGroupBox(_("Major contracts (重大合同)"))
        major_form = QFormLayout(major)
        self.major_from = QLineEdit()
        self.major_from.setAccessibleName(_("Major contracts from (¥)"))
        self.major_from.setPlaceholderText(_("empty: only contracts marked major"))
        major_form.addRow(_("From (¥):"), self.major_from)
        self.major_approver = _approver_combo(_("Approver of major contracts"), Approver.EXECUTIVE_MEETING)
        major_form.addRow(_("Approver:"), self.major_approver)
        self.major_title = QLineEdit()
        self.major_title.setAccessibleName(_("Office's own name of the major approver"))
        major_form.addRow(_("Office's own name:"), self.major_title)
        self.major_own_filing = QCheckBox(_("A filing period of their own:"))
        self.major_own_filing.setAccessibleName(_("Major contracts have a filing period of their own"))
        self.major_filing = _Period(_("Filing period of major contracts"), Period(15))
        self.major_own_filing.toggled.connect(self.major_filing.setEnabled)
        major_form.addRow(self.major_own_filing, self.major_filing)
        self.major_items = QListWidget()
        self.major_items.setAccessibleName(_("Files the archive also wants for major contracts"))
        self.major_items.setMaximumHeight(90)
        for kind in AttachmentKind:
            item = QListWidgetItem(kind.label)
            item.setData(Qt.ItemDataRole.UserRole, kind.value)  # the value: Qt hands a StrEnum back as str
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.major_items.addItem(item)
        major_form.addRow(_("Also wanted in the archive:"), self.major_items)
        form.addRow(major)
        self.review_period = _Period(_("Review period"), None)
        form.addRow(_("Legality review answered within:"), self.review_period)
        self.filing_period = _Period(_("Filing period"), None)
        form.addRow(_("Filed within (after signing):"), self.filing_period)
        self.offices = QPlainTextEdit()
        self.offices.setTabChangesFocus(True)
        self.offices.setAccessibleName(_("Offices to file with"))
        self.offices.setMaximumHeight(70)
        self.offices.setPlaceholderText(_("one office per line"))
        form.addRow(_("Offices to file with:"), self.offices)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, _("Rules"))

    def _build_archive(self) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        note = QLabel(_("The files the archive wants for each kind of contract. A kind with nothing ticked follows "
                        "\"Every kind\"."))
        note.setWordWrap(True)
        box.addWidget(note)
        self.items = QTableWidget(1 + len(ContractKind), len(AttachmentKind))
        self.items.setObjectName("archiveItems")
        self.items.setAccessibleName(_("Files for the archive"))
        self.items.setHorizontalHeaderLabels([k.label for k in AttachmentKind])
        self.items.setVerticalHeaderLabels([_("Every kind"), *(k.label for k in ContractKind)])
        self.items.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for r in range(self.items.rowCount()):
            for c in range(self.items.columnCount()):
                cell = QTableWidgetItem()
                cell.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                cell.setCheckState(Qt.CheckState.Unchecked)
                self.items.setItem(r, c, cell)
        box.addWidget(self.items, 1)
        self.tabs.addTab(page, _("Archive"))

    def _build_certificates(self) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        self.certificates = QListWidget()
        self.certificates.setAccessibleName(_("Trusted certificates"))
        add, remove = QPushButton(_("Add certificate…")), QPushButton(_("Remove certificate"))
        add.setAccessibleName(_("Add certificate"))
        remove.setAccessibleName(_("Remove certificate"))
        add.clicked.connect(lambda: self.add_certificate())
        remove.clicked.connect(lambda: self.certificates.takeItem(self.certificates.currentRow()))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        box.addWidget(QLabel(_("Signatures made with these certificates are accepted when packets are verified.")))
        box.addWidget(self.certificates, 1)
        box.addLayout(row)
        self.tabs.addTab(page, _("Certificates"))

    # ------------------------------------------------------------------ settings ↔ widgets

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        cell = self.items.item(row, column)
        assert cell is not None  # every cell is made with the table
        return cell

    def _level_approver(self, row: int) -> Approver:
        combo = self.levels.cellWidget(row, 1)
        assert isinstance(combo, ValueCombo)
        return combo.value()

    def _add_level(self, minimum: str, approver: Approver, title: str) -> None:
        r = self.levels.rowCount()
        self.levels.insertRow(r)
        self.levels.setItem(r, 0, QTableWidgetItem(minimum))
        self.levels.setCellWidget(r, 1, _approver_combo(_("Approver of level {n}").format(n=r + 1), approver))
        self.levels.setItem(r, 2, QTableWidgetItem(title))

    def _remove_level(self) -> None:
        row = self.levels.currentRow()
        if row > 0:  # the first level (from 0.00) stays: every amount needs an approver
            self.levels.removeRow(row)

    def show_settings(self, s: OfficeSettings) -> None:
        self.office.setText(s.office)
        self.our_party.set_value(s.our_party)
        self.levels.setRowCount(0)
        for level in s.approval:
            self._add_level(format_amount(level.minimum), level.approver, level.title)
        self.major_from.setText("" if s.major.minimum is None else format_amount(s.major.minimum))
        self.major_approver.set_value(s.major.approver)
        self.major_title.setText(s.major.title)
        self.major_own_filing.setChecked(s.major.filing_period is not None)
        self.major_filing.set(s.major.filing_period or Period(15))
        self.major_filing.setEnabled(s.major.filing_period is not None)
        for i in range(self.major_items.count()):
            item = self.major_items.item(i)
            ticked = AttachmentKind(item.data(Qt.ItemDataRole.UserRole)) in s.major.archive_items
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.review_period.set(s.review_period)
        self.filing_period.set(s.filing_period)
        self.offices.setPlainText("\n".join(s.filing_offices))
        keys = [DEFAULT_KIND, *(k.value for k in ContractKind)]
        for r, key in enumerate(keys):
            wanted = s.archive_items.get(key, ())
            for c, kind in enumerate(AttachmentKind):
                self._cell(r, c).setCheckState(Qt.CheckState.Checked if kind in wanted else Qt.CheckState.Unchecked)
        self.certificates.clear()
        for cert in s.trusted_certificates:
            self._add_certificate_item(cert)

    def _add_certificate_item(self, cert: TrustedCertificate) -> None:
        item = QListWidgetItem(f"{cert.name}  SHA-256 {cert.sha256[:23]}…")
        item.setData(Qt.ItemDataRole.UserRole, cert)
        item.setToolTip(cert.sha256)
        self.certificates.addItem(item)

    def document(self) -> dict:
        """What the widgets hold, as the settings file's document (checked by `settings()`)."""
        levels = []
        for r in range(self.levels.rowCount()):
            cell = self.levels.item(r, 0)
            title = self.levels.item(r, 2)
            levels.append({"from": (cell.text() if cell else "").strip().replace(",", "") or "0",
                           "approver": self._level_approver(r).value,
                           "title": title.text().strip() if title else ""})
        major_items = [self.major_items.item(i).data(Qt.ItemDataRole.UserRole)
                       for i in range(self.major_items.count())
                       if self.major_items.item(i).checkState() == Qt.CheckState.Checked]
        archive: dict[str, list[str]] = {}
        keys = [DEFAULT_KIND, *(k.value for k in ContractKind)]
        for r, key in enumerate(keys):
            ticked = [kind.value for c, kind in enumerate(AttachmentKind)
                      if self._cell(r, c).checkState() == Qt.CheckState.Checked]
            if ticked or key == DEFAULT_KIND:
                archive[key] = ticked
        major_from = self.major_from.text().strip().replace(",", "")
        return {
            "format": SETTINGS_FORMAT,
            "office": self.office.text().strip(),
            "our_party": self.our_party.value(),
            "approval": levels,
            "major": {
                "from": major_from or None,
                "approver": self.major_approver.value().value,
                "title": self.major_title.text().strip(),
                "filing_period": self.major_filing.value() if self.major_own_filing.isChecked() else None,
                "archive_items": major_items,
            },
            "review_period": self.review_period.value(),
            "filing_period": self.filing_period.value(),
            "filing_offices": [line.strip() for line in self.offices.toPlainText().splitlines() if line.strip()],
            "archive_items": archive,
            "trusted_certificates": [
                {"name": cert.name, "pem": cert.pem} for cert in
                (self.certificates.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.certificates.count()))],
        }

    def settings(self) -> OfficeSettings:
        """The settings the widgets hold, checked as a settings file is; UserError naming the field."""
        try:
            return loads(json.dumps(self.document(), ensure_ascii=False))
        except UserError as exc:
            raise UserError(exc.message, field_label(exc.where)) from exc

    # ------------------------------------------------------------------ actions

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def reject(self) -> None:
        """Cancel (or Escape, or Close): the office's settings stay as stored, asking first when they were changed
        here (an entry that cannot be read counts as a change)."""
        try:
            changed = self.settings() != self.shown
        except UserError:
            changed = True
        if changed:
            from ui.unsaved_entries import ask_to_discard_changes

            if not ask_to_discard_changes(self, _("The changes to the office's settings will be lost.")):
                return
        super().reject()

    def save(self) -> bool:
        from app.ops.office import save_office_settings

        try:
            self.operations.call(save_office_settings, self.settings())
        except UserError as exc:
            self.show_error(str(exc))
            return False
        self.accept()
        return True

    def import_file(self, path: str | None = None) -> bool:
        """Show the settings of a file (checked whole first); Save keeps them."""
        from app.codecs.office_settings import read_settings

        if path is None:
            path, _selected = QFileDialog.getOpenFileName(self, _("Import office settings"), "",
                                                          _("Office settings (*.json)"))
            if not path:
                return False
        try:
            settings = read_settings(Path(path))
        except UserError as exc:  # named as the dialog names the field, not by the file's key
            self.show_error(str(UserError(exc.message, field_label(exc.where))))
            return False
        self.show_settings(settings)
        self.error.hide()
        self.saved_note.setText(_("Read from {file}; Save to keep them.").format(file=path))
        return True

    def export_file(self, path: str | None = None) -> bool:
        """Write the settings as shown (checked first) to a file."""
        from app.base.fileio import atomic_write_text
        from app.codecs.office_settings import dumps

        try:
            settings = self.settings()
        except UserError as exc:
            self.show_error(str(exc))
            return False
        if path is None:
            path, _selected = QFileDialog.getSaveFileName(self, _("Export office settings"), SETTINGS_FILE_NAME,
                                                          _("Office settings (*.json)"))
            if not path:
                return False
        try:
            atomic_write_text(Path(path), dumps(settings))
        except (UserError, OSError) as exc:
            self.show_error(str(exc))
            return False
        self.saved_note.setText(_("Written to {file}").format(file=path))
        return True

    def add_certificate(self, path: str | None = None) -> bool:
        from app.base.fileio import read_input_file

        if path is None:
            path, _selected = QFileDialog.getOpenFileName(self, _("Add a trusted certificate"), "",
                                                          _("Certificates (*.pem *.crt *.cer)"))
            if not path:
                return False
        try:
            pem = read_input_file(path).decode("ascii", "replace")
            data = settings_to_dict(OfficeSettings(trusted_certificates=(TrustedCertificate(Path(path).stem, pem),)))
            cert = loads(json.dumps(data)).trusted_certificates[0]
        except UserError as exc:
            self.show_error(str(exc))
            return False
        self._add_certificate_item(cert)
        return True
