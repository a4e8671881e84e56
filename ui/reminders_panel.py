"""The reminders panel the window shows on opening: what is overdue and what falls due within a week across all
contracts (payments, acceptance, review answers, filing, renewals 90/60/30 days ahead), from app.reminders.

The clerk dismisses items one by one (kept per user in the database; an item comes back if its date moves) and
opens a contract by double-clicking its line. The list is computed off the GUI thread and again when something
that moves dates changes (a step, a payment, the calendar, the office's settings). With nothing to remind of, the
dock is its one summary line, so that the 概要 form keeps the height on a 768-pixel screen; it opens again, as
high as it was, when something falls due.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.base.i18n import _, ngettext
from app.ops import Changes, Part
from ui.background import BackgroundCall, run_in_background
from ui.i18n import RetranslateMixin
from ui.operations import operations_for
from ui.problem_label import PROBLEM_RED

if TYPE_CHECKING:
    from app.rules.reminders import Reminder
    from app.store.db import Database

#: The list's height when it first opens (the clerk's own height is kept after that).
OPEN_HEIGHT = 150
#: Qt's "no maximum" for a widget's size (QWIDGETSIZE_MAX).
NO_MAXIMUM = 16_777_215

#: What moves a reminder's date or state.
MOVES = frozenset({Part.EVENTS, Part.PAYMENTS, Part.TERMS, Part.FIELDS, Part.STATE, Part.CALENDAR, Part.DATABASE,
                   Part.LIFECYCLE, Part.PAYMENTS_MADE, Part.OFFICE, Part.REMINDERS, Part.CONTRACTS})
OVERDUE = QColor(PROBLEM_RED)


def compute_reminders(db: Database, today: date, user: str) -> list[Reminder]:
    """The panel's list for `user` (Qt-free: it runs in a worker)."""
    from app.ops.standings import all_standings
    from app.rules.reminders import reminders
    from app.store.lifecycle import dismissed

    sources = [st.reminder_source() for st in all_standings(db, today)]
    return reminders(sources, today, dismissed=dismissed(db, user))


