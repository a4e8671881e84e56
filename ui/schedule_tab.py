"""The 付款与期限 tab: the contract's steps with their deadlines and lateness, every deadline and payment of its
schedule, and the payments made.

The steps (app.rules.lifecycle: counterparty check … archiving) show when each was done, how late, what it still needs
(the approval level the amount requires, the offices not filed with yet); buttons record the next step, skip one
or send the contract back (with a reason), record a payment and keep the ledger entry. The schedule's rows say
what, when it falls due (or what it still waits for: an instalment's invoice, recorded with the button under them),
the amount for a payment and what of it is unpaid, and its state compared with today. Calendar warnings show above.
Everything is computed by app.rules.lifecycle.standing; the tab only shows it and runs the dialogs' ops through the
window's Operations.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import _
from app.ops import Part
from app.ops.payments import payment_refusal
from app.ops.standings import standing
from app.rules.lifecycle.standing import Standing
from app.rules.lifecycle.steps import StepState
from app.rules.schedule import ItemState, Schedule, ScheduleItem
from app.store.db import Database
from app.values.money import format_amount
from ui.change_feed import FollowsContract
from ui.flow_layout import FlowLayout
from ui.i18n import RetranslateMixin
from ui.operations import operations_for
from ui.problem_label import PROBLEM_RED

STATE_COLOURS = {ItemState.OVERDUE: QColor(PROBLEM_RED), ItemState.TODAY: QColor("#b35c00"), ItemState.DONE: QColor("#5f6368")}
STEP_COLOURS = {StepState.SKIPPED: QColor("#5f6368"), StepState.CURRENT: QColor("#0b57d0")}


def _tree(name: str, columns: int) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setRootIsDecorated(False)
    tree.setColumnCount(columns)
    tree.setAlternatingRowColors(True)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setStretchLastSection(True)
    return tree


def due_text(item: ScheduleItem) -> str:
    """The "due date or waits for" cell: the date, what the item waits for, or when an undated step was done."""
    if item.date is not None:
        return item.date.isoformat()
    if item.waits_for:
        return _("waits for: {event}").format(event=item.waits_for)
    if item.done_on is not None:
        return _("done on {date}").format(date=item.done_on.isoformat())
    return ""


class ScheduleTab(FollowsContract, RetranslateMixin, QWidget):
    """Steps, deadlines and payments; `today` is fixed by tests, otherwise the real date at each refresh."""

    status_message = Signal(str)
    SHOWS = frozenset({Part.FIELDS, Part.TERMS, Part.EVENTS, Part.PAYMENTS, Part.STATE, Part.CALENDAR, Part.LIFECYCLE,
                       Part.PAYMENTS_MADE, Part.ATTACHMENTS, Part.OFFICE})

    def __init__(self, db: Database, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operations = operations_for(db)
        self.number: str | None = None
        self.fixed_today = today
        self.standing: Standing | None = None
        self.schedule: Schedule | None = None
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setObjectName("scheduleWarnings")
        # Shown with a year's missing holiday schedule: the warning says what is missing, the button adds it.
        self.calendar_button = QPushButton()
        self.calendar_button.setObjectName("importHolidaySchedule")
        self.calendar_button.clicked.connect(lambda: self.import_holiday_schedule())
        self.calendar_button.hide()

        self.steps_box = QGroupBox()
        self.stage_label = QLabel()
        self.stage_label.setObjectName("lifecycleStage")
        self.stage_label.setWordWrap(True)
        self.steps = _tree("lifecycleSteps", 4)
        self.record_button = QPushButton()
        self.skip_button = QPushButton()
        self.return_button = QPushButton()
        self.entry_button = QPushButton()
        self.record_button.setObjectName("recordStep")
        self.skip_button.setObjectName("skipStep")
        self.return_button.setObjectName("sendBack")
        self.entry_button.setObjectName("ledgerEntry")
        self.record_button.clicked.connect(self.record_step)
        self.skip_button.clicked.connect(lambda: self.reason_step(skip=True))
        self.return_button.clicked.connect(lambda: self.reason_step(skip=False))
        self.entry_button.clicked.connect(self.edit_record)
        buttons = FlowLayout()  # wraps when the tab is narrow (ui.flow_layout)
        for button in (self.record_button, self.skip_button, self.return_button, self.entry_button):
            buttons.addWidget(button)
        rows = self.steps.fontMetrics().height() + 4
        self.steps.setMinimumHeight(rows * 9 + 6)  # the eight steps and the header, without scrolling
        box = QVBoxLayout(self.steps_box)
        box.addWidget(self.stage_label)
        box.addWidget(self.steps, 1)
        box.addLayout(buttons)

        self.schedule_box = QGroupBox()
        self.tree = _tree("scheduleItems", 5)
        self.tree.setMinimumHeight(rows * 8 + 6)  # seven deadlines and the header: the tab scrolls before it shrinks
        self.invoice_button = QPushButton()
        self.invoice_button.setObjectName("recordInvoice")
        self.invoice_button.clicked.connect(self.record_invoice)
        box = QVBoxLayout(self.schedule_box)
        box.addWidget(self.tree, 1)
        box.addWidget(self.invoice_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.paid_box = QGroupBox()
        self.paid_label = QLabel()
        self.paid_label.setObjectName("paidTotals")
        self.paid_label.setWordWrap(True)  # a narrow tab wraps the totals instead of scrolling sideways
        self.payments = _tree("paymentsMade", 6)
        self.pay_button = QPushButton()
        self.pay_button.setObjectName("recordPayment")
        self.unpay_button = QPushButton()
        self.unpay_button.setObjectName("removePayment")
        self.pay_button.clicked.connect(self.record_payment)
        self.unpay_button.clicked.connect(self.remove_payment)
        self.payments.itemSelectionChanged.connect(self._enable)
        row = QHBoxLayout()
        row.addWidget(self.paid_label, 1)
        row.addWidget(self.pay_button)
        row.addWidget(self.unpay_button)
        box = QVBoxLayout(self.paid_box)
        box.addLayout(row)
        box.addWidget(self.payments, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        for widget in (self.steps_box, self.schedule_box, self.paid_box):
            self.splitter.addWidget(widget)
        # The eight steps fit their box; what is left goes to the deadlines, the longest list (fourteen rows for the
        # sample), and the payments made keep a few rows: a 768-pixel screen had shown three deadlines at a time.
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([self.steps_box.minimumSizeHint().height(), 2000, 150])
        # The three parts need more height than a 768-pixel screen leaves with the reminders open: then the tab
        # scrolls, and the window never grows past the screen.
        scroll = QScrollArea()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.splitter)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the tab's first stop is its first control, not the area
        layout = QVBoxLayout(self)
        warning_row = QHBoxLayout()
        warning_row.addWidget(self.warnings, 1)
        warning_row.addWidget(self.calendar_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(warning_row)
        layout.addWidget(scroll, 1)
        self.retranslate_ui()
        self.follow(self.operations)

    @property
    def today(self) -> date:
        return self.fixed_today or date.today()

    def retranslate_ui(self) -> None:
        self.steps_box.setTitle(_("Steps"))
        self.schedule_box.setTitle(_("Deadlines and payments"))
        self.paid_box.setTitle(_("Payments made"))
        self.steps.setHeaderLabels([_("Step"), _("Date or deadline"), _("State"), _("Details")])
        self.tree.setHeaderLabels([_("What"), _("Due date or waits for"), _("Amount"), _("State"), _("As the contract says")])
        self.payments.setHeaderLabels([_("Paid on"), _("Instalment"), _("Amount"), _("Voucher"), _("Note"),
                                       _("Recorded by")])
        for button, text, tip in (
            (self.record_button, _("Record a step…"), _("Record the next step (or another entry) with its date")),
            (self.skip_button, _("Skip a step…"), _("Skip a step, with a reason kept in the audit trail")),
            (self.return_button, _("Send back…"), _("Send the contract back for changes before it is sealed")),
            (self.entry_button, _("Ledger entry…"), _("Kind, procurement method, major contract, term")),
            (self.calendar_button, _("Import holiday schedule…"),
             _("Add a year's public holidays and make-up working days from the State Council notice (a CSV file)")),
            (self.invoice_button, _("Record an invoice…"),
             _("Record the invoice the payee issued for an instalment: a payment due after its invoice is counted "
               "from it")),
            (self.pay_button, _("Record a payment…"), _("Record a payment made (part payments allowed)")),
            (self.unpay_button, _("Remove payment…"), _("Remove a payment recorded by mistake, with a reason")),
        ):
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(text.rstrip("…."))
        self.steps.setAccessibleName(_("Steps"))
        self.tree.setAccessibleName(_("Deadlines and payments"))
        self.payments.setAccessibleName(_("Payments made"))
        if self.number is not None:
            self.refresh()

    def set_contract(self, number: str | None) -> None:
        self.number = number
        self.refresh()

    # ------------------------------------------------------------------ drawing

    def refresh(self) -> None:
        self.standing = None
        self.schedule = None
        if self.number is not None:
            try:
                self.standing = standing(self.db, self.number, self.today)
            except UserError as exc:
                self.status_message.emit(str(exc))
        self.schedule = self.standing.schedule if self.standing else None
        self._show_steps()
        self._show_schedule()
        self._show_payments()
        self._enable()

    def _show_steps(self) -> None:
        self.steps.clear()
        st = self.standing
        if st is None:
            self.stage_label.setText("")
            return
        lc = st.lifecycle
        parts = [_("Stage: {stage}").format(stage=lc.stage_text),
                 _("approval needed: {level}").format(level=lc.required_approval.label)]
        if lc.major:
            parts.append(_("major contract"))
        rec = st.record
        if rec.kind:
            parts.append(rec.kind.label)
        if rec.term_end:
            parts.append(_("term ends {date}").format(date=rec.term_end.isoformat()))
        self.stage_label.setText(_("; ").join(parts))
        for view in lc.steps:
            when = ""
            if view.done_on is not None:
                when = view.done_on.isoformat()
            elif view.item is not None and view.item.date is not None:
                when = _("due {date}").format(date=view.item.date.isoformat())
            detail = view.detail or (view.item.rule if view.item is not None and view.state is not StepState.DONE
                                     else "")
            row = QTreeWidgetItem([view.step.label, when, view.status, detail])
            if view.item is not None:
                row.setToolTip(1, view.item.rule)
                colour = STATE_COLOURS.get(view.item.state) if view.state is not StepState.DONE else None
                if view.item.late_days:
                    colour = STATE_COLOURS[ItemState.OVERDUE]
                if colour is not None:
                    row.setForeground(2, QBrush(colour))
            colour = STEP_COLOURS.get(view.state)
            if colour is not None:
                row.setForeground(0, QBrush(colour))
            self.steps.addTopLevelItem(row)

    def _show_schedule(self) -> None:
        self.tree.clear()
        items = self.schedule.items if self.schedule else []
        for item in items:
            when = due_text(item)
            amount = format_amount(item.amount) if item.amount is not None else ""
            row = QTreeWidgetItem([item.what, when, amount, item.status, item.wording or item.rule])
            row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.setToolTip(4, item.wording or item.rule)
            if item.done_on is not None and item.late_days:
                row.setToolTip(3, _("done on {date}").format(date=item.done_on.isoformat()))
            colour = STATE_COLOURS.get(item.state)
            if colour is not None:
                row.setForeground(3, QBrush(colour))
            self.tree.addTopLevelItem(row)
        warnings = self.schedule.warnings if self.schedule else []
        self.warnings.setText("\n".join(warnings))
        self.warnings.setVisible(bool(warnings))
        self.calendar_button.setVisible(bool(self.schedule and self.schedule.uncovered_years))

    def _show_payments(self) -> None:
        self.payments.clear()
        st = self.standing
        if st is None:
            self.paid_label.setText("")
            return
        totals = st.totals
        paid = _("Paid ¥{paid} of ¥{total}; unpaid ¥{unpaid}; overdue ¥{overdue}").format(
            paid=format_amount(totals.paid), total=format_amount(st.contract.total),
            unpaid=format_amount(totals.unpaid), overdue=format_amount(totals.overdue))
        refusal = self._payment_refusal()
        # said before the clerk fills in the payment dialog, not after (the button is off meanwhile)
        note = refusal.message[:1].upper() + refusal.message[1:] if refusal is not None else ""
        self.paid_label.setText(f"{paid}\n{note}" if note else paid)
        for stored in st.payments:
            p = stored.payment
            row = QTreeWidgetItem([p.paid_on.isoformat(), str(p.instalment), format_amount(p.amount), p.voucher,
                                   p.note, stored.recorded_by])
            row.setData(0, Qt.ItemDataRole.UserRole, stored.id)
            row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.payments.addTopLevelItem(row)

    def _payment_refusal(self) -> UserError | None:
        """Why the open contract takes no payment yet (not signed, archived), when it has instalments to pay."""
        st = self.standing
        return payment_refusal(st.contract) if st is not None and st.instalments else None

    def _enable(self) -> None:
        st = self.standing
        has = st is not None
        open_steps = st is not None and st.lifecycle.current is not None
        for button in (self.record_button, self.skip_button, self.return_button):
            button.setEnabled(open_steps)
        self.entry_button.setEnabled(has)
        self.invoice_button.setEnabled(st is not None and bool(st.instalments))
        refusal = self._payment_refusal()
        self.pay_button.setEnabled(st is not None and bool(st.instalments) and refusal is None)
        self.pay_button.setToolTip(_("Record a payment made (part payments allowed)") if refusal is None
                                   else refusal.message)
        self.unpay_button.setEnabled(has and bool(self.payments.selectedItems()))

    # ------------------------------------------------------------------ actions

    def _dialog(self, dialog) -> None:
        """Open a dialog window-modally (the window keeps painting); kept as `self.dialog` for tests."""
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.accepted.connect(lambda: self.status_message.emit(_("Recorded")))
        dialog.open()

    def import_holiday_schedule(self, path: str | None = None) -> int:
        """Import a holiday schedule typed from the State Council notice (a CSV of 日期,类型,名称; every line checked
        before anything is stored); the days of its years already stored are replaced, after asking. Returns how many
        days were imported (0: none)."""
        from app.codecs.calendar_csv import read_calendar_csv
        from app.ops.calendar import set_days
        from app.store.calendar import holiday_rows

        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self, _("Import the State Council holiday schedule"), "",
                                                        _("Holiday schedule (*.csv)"))
            if not path:
                return 0
        try:
            days = read_calendar_csv(Path(path))
        except UserError as exc:
            QMessageBox.warning(self, _("Holiday schedule not imported"), str(exc))
            return 0
        years = sorted({d.day.year for d in days})
        stored = [d for year in years for d in holiday_rows(self.db, year)]
        if stored and QMessageBox.question(
            self, _("Replace the holiday schedule"),
            _("The calendar already holds {n} days for {years}. Replace them with the file's schedule?").format(
                n=len(stored), years=_(", ").join(map(str, years)))) != QMessageBox.StandardButton.Yes:
            return 0
        try:  # the file is the whole schedule of its years: what was stored for them goes first
            self.operations.call(set_days, days, clear_years=years)
        except UserError as exc:
            QMessageBox.warning(self, _("Holiday schedule not imported"), str(exc))
            return 0
        self.status_message.emit(_("{n} days imported for {years}").format(
            n=len(days), years=_(", ").join(map(str, years))))
        return len(days)

    def record_step(self):
        from ui.step_dialogs import StepDialog

        if self.standing is not None:
            self._dialog(StepDialog(self.operations, self.standing, self.today, self))
            return self.dialog
        return None

    def reason_step(self, *, skip: bool):
        from ui.step_dialogs import ReasonDialog

        if self.standing is not None:
            self._dialog(ReasonDialog(self.operations, self.standing, self.today, skip=skip, parent=self))
            return self.dialog
        return None

    def record_payment(self):
        from ui.step_dialogs import PaymentDialog

        if self.standing is not None:
            self._dialog(PaymentDialog(self.operations, self.standing, self.today, self))
            return self.dialog
        return None

    def record_invoice(self):
        from ui.step_dialogs import InvoiceDialog

        if self.standing is not None:
            self._dialog(InvoiceDialog(self.operations, self.standing, self.today, self))
            return self.dialog
        return None

    def edit_record(self):
        from ui.step_dialogs import RecordDialog

        if self.standing is not None:
            self._dialog(RecordDialog(self.operations, self.standing, self))
            return self.dialog
        return None

    def remove_payment(self, *, reason: str | None = None) -> None:
        from app.ops.payments import remove_payment

        selected = self.payments.selectedItems()
        if self.number is None or not selected:
            return
        payment_id = selected[0].data(0, Qt.ItemDataRole.UserRole)
        if reason is None:  # the question names the payment, so that the clerk sees it is the one meant
            row = selected[0]
            which = _("Instalment {n}: ¥{amount} paid on {date}").format(n=row.text(1), amount=row.text(2),
                                                                         date=row.text(0))
            reason, ok = QInputDialog.getText(self, _("Remove payment"), which + "\n" + _("Why is this payment removed?"))
            if not ok:
                return
        try:
            self.operations.run(remove_payment, self.number, payment_id, reason=reason)
        except UserError as exc:  # named as the dialogs name the field ("理由"), not by its key ("reason")
            from ui.step_dialogs import field_label

            self.status_message.emit(str(UserError(exc.message, field_label(exc.where))))
            return
        self.status_message.emit(_("Payment removed"))
