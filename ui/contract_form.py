"""The 概要 tab: every field of the contract, its parties and bank accounts, terms, events and instalments.

Fields validate as the user types (app.rules.fields decides what is valid); a valid entry is committed when
the user leaves the field or presses Enter, as one FieldCommand on the shared undo stack. An invalid
entry is marked and explained and never stored.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.domain import Contract, Payment
from app.rules.fields import FIELDS, get_value, spec_for
from app.values.money import rmb_upper
from ui.edit_commands import FieldCommand, PaymentsCommand
from ui.field_widgets import (
    AmountEdit,
    ChoiceEdit,
    ContractEditorBase,
    DateEdit,
    FieldLineEdit,
    FlagEdit,
    line_edit_of,
)

if TYPE_CHECKING:
    from app.store.db import Database

PAYEE_CHOICES = [(N_("Party A"), "a"), (N_("Party B"), "b")]
DUE_CHOICES = [(N_("acceptance"), "acceptance"), (N_("effective date"), "effective")]
#: Instalment table columns: (field under payments[i], header msgid); the uppercase column is shown only.
#: The amount whose uppercase sets the width of the instalments' uppercase column.
WIDEST_UPPERCASE = Decimal("999999999.99")
PAYMENT_COLUMNS = [
    ("amount", N_("Amount")),
    ("", N_("In uppercase")),
    ("due.after", N_("Counted from")),
    ("due.years", N_("Years")),
    ("due.months", N_("Months")),
    ("due.days", N_("Days")),
    ("due.invoice_days", N_("Days after invoice")),
    ("wording", N_("Wording in the contract")),
]
CONTRACT_FIELDS = ["party_a_number", "party_b_number", "title", "project", "drafted", "jurisdiction", "currency",
                   "total", "tax_inclusive", "fixed_price", "payee"]
TERM_FIELDS = ["terms.delivery_days", "terms.maintenance_months", "terms.acceptance_request_days",
               "terms.acceptance_working_days", "terms.reminder_working_days", "terms.change_notice_days",
               "terms.copies.total", "terms.copies.a", "terms.copies.b"]
EVENT_FIELDS = ["events.signed_a", "events.signed_b", "events.acceptance_requested", "events.reminder_sent",
                "events.accepted"]
PARTY_FIELDS = ["name", "representative", "address", "credit_code", "bank.account_name", "bank.bank_name",
                "bank.account_no", "bank.address", "bank.phone"]


def make_editor(path: str) -> QWidget:
    """The editor widget for a field path, chosen by the field's kind."""
    kind = spec_for(path).kind.value
    if kind in ("amount", "optional_amount"):
        return AmountEdit(path)
    if kind == "date":
        return DateEdit(path)
    if kind == "flag":
        return FlagEdit(path)
    if kind == "payee":
        return ChoiceEdit(path, PAYEE_CHOICES)
    if kind == "due_after":
        return ChoiceEdit(path, DUE_CHOICES)
    return FieldLineEdit(path)


