"""Dialogs of the 付款与期限 tab: record a step of the contract, skip one or send the contract back (with a reason),
record a payment, and the contract's ledger entry (kind, procurement method, major, term).

Each dialog only gathers what the clerk typed and runs the op through the window's Operations; the rules (what may
be recorded, what is refused and why) are app.rules.lifecycle's and app.rules.payments_made's. A refusal is shown in the
dialog as the op words it (the field and the problem) and the dialog stays open, nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TypeVar

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
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.codecs.office_settings import Approver
from app.domain.kinds import ContractKind, ProcurementMethod
from app.rules.lifecycle.record import ContractRecord
from app.rules.lifecycle.standing import Standing
from app.rules.lifecycle.steps import STEPS, CheckResult, Conclusion, Event, EventKind, Step, StepState
from app.rules.payments_made import PaymentMade
from app.values.file_types import PATTERNS
from app.values.money import AmountError, format_amount, parse_amount
from ui.field_widgets import DateEdit
from ui.operations import Operations
from ui.problem_label import problem_label
from ui.value_combo import ValueCombo

W = TypeVar("W", bound=QWidget)

#: The event each step is done by, in the order the dialog offers them.
STEP_EVENTS = {
    Step.COUNTERPARTY_CHECK: (EventKind.COUNTERPARTY_CHECKED,),
    Step.REVIEW: (EventKind.REVIEW_SENT,),
    Step.OPINION: (EventKind.OPINION_RECEIVED, EventKind.REVIEW_PAUSED, EventKind.REVIEW_RESUMED),
    Step.APPROVAL: (EventKind.APPROVED,),
    Step.REGISTRATION: (EventKind.REGISTERED,),
    Step.SEALING: (EventKind.SEALED,),
    Step.FILING: (EventKind.FILED,),
    Step.ARCHIVING: (EventKind.ARCHIVED,),
}


def field_label(where: str) -> str:
    """The dialog's label for a field a refusal names by its key ("reason" → "Reason")."""
    return {
        "date": _("Date"), "reason": _("Reason"), "step": _("Step"), "approver": _("Approver"),
        "approved_by": _("Approved by"), "requested_by": _("Requested by"), "copies": _("Copies"),
        "office": _("Office"), "reference": _("Reference"), "result": _("Result"), "conclusion": _("Conclusion"),
        "attachments": _("Files for the archive"), "file": _("File"), "amount": _("Amount"),
        "voucher": _("Voucher number"), "payment": _("Instalment"), "term_end": _("Term ends"),
    }.get(where, where)


def event_label(kind: EventKind) -> str:
    return {
        EventKind.COUNTERPARTY_CHECKED: _("Counterparty checked"),
        EventKind.REVIEW_SENT: _("Sent for legality review"),
        EventKind.REVIEW_PAUSED: _("Outside investigation started (days not counted)"),
        EventKind.REVIEW_RESUMED: _("Outside investigation ended"),
        EventKind.OPINION_RECEIVED: _("Review opinion received"),
        EventKind.APPROVED: _("Approved"),
        EventKind.REGISTERED: _("Registered"),
        EventKind.SEALED: _("Sealed (seal register entry)"),
        EventKind.FILED: _("Filed with an office"),
        EventKind.ARCHIVED: _("Handed to the archive"),
    }[kind]


def date_edit(day: date, name: str) -> DateEdit:
    """A dialog's date, typed as the 概要 dates are (2026-11-20, 2026/11/20, 2026年11月20日) or picked; a day after
    today is refused by the rules when the dialog records it, with a message."""
    edit = DateEdit()
    edit.set_day(day)
    edit.setAccessibleName(name)
    edit.edit.setAccessibleName(name)
    return edit


def picked(edit: DateEdit) -> date:
    return edit.day()


class _OpDialog(QDialog):
    """A dialog whose OK runs an op; a refusal shows under the fields and keeps the dialog open."""

    #: Runs the dialog's op; True when it was stored. Each dialog below defines it.
    run: Callable[[], bool]
    #: How the dialog labels its date (a refusal of the rules' "date" is named so).
    DATE_LABEL = N_("Date")

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = problem_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Record"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def submit(self) -> None:
        try:
            if self.run():
                self.accept()
        except UserError as exc:  # named as the dialog names the field, not by the rules' key
            where = _(self.DATE_LABEL) if exc.where == "date" else field_label(exc.where)
            self.show_error(str(UserError(exc.message, where)))

    def add(self, label: str, widget: W) -> W:
        if not widget.accessibleName():
            widget.setAccessibleName(label.rstrip("：:"))
        self.form.addRow(label, widget)
        return widget