class RemindersPanel(RetranslateMixin, QDockWidget):
    """A dock of the main window; `open_contract(number)` when a line is double-clicked."""

    open_contract = Signal(str)
    status_message = Signal(str)

    def __init__(self, db: Database, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remindersPanel")
        self.db = db
        self.operations = operations_for(db)
        self.fixed_today = today
        self.reminders: list[Reminder] = []
        self.computed = False  # until the first computation ends, the summary says it is looking
        self.compact: bool | None = None  # the list hidden and the dock one line high (None: not decided yet)
        self.open_height = OPEN_HEIGHT
        self._call: BackgroundCall | None = None
        self._again = False
        self.summary = QLabel()
        self.summary.setObjectName("remindersSummary")
        self.list = QTreeWidget()
        self.list.setObjectName("reminderList")
        self.list.setMinimumHeight(60)
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setColumnCount(5)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setStretchLastSection(True)
        self.list.itemActivated.connect(self._open)  # double-click, Enter
        self.list.itemSelectionChanged.connect(self._enable)
        self.dismiss_button = QPushButton()
        self.dismiss_button.setObjectName("dismissReminder")
        self.dismiss_button.clicked.connect(lambda: self.dismiss_selected())
        self.restore_button = QPushButton()
        self.restore_button.clicked.connect(lambda: self.restore_all())
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.dismiss_button)
        row.addWidget(self.restore_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        self.setWidget(body)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(500)
        self._soon.timeout.connect(self.refresh)
        self.operations.changed.connect(self._changed)
        self.retranslate_ui()

    @property
    def today(self) -> date:
        return self.fixed_today or date.today()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Reminders"))
        self.list.setHeaderLabels([_("Date"), _("State"), _("Contract"), _("What"), _("Kind")])
        self.list.setAccessibleName(_("Reminders"))
        self.dismiss_button.setText(_("Dismiss"))
        self.dismiss_button.setAccessibleName(_("Dismiss the selected reminders"))
        self.dismiss_button.setToolTip(_("Hide the selected reminders until their date moves"))
        self.restore_button.setText(_("Show dismissed"))
        self.restore_button.setAccessibleName(_("Show the dismissed reminders again"))
        self._show()
        if self.computed:  # each line's "due in 4 days" and what falls due are words of the old language
            self.refresh()

    # ------------------------------------------------------------------ computing

    def refresh(self) -> None:
        """Compute the list off the GUI thread (again after the running computation, if one runs)."""
        from app.base.clock import current_user

        if self._call is not None:
            self._again = True
            return
        db, today, user = self.db, self.today, current_user()
        # Bound methods, not closures: a panel closed meanwhile is disconnected, never called.
        self._call = run_in_background(lambda: compute_reminders(db, today, user), self._computed, self._failed)

    def _computed(self, result: list[Reminder]) -> None:
        self._call = None
        self.reminders, self.computed = result, True
        self._show()
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, exc: Exception) -> None:
        self._call = None
        self.computed = True
        self.summary.setText(str(exc))

    def refresh_now(self) -> None:
        """Compute the list on this thread (tests, and the first paint when asked)."""
        from app.base.clock import current_user

        self.reminders, self.computed = compute_reminders(self.db, self.today, current_user()), True
        self._show()

    def _changed(self, changes: Changes) -> None:
        if changes.parts & MOVES:
            self._soon.start()

    # ------------------------------------------------------------------ drawing

    def _show(self) -> None:
        self.list.clear()
        overdue = sum(1 for r in self.reminders if r.overdue)
        for r in self.reminders:
            row = QTreeWidgetItem([r.date.isoformat(), r.status, r.number, r.what, r.kind.label])
            row.setToolTip(3, "\n".join(t for t in (r.title, r.rule) if t))
            row.setData(0, Qt.ItemDataRole.UserRole, r)
            if r.overdue:
                for col in (0, 1):
                    row.setForeground(col, QBrush(OVERDUE))
            self.list.addTopLevelItem(row)
        if not self.computed:
            self.summary.setText(_("Looking for what is overdue or due within a week…"))
        elif not self.reminders:
            self.summary.setText(_("Nothing is overdue or due within a week."))
        else:  # what can be done since a date (an invoice that may be issued) is not "due within a week"
            from app.rules.schedule import ItemState

            ready = sum(1 for r in self.reminders if r.state is ItemState.OPEN)
            soon = len(self.reminders) - overdue - ready
            parts = [ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue),
                     ngettext("{n} due within a week", "{n} due within a week", soon).format(n=soon)]
            if ready:
                parts.append(ngettext("{n} can be done now", "{n} can be done now", ready).format(n=ready))
            self.summary.setText(_("; ").join(parts))
        self._enable()
        self._fit(compact=not self.reminders)

    def _fit(self, compact: bool) -> None:
        """Hide the empty list and hold the dock to its summary line, or show the list at the height it had."""
        if compact == self.compact:
            return
        if compact:
            if self.compact is False and self.list.height() > 0:
                self.open_height = self.height()  # the clerk may have made it higher or lower
            self.list.hide()
            body = self.widget()  # held, not the dock: the dock's own size hint still counts the hidden list
            body.setMaximumHeight(body.sizeHint().height())
        else:
            self.list.show()
            self.widget().setMaximumHeight(NO_MAXIMUM)
            window = self.parentWidget()
            if isinstance(window, QMainWindow) and not self.isFloating():
                window.resizeDocks([self], [self.open_height], Qt.Orientation.Vertical)
        self.compact = compact

    def _enable(self) -> None:
        self.dismiss_button.setEnabled(bool(self.list.selectedItems()))

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        reminder: Reminder = item.data(0, Qt.ItemDataRole.UserRole)
        self.open_contract.emit(reminder.number)

    # ------------------------------------------------------------------ actions

    def dismiss_selected(self) -> int:
        from app.ops.office import dismiss_reminder

        chosen = [item.data(0, Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]
        for reminder in chosen:
            self.operations.call(dismiss_reminder, reminder.dismiss_digest, reminder.number)
        self.reminders = [r for r in self.reminders if r not in chosen]
        self._show()
        if chosen:
            self.status_message.emit(ngettext("{n} reminder dismissed", "{n} reminders dismissed", len(chosen))
                                     .format(n=len(chosen)))
        return len(chosen)

    def restore_all(self) -> None:
        from app.ops.office import restore_reminders

        self.operations.call(restore_reminders)