class ContractForm(ContractEditorBase):
    """概要: the contract's fields. See ContractEditorBase for the shared interface."""

    SHOWN_AT_START = True

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(db, undo_stack, parent)
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.payment_editors: list[dict[str, QWidget]] = []

        self.number_label = QLabel()
        self.number_value = QLineEdit()
        self.number_value.setReadOnly(True)
        self.status_label = QLabel()
        self.status_value = QLabel()

        self.contract_box = QGroupBox()
        form = QFormLayout(self.contract_box)
        form.addRow(self.number_label, self.number_value)
        for path in CONTRACT_FIELDS:
            self._add(form, path)
        form.addRow(self.status_label, self.status_value)

        self.terms_box = QGroupBox()
        self._fill(self.terms_box, TERM_FIELDS)
        self.events_box = QGroupBox()
        self._fill(self.events_box, EVENT_FIELDS)
        self.party_boxes = {role: QGroupBox() for role in ("a", "b")}
        for role, box in self.party_boxes.items():
            self._fill(box, [f"parties.{role}.{name}" for name in PARTY_FIELDS])

        self.payments_box = QGroupBox()
        self.payments_table = QTableWidget(0, len(PAYMENT_COLUMNS))
        self.payments_table.verticalHeader().setVisible(True)
        self.payments_table.setTabKeyNavigation(False)  # Tab goes through the row editors and on, not round the cells
        self.payments_table.horizontalHeader().setStretchLastSection(True)
        self.add_payment_button = QPushButton()
        self.add_payment_button.clicked.connect(self.add_payment)
        self.remove_payment_button = QPushButton()
        self.remove_payment_button.clicked.connect(self.remove_payment)
        self.payments_sum = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.payments_sum, 1)
        buttons.addWidget(self.add_payment_button)
        buttons.addWidget(self.remove_payment_button)
        pay_layout = QVBoxLayout(self.payments_box)
        pay_layout.addWidget(self.payments_table)
        pay_layout.addLayout(buttons)

        grid = QGridLayout()
        grid.addWidget(self.contract_box, 0, 0, 2, 1)
        grid.addWidget(self.party_boxes["a"], 0, 1)
        grid.addWidget(self.party_boxes["b"], 1, 1)
        grid.addWidget(self.terms_box, 2, 0)
        grid.addWidget(self.events_box, 2, 1)
        grid.addWidget(self.payments_box, 3, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFocusPolicy(scroll.focusPolicy().NoFocus)  # the fields take the focus; the area follows it
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.addLayout(self.header())
        layout.addWidget(scroll, 1)
        self.retranslate_ui()
        self.show_contract(None)

    # ------------------------------------------------------------------ building

    def _fill(self, box: QGroupBox, paths: list[str]) -> None:
        form = QFormLayout(box)
        for path in paths:
            self._add(form, path)

    def _add(self, form: QFormLayout, path: str) -> None:
        editor = make_editor(path)
        self._connect(editor)
        label = QLabel()
        self.editors[path] = editor
        self.labels[path] = label
        form.addRow(label, editor)

    def _connect(self, editor: QWidget) -> None:
        line = line_edit_of(editor)
        source: Any = line if line is not None else editor
        source.commit.connect(self.commit_field)
        if line is not None:
            line.problem.connect(self.field_problem)

    # ------------------------------------------------------------------ texts

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.contract_box.setTitle(_("Contract"))
        self.terms_box.setTitle(_("Terms"))
        self.events_box.setTitle(_("Events"))
        self.party_boxes["a"].setTitle(_("Party A (甲方)"))
        self.party_boxes["b"].setTitle(_("Party B (乙方)"))
        self.payments_box.setTitle(_("Instalments"))
        self.number_label.setText(_("Registry number"))
        self.status_label.setText(_("Status"))
        for path, label in self.labels.items():
            label.setText(_(FIELDS[path].label))
        for editor in self.editors.values():
            if isinstance(editor, FlagEdit):
                editor.setText(_("yes"))
            if isinstance(editor, ChoiceEdit):
                editor.retranslate()
        self.payments_table.setHorizontalHeaderLabels([_(h) for _f, h in PAYMENT_COLUMNS])
        for row in self.payment_editors:
            for editor in row.values():
                if isinstance(editor, ChoiceEdit):
                    editor.retranslate()
        self.add_payment_button.setText(_("Add instalment"))
        self.remove_payment_button.setText(_("Remove instalment"))
        if self.contract is not None:
            self.status_value.setText(self.contract.status.label)
            self._update_sum(self.contract)

    # ------------------------------------------------------------------ showing

    def show_contract(self, contract: Contract | None) -> None:
        self.problems.clear()
        if contract is None:
            self.number_value.setText("")
            self.status_value.setText("")
            for path, editor in self.editors.items():
                editor.show_value(None if not path.startswith("terms.copies") else 0)  # type: ignore[attr-defined]
            self._show_payments([])
            self.setEnabled(False)
            return
        self.setEnabled(True)
        self.number_value.setText(contract.number)
        self.number_value.setCursorPosition(0)  # its beginning in a narrow form, as every field shows it
        self.status_value.setText(contract.status.label)
        for path, editor in self.editors.items():
            editor.show_value(get_value(contract, path))  # type: ignore[attr-defined]
        self._show_payments(contract.payments)
        self._update_sum(contract)

    def _show_payments(self, payments: list[Payment]) -> None:
        table = self.payments_table
        table.setRowCount(len(payments))
        self.payment_editors = []
        for row, payment in enumerate(payments):
            upper = QLabel()
            upper.setWordWrap(True)
            _show_upper(upper, rmb_upper(payment.amount) if payment.amount is not None else "")
            editors: dict[str, QWidget] = {"upper": upper}
            for col, (name, _header) in enumerate(PAYMENT_COLUMNS):
                if not name:
                    table.setCellWidget(row, col, upper)
                    continue
                path = f"payments[{row}].{name}"
                editor = FieldLineEdit(path) if name == "amount" else make_editor(path)
                self._connect(editor)
                editor.show_value(get_value_of(payment, name))  # type: ignore[attr-defined]
                if isinstance(editor, FieldLineEdit) and name == "amount":
                    editor.textChanged.connect(lambda _t, e=editor, u=upper: _live_upper(e, u))
                table.setCellWidget(row, col, editor)
                editors[name] = editor
            self.payment_editors.append(editors)
        editors_in_order = [e for row in self.payment_editors for name, e in row.items() if name != "upper"]
        if editors_in_order:  # the rows' editors are made last: Tab goes from the last one to the row buttons
            QWidget.setTabOrder(editors_in_order[-1], self.add_payment_button)
            QWidget.setTabOrder(self.add_payment_button, self.remove_payment_button)
        table.resizeColumnsToContents()
        # The counts hold a few digits: as wide as their header (a line edit would ask for ≈125 px each, and at
        # 1366 px the contract's wording, the last column, was off to the right).
        metrics = table.fontMetrics()
        for col, (name, title) in enumerate(PAYMENT_COLUMNS):
            if name.startswith("due.") and name != "due.after":
                table.setColumnWidth(col, max(metrics.horizontalAdvance(_(title)), metrics.horizontalAdvance("00000"))
                                     + 20)
        # The uppercase column is as wide as the longest uppercase below a billion, whatever the rows hold now:
        # a redraw after an edit must not move the fields to its right (a longer one wraps, its tooltip whole).
        table.setColumnWidth(1, table.fontMetrics().horizontalAdvance(rmb_upper(WIDEST_UPPERCASE)) + 16)
        table.setMinimumHeight(table.horizontalHeader().height() + 36 * max(len(payments), 1) + 8)
        self.remove_payment_button.setEnabled(bool(payments) and not self.read_only)
        if self.read_only:
            self.apply_read_only(True)

    def _update_sum(self, contract: Contract) -> None:
        from app.values.money import format_amount

        paid = sum((p.amount for p in contract.payments if p.amount is not None), start=contract.total * 0)
        text = _("Instalments add up to ¥{paid} of ¥{total}").format(paid=format_amount(paid), total=format_amount(contract.total))
        if paid != contract.total and contract.payments:
            text += " — " + _("difference ¥{diff}").format(diff=format_amount(abs(paid - contract.total)))
        self.payments_sum.setText(text)

    # ------------------------------------------------------------------ editing

    def commit_field(self, path: str, value: Any) -> None:
        """A valid entry left or confirmed: one undoable step that writes it."""
        if not self.may_commit(path):
            return
        assert self.contract is not None
        try:
            if get_value(self.contract, path) == value:
                return
        except UserError:
            pass
        self.push(FieldCommand(self.context(), path, value))

    def add_payment(self) -> None:
        if self.contract is None or self.read_only:
            return
        before = [dataclasses.replace(p) for p in self.contract.payments]
        after = [*before, Payment()]
        n = len(after)
        self.push(PaymentsCommand(self.context(), lambda: _("Add instalment {n}").format(n=n), before, after))

    def remove_payment(self) -> None:
        if self.contract is None or self.read_only or not self.contract.payments:
            return
        row = self.payments_table.currentRow()
        focused = [i for i, eds in enumerate(self.payment_editors) if any(e.hasFocus() for e in eds.values())]
        if focused:
            row = focused[0]
        if not 0 <= row < len(self.contract.payments):
            row = len(self.contract.payments) - 1
        before = [dataclasses.replace(p) for p in self.contract.payments]
        after = before[:row] + before[row + 1:]
        self.push(PaymentsCommand(self.context(), lambda: _("Remove instalment {n}").format(n=row + 1), before, after))

    # ------------------------------------------------------------------ interface for the main window

    def apply_read_only(self, read_only: bool) -> None:
        """Lock the editors; a signed contract's events that the schedule still needs (acceptance requested,
        reminder sent, accepted, a signing date still blank) stay open, as app.domain.workflow lets them through."""
        editors = [(path, editor, self.field_locked(path, read_only)) for path, editor in self.editors.items()]
        editors += [("", e, read_only) for row in self.payment_editors for e in row.values()]
        for _path, editor, locked in editors:
            line = line_edit_of(editor)
            if line is not None:
                line.setReadOnly(locked)
                if isinstance(editor, DateEdit):
                    editor.button.setEnabled(not locked)
            elif not isinstance(editor, QLabel):
                editor.setEnabled(not locked)
        self.add_payment_button.setEnabled(not read_only)
        self.remove_payment_button.setEnabled(not read_only and bool(self.payment_editors))

    def line_edits(self) -> list[FieldLineEdit]:
        """The form's editors and the instalment rows' current ones: a redraw replaces the rows' editors, and the old
        ones, hidden until the event loop deletes them, must not bring back an entry the clerk has since corrected."""
        rows = [editor for row in self.payment_editors for editor in row.values()]
        return [edit for editor in [*self.editors.values(), *rows]
                if (edit := line_edit_of(editor)) is not None and isinstance(edit, FieldLineEdit)]

    def editor_for(self, path: str) -> QWidget | None:
        """The editor of a field path (payments[1].amount included), or None."""
        if path in self.editors:
            return self.editors[path]
        if path.startswith("payments["):
            row = int(path[len("payments["):path.index("]")])
            name = path.split("].", 1)[1] if "]." in path else "amount"
            if 0 <= row < len(self.payment_editors):
                return self.payment_editors[row].get(name)
        return None

    def focus_where(self, where: str) -> bool:
        """Focus the field a check finding names (``parties.b.credit_code``, ``payments[0].amount``, ``terms.copies``)."""
        aliases = {"terms.copies": "terms.copies.total", "payments": "payments[0].amount", "number": ""}
        path = aliases.get(where, where)
        editor = self.editor_for(path) if path else self.number_value
        if editor is None:
            return False
        target = line_edit_of(editor) or editor
        self.scroll.ensureWidgetVisible(target)
        target.setFocus()
        if isinstance(target, QLineEdit):
            target.selectAll()
        return True


def get_value_of(payment: Payment, name: str) -> Any:
    """A field of one instalment by its name under payments[i]."""
    contract = Contract(payments=[payment])
    return get_value(contract, f"payments[0].{name}")


def _live_upper(edit: FieldLineEdit, label: QWidget) -> None:
    try:
        value = edit.parsed()
        text = rmb_upper(value) if value is not None else ""
    except (UserError, ValueError):
        text = ""
    if isinstance(label, QLabel):
        _show_upper(label, text)


def _show_upper(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setToolTip(text)