def _line(name: str, text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(name)
    return edit


def _combo(name: str, items: Sequence[tuple[str, object]], current: object = None) -> ValueCombo:
    combo = ValueCombo()
    combo.setAccessibleName(name)
    for text, value in items:
        combo.add_value(text, value)
    if current is not None:
        combo.set_value(current)
    return combo


class StepDialog(_OpDialog):
    """Record what happened: the current step's event preselected, its details asked for as the kind needs."""

    FILE_KINDS = (EventKind.COUNTERPARTY_CHECKED, EventKind.OPINION_RECEIVED, EventKind.APPROVED)

    def __init__(self, operations: Operations, standing: Standing, today: date, parent: QWidget | None = None) -> None:
        super().__init__(_("Record a step of {number}").format(number=standing.number), parent)
        self.operations, self.standing, self.today = operations, standing, today
        lc = standing.lifecycle
        current = lc.current
        kinds: list[EventKind] = list(STEP_EVENTS[current]) if current is not None else []
        if lc.seal_register and EventKind.SEALED not in kinds:
            kinds.append(EventKind.SEALED)  # another use of the seal
        if lc.filings and lc.view(Step.FILING).state is not StepState.DONE and EventKind.FILED not in kinds:
            kinds.append(EventKind.FILED)
        for step in STEPS:
            for kind in STEP_EVENTS[step]:
                if kind not in kinds:
                    kinds.append(kind)
        self.kind = _combo(_("What happened"), [(event_label(k), k) for k in kinds])
        self.add(_("What happened:"), self.kind)
        self.date = self.add(_("Date:"), date_edit(today, _("Date")))
        settings = standing.settings
        offices = list(dict.fromkeys([*settings.filing_offices]))
        self.office = QComboBox()
        self.office.setEditable(True)
        self.office.addItems(offices)
        self.office.setAccessibleName(_("Office"))
        self.check_result = _combo(_("Result"), [(r.label, r) for r in CheckResult])
        self.conclusion = _combo(_("Conclusion"), [(c.label, c) for c in Conclusion])
        self.approver = _combo(_("Approver"), [(a.label, a) for a in Approver], lc.required_approval.approver)
        self.approved_by = _line(_("Approved by"))
        self.requested_by = _line(_("Requested by"))
        self.copies = QSpinBox()
        self.copies.setRange(1, 1000)
        self.copies.setValue(max(1, standing.contract.terms.copies.total or 1))
        self.copies.setAccessibleName(_("Copies"))
        self.reference = _line(_("Reference"))
        self.note = _line(_("Note"))
        self.file_path = _line(_("File"))
        self.file_path.setReadOnly(True)
        browse = QPushButton(_("Choose…"))
        browse.setAccessibleName(_("Choose the file"))
        browse.clicked.connect(self._choose_file)
        file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.file_path, 1)
        row.addWidget(browse)
        self.rows: dict[str, QWidget] = {
            "office": self.add(_("Office:"), self.office),
            "result": self.add(_("Result:"), self.check_result),
            "conclusion": self.add(_("Conclusion:"), self.conclusion),
            "approver": self.add(_("Approver:"), self.approver),
            "approved_by": self.add(_("Approved by:"), self.approved_by),
            "requested_by": self.add(_("Requested by:"), self.requested_by),
            "copies": self.add(_("Copies:"), self.copies),
            "reference": self.add(_("Reference:"), self.reference),
            "file": self.add(_("File to attach:"), file_row),
        }
        self.add(_("Note:"), self.note)
        needed = QLabel(_("Approval needed for ¥{amount}: {level}").format(
            amount=format_amount(standing.contract.total), level=lc.required_approval.label))
        needed.setWordWrap(True)
        self.form.insertRow(0, needed)
        self.kind.currentIndexChanged.connect(self._show_fields)
        self._show_fields()

    def _choose_file(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(self, _("Choose the file"), "",
                                                      _("Files that can be attached ({patterns})").format(patterns=PATTERNS))
        if path:
            self.file_path.setText(path)

    def _show_fields(self) -> None:
        kind: EventKind = self.kind.value()
        shown = {
            EventKind.COUNTERPARTY_CHECKED: {"result", "file"},
            EventKind.REVIEW_SENT: {"office"},
            EventKind.OPINION_RECEIVED: {"conclusion", "file"},
            EventKind.APPROVED: {"approver", "approved_by", "file"},
            EventKind.REGISTERED: {"reference"},
            EventKind.SEALED: {"copies", "requested_by", "approved_by"},
            EventKind.FILED: {"office"},
            EventKind.ARCHIVED: {"reference"},
        }.get(kind, set())
        for name, widget in self.rows.items():
            self.form.setRowVisible(widget, name in shown)
        if kind is EventKind.FILED:  # the first office not filed with yet
            filed = {f.office for f in self.standing.lifecycle.filings}
            left = [o for o in self.standing.settings.filing_offices if o not in filed]
            if left:
                self.office.setCurrentText(left[0])

    def built_event(self) -> Event:
        kind: EventKind = self.kind.value()
        details: dict = {}
        if kind is EventKind.COUNTERPARTY_CHECKED:
            details["result"] = self.check_result.value()
        elif kind is EventKind.OPINION_RECEIVED:
            details["conclusion"] = self.conclusion.value()
        elif kind is EventKind.APPROVED:
            details.update(approver=self.approver.value(), approved_by=self.approved_by.text().strip())
        elif kind is EventKind.SEALED:
            details.update(copies=self.copies.value(), requested_by=self.requested_by.text().strip(),
                           approved_by=self.approved_by.text().strip())
        elif kind in (EventKind.REVIEW_SENT, EventKind.FILED):
            details["office"] = self.office.currentText().strip()
        elif kind in (EventKind.REGISTERED, EventKind.ARCHIVED):
            details["reference"] = self.reference.text().strip()
        return Event(kind, picked(self.date), note=self.note.text().strip(), **details)

    def run(self) -> bool:
        from app.ops.lifecycle import NewFile, record_step

        event = self.built_event()
        file = None
        if self.file_path.text() and event.kind in self.FILE_KINDS:
            file = NewFile.read(Path(self.file_path.text()))
        self.operations.run(record_step, self.standing.number, event, file=file, today=self.today)
        return True


class ReasonDialog(_OpDialog):
    """Skip a step (`skip`) or send the contract back for changes: a date and the reason, which is required."""

    def __init__(self, operations: Operations, standing: Standing, today: date, *, skip: bool,
                 parent: QWidget | None = None) -> None:
        title = _("Skip a step of {number}") if skip else _("Send {number} back for changes")
        super().__init__(title.format(number=standing.number), parent)
        self.operations, self.standing, self.skip, self.today = operations, standing, skip, today
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Skip") if skip else _("Send back"))
        self.step = None
        if skip:
            open_steps = [v.step for v in standing.lifecycle.steps
                          if v.state in (StepState.CURRENT, StepState.PENDING) and v.step is not Step.ARCHIVING]
            self.step = _combo(_("Step to skip"), [(s.label, s) for s in open_steps])
            self.add(_("Step to skip:"), self.step)
        self.date = self.add(_("Date:"), date_edit(today, _("Date")))
        self.reason = self.add(_("Reason:"), _line(_("Reason")))
        note = QLabel(_("The reason is kept in the audit trail.") if skip else
                      _("The legality review and every step after it are done again; the reason is kept."))
        note.setWordWrap(True)
        self.form.addRow(note)

    def run(self) -> bool:
        from app.ops.lifecycle import record_step

        reason = self.reason.text().strip()
        if self.skip:
            step = self.step.value() if self.step is not None else None
            event = Event(EventKind.SKIPPED, picked(self.date), step=step, note=reason)
        else:
            event = Event(EventKind.RETURNED, picked(self.date), note=reason)
        self.operations.run(record_step, self.standing.number, event, today=self.today)
        return True


class PaymentDialog(_OpDialog):
    """Record a payment made: the instalment (with what it still has unpaid), the date, amount and voucher."""

    DATE_LABEL = N_("Paid on")

    def __init__(self, operations: Operations, standing: Standing, today: date, parent: QWidget | None = None) -> None:
        super().__init__(_("Record a payment on {number}").format(number=standing.number), parent)
        self.operations, self.standing, self.today = operations, standing, today
        items = []
        for i in standing.instalments:
            amount = format_amount(i.amount) if i.amount is not None else "—"
            items.append((_("Instalment {n}: ¥{amount} (unpaid ¥{unpaid})").format(
                n=i.no, amount=amount, unpaid=format_amount(i.unpaid)), i.no))
        self.instalment = _combo(_("Instalment"), items)
        first_open = next((i.no for i in standing.instalments if i.unpaid > 0), None)
        if first_open is not None:
            self.instalment.set_value(first_open)
        self.add(_("Instalment:"), self.instalment)
        self.date = self.add(_("Paid on:"), date_edit(today, _(self.DATE_LABEL)))
        self.amount = self.add(_("Amount (¥):"), _line(_("Amount")))
        self.voucher = self.add(_("Voucher number:"), _line(_("Voucher number")))
        self.note = self.add(_("Note:"), _line(_("Note")))
        self.instalment.currentIndexChanged.connect(self._suggest)
        self._suggest()

    def _suggest(self) -> None:
        no = self.instalment.value()
        found = next((i for i in self.standing.instalments if i.no == no), None)
        if found is not None and found.unpaid > 0:
            self.amount.setText(format_amount(found.unpaid))  # grouped as every amount on screen: 424,430.00

    def run(self) -> bool:
        from app.ops.payments import record_payment

        if self.instalment.value() is None:
            raise UserError(_("the contract has no instalments"), _("Instalment"))
        try:
            amount = parse_amount(self.amount.text())
        except AmountError as exc:
            raise UserError(exc.message, _("Amount")) from exc
        payment = PaymentMade(self.instalment.value(), picked(self.date), amount, self.voucher.text().strip(),
                              self.note.text().strip())
        self.operations.run(record_payment, self.standing.number, payment, today=self.today)
        return True


class InvoiceDialog(_OpDialog):
    """Record an invoice the payee issued for an instalment: an instalment payable so many days after its invoice
    falls due from the invoice's date, and until it is recorded the schedule can only say that it waits for it."""

    DATE_LABEL = N_("Invoice date")

    def __init__(self, operations: Operations, standing: Standing, today: date, parent: QWidget | None = None) -> None:
        super().__init__(_("Record an invoice on {number}").format(number=standing.number), parent)
        self.operations, self.standing = operations, standing
        invoiced = {i.payment: i.date for i in standing.contract.events.invoices if i.payment is not None}
        items = []
        for i in standing.instalments:
            text = _("Instalment {n}: ¥{amount}").format(
                n=i.no, amount=format_amount(i.amount) if i.amount is not None else "—")
            if i.no in invoiced:
                text += " " + _("(invoice of {date} recorded)").format(date=invoiced[i.no].isoformat())
            items.append((text, i.no))
        self.instalment = _combo(_("Instalment"), items)
        waiting = next((i.no for i in standing.instalments if i.no not in invoiced and i.unpaid > 0), None)
        if waiting is not None:  # the first instalment still without its invoice
            self.instalment.set_value(waiting)
        self.add(_("Instalment:"), self.instalment)
        self.date = self.add(_("Invoice date:"), date_edit(today, _(self.DATE_LABEL)))
        self.note = self.add(_("Invoice number or note:"), _line(_("Invoice number or note")))

    def run(self) -> bool:
        from app.ops.contracts import add_invoice

        if self.instalment.value() is None:
            raise UserError(_("the contract has no instalments"), _("Instalment"))
        self.operations.run(add_invoice, self.standing.number, picked(self.date), self.instalment.value(),
                            self.note.text().strip())
        return True


class RecordDialog(_OpDialog):
    """What the ledger records of the contract besides its text: kind, procurement method, major, term."""

    def __init__(self, operations: Operations, standing: Standing, parent: QWidget | None = None) -> None:
        super().__init__(_("Ledger entry of {number}").format(number=standing.number), parent)
        self.operations, self.standing = operations, standing
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        rec = standing.record
        self.kind = self.add(_("Contract kind:"), _combo(
            _("Contract kind"), [(_("not set"), None), *((k.label, k) for k in ContractKind)], rec.kind))
        self.procurement = self.add(_("Procurement method:"), _combo(
            _("Procurement method"), [(_("not set"), None), *((m.label, m) for m in ProcurementMethod)],
            rec.procurement))
        self.major = QCheckBox(_("Major contract (重大合同): the major rule's approver decides"))
        self.major.setChecked(rec.major)
        self.major.setAccessibleName(_("Major contract"))
        self.form.addRow(self.major)
        start = rec.term_start or standing.contract.events.effective or date.today()
        self.has_term = QCheckBox(_("The contract has a term"))
        self.has_term.setAccessibleName(_("The contract has a term"))
        self.has_term.setChecked(rec.term_start is not None or rec.term_end is not None)
        self.form.addRow(self.has_term)
        self.term_start = self.add(_("Term starts:"), date_edit(start, _("Term starts")))
        self.term_end = self.add(_("Term ends:"), date_edit(rec.term_end or start, _("Term ends")))
        self.has_term.toggled.connect(self._term_enabled)
        self._term_enabled()

    def _term_enabled(self) -> None:
        on = self.has_term.isChecked()
        self.term_start.setEnabled(on)
        self.term_end.setEnabled(on)

    def run(self) -> bool:
        from app.ops.lifecycle import set_record

        term = self.has_term.isChecked()
        rec = ContractRecord(
            kind=self.kind.value(), procurement=self.procurement.value(), major=self.major.isChecked(),
            term_start=picked(self.term_start) if term else None, term_end=picked(self.term_end) if term else None)
        self.operations.run(set_record, self.standing.number, rec)
        return True


__all__ = ["InvoiceDialog", "PaymentDialog", "ReasonDialog", "RecordDialog", "StepDialog"]
