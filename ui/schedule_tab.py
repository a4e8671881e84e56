"""The 付款与期限 tab: every deadline and payment of the open contract, from app.rules.schedule.

Each row says what, when it falls due (or what it still waits for), the amount for a payment, and its
state compared with today (done, done N days late, due in N days, overdue …). Calendar warnings show
above the table.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.base.errors import UserError
from app.base.i18n import _
from app.ops import Part
from app.rules.schedule import ItemState, Schedule, ScheduleItem, build_schedule
from app.store.contracts import load
from app.store.db import Database
from app.values.money import format_amount
from ui.change_feed import FollowsContract
from ui.operations import operations_for

STATE_COLOURS = {ItemState.OVERDUE: QColor("#b00020"), ItemState.TODAY: QColor("#b35c00"), ItemState.DONE: QColor("#5f6368")}


def due_text(item: ScheduleItem) -> str:
    """The "due date or waits for" cell: the date, what the item waits for, or when an undated step was done."""
    if item.date is not None:
        return item.date.isoformat()
    if item.waits_for:
        return _("waits for: {event}").format(event=item.waits_for)
    if item.done_on is not None:
        return _("done on {date}").format(date=item.done_on.isoformat())
    return ""


class ScheduleTab(FollowsContract, QWidget):
    """Deadlines and payments; `today` is fixed by tests, otherwise the real date at each refresh."""

    SHOWS = frozenset({Part.FIELDS, Part.TERMS, Part.EVENTS, Part.PAYMENTS, Part.STATE, Part.CALENDAR})

    def __init__(self, db: Database, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.follow(operations_for(db))
        self.number: str | None = None
        self.fixed_today = today
        self.schedule: Schedule | None = None
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setObjectName("scheduleWarnings")
        self.tree = QTreeWidget()
        self.tree.setObjectName("scheduleItems")
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(5)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warnings)
        layout.addWidget(self.tree, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("What"), _("Due date or waits for"), _("Amount"), _("State"), _("As the contract says")])
        self.tree.setAccessibleName(_("Deadlines and payments"))
        if self.number is not None:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def set_contract(self, number: str | None) -> None:
        self.number = number
        self.refresh()

    def refresh(self) -> None:
        from app.store.calendar import load_calendar

        self.tree.clear()
        self.schedule = None
        if self.number is not None:
            try:
                contract = load(self.db, self.number, rows=False)
            except UserError:
                contract = None
            if contract is not None:
                self.schedule = build_schedule(contract, load_calendar(self.db), self.fixed_today or date.today())
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
