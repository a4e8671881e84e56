"""Editors bound to one contract field path, and the base of the contract editor tabs, validating as the user types through app.rules.fields.

Each editor shows the stored value (`show_value`), marks an invalid entry with a red frame and a
tooltip and reports the problem (`problem` signal, "" when it is gone), and emits `commit(path, value)`
with the parsed value only when the entry is valid and differs from what is stored. Nothing here
decides what a valid value is: app.rules.fields does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from app.base.errors import Conflict, UserError
from app.base.i18n import _
from app.domain import READ_ONLY, Contract, Status
from app.domain.workflow import field_allowed
from app.ops import Part
from app.rules.fields import format_value, get_value, label_of, parse_day, parse_value, where_label
from app.values.money import AmountError, rmb_upper
from ui.change_feed import FollowsContract
from ui.edit_commands import EditContext
from ui.first_paint import start_view
from ui.i18n import RetranslateMixin
from ui.operations import operations_for
from ui.problem_label import PROBLEM_RED, PROBLEM_STYLE, read_only_note

if TYPE_CHECKING:
    from app.store.db import Database

INVALID_STYLE = f"QLineEdit {{ border: 2px solid {PROBLEM_RED}; background: #fff4f3; }}"


class _UndoToWindow(QObject):
    """Lets Ctrl+Z / Ctrl+Y through to the window's undo stack when the text editor has nothing of its own
    to undo (e.g. right after its entry was stored); Qt's editors would otherwise swallow them and nothing happens."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if isinstance(watched, QLineEdit):
                undo, redo = watched.isUndoAvailable(), watched.isRedoAvailable()
            elif isinstance(watched, (QPlainTextEdit, QTextEdit)):
                undo, redo = watched.document().isUndoAvailable(), watched.document().isRedoAvailable()
            else:
                return False
            if (event.matches(QKeySequence.StandardKey.Undo) and not undo) or (
                event.matches(QKeySequence.StandardKey.Redo) and not redo
            ):
                event.ignore()
                return True
        return False


def pass_undo_to_window(editor: QLineEdit | QPlainTextEdit | QTextEdit) -> None:
    """Typing is undone in the editor itself; once there is none left, Ctrl+Z undoes the last stored edit."""
    editor.installEventFilter(_UndoToWindow(editor))


class FieldLineEdit(RetranslateMixin, QLineEdit):
    """A line edit for a text-like field path (text, amount, count, date, credit code …)."""

    commit = Signal(str, object)
    problem = Signal(str, str)  # path, message ("" when valid again)

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.stored: Any = None
        self.error: str = ""
        self._undo_passed = False
        self.textEdited.connect(self.validate)
        self.editingFinished.connect(self.try_commit)
        self.setAccessibleName(where_label(path))  # "乙方 · 名称", "第 2 期：金额": which one, for a screen reader
        self.setFixedHeight(self.sizeHint().height())  # the red frame of an invalid entry must not grow the row

    def focusInEvent(self, event: QFocusEvent) -> None:
        # Ctrl+Z passed on to the window from the first focus, which comes before any shortcut can: a filter on each
        # of the 概要 form's 40 editors from the start would make ≈900 of their events cross into Python before the
        # window's first paint.
        if not self._undo_passed:
            self._undo_passed = True
            pass_undo_to_window(self)
        super().focusInEvent(event)

    def show_value(self, value: Any) -> None:
        """Show the stored value (clears any error: the stored value is valid by construction)."""
        self.stored = value
        self.blockSignals(True)
        self.setText(format_value(self.path, value))
        self.setCursorPosition(0)  # long titles show their beginning
        self.blockSignals(False)
        self._set_error("")

    def parsed(self) -> Any:
        return parse_value(self.path, self.text())

    def validate(self) -> bool:
        try:
            self.parsed()
        except UserError as exc:
            self._set_error(exc.message)
            return False
        self._set_error("")
        return True

    def _set_error(self, message: str) -> None:
        changed = message != self.error
        self.error = message
        self.setStyleSheet(INVALID_STYLE if message else "")
        self.setToolTip(_("{field}: {value}").format(field=label_of(self.path), value=message) if message else "")
        self.setProperty("invalid", bool(message))
        if changed:
            self.problem.emit(self.path, message)

    def retranslate_ui(self) -> None:
        self.setAccessibleName(where_label(self.path))
        if self.error:
            self.validate()  # the explanation in the new language

    def try_commit(self) -> None:
        if self.isReadOnly() or not self.validate():
            return
        value = self.parsed()
        if value != self.stored:
            self.stored = value
            self.commit.emit(self.path, value)
        elif self.isUndoAvailable() or self.text() != format_value(self.path, value):
            # the stored value again, typed another way (full-width, "cny") or after a refused entry: shown as stored,
            # its typing history gone, so that Undo is not offered for an entry that changed nothing
            self.show_value(value)


class AmountEdit(QWidget):
    """An amount with its uppercase (大写) under it, updated as the user types: under, not beside, so that in a
    narrow form (1024 px) it wraps over the field's whole width instead of standing one character a line."""

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = FieldLineEdit(path)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        # The digits must stay readable in a narrow form: the edit keeps room for a nine-digit amount.
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("000,000,000.00") + 16)
        self.upper = QLabel()
        self.upper.setObjectName("amountUpper")
        self.upper.setWordWrap(True)
        self.upper.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # room for two lines whatever it says (measured in the Chinese face that draws them, often a fallback
        # taller than the window's font): the uppercase of a longer amount never pushes the form down
        two_lines = self.upper.fontMetrics().boundingRect(
            QRect(0, 0, 1000, 1000), Qt.TextFlag.TextWordWrap, "肆佰\n玖拾元整").height()
        self.upper.setFixedHeight(two_lines)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.upper)
        self.edit.textChanged.connect(self._update_upper)

    def _update_upper(self) -> None:
        try:
            value = self.edit.parsed()
        except UserError:
            self.upper.setText("")
            return
        try:
            self.upper.setText(rmb_upper(value) if isinstance(value, Decimal) else "")
        except AmountError:
            self.upper.setText("")

    def show_value(self, value: Any) -> None:
        self.edit.show_value(value)
        self._update_upper()


class DateEdit(RetranslateMixin, QWidget):
    """A date typed as 2025-05-22 or 2025年5月22日, or picked from a calendar; blank clears it.

    With a field `path` it is that field's editor (it stores what is typed, as every field does); without one it is
    a dialog's date, read with `day()` (the dialogs' QDateEdit corrected the parts one by one as they were typed and
    kept another day: 2026-11-20 became 2026-05-11)."""

    def __init__(self, path: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = FieldLineEdit(path) if path is not None else QLineEdit()
        self.button = QToolButton()
        self.button.setText("…")
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; }")  # the arrow covered the "…"
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.button.setMenu(menu)
        self._menu = menu
        self._calendar: QCalendarWidget | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.edit.setPlaceholderText(_("e.g. 2025-05-22 or 2025年5月22日"))
        self.button.setToolTip(_("Pick a date"))
        self.button.setAccessibleName(_("Pick a date"))

    @property
    def calendar(self) -> QCalendarWidget:
        """The picker, made when first opened: the 概要 form has several dates, and a calendar each cost the first
        paint time for a popup that is seldom used."""
        if self._calendar is None:
            self._calendar = QCalendarWidget()
            self._calendar.setGridVisible(True)
            self._calendar.clicked.connect(self.pick)
            action = QWidgetAction(self._menu)
            action.setDefaultWidget(self._calendar)
            self._menu.addAction(action)
        return self._calendar

    def _prepare_calendar(self) -> None:
        calendar = self.calendar
        try:
            value = self.edit.parsed() if isinstance(self.edit, FieldLineEdit) else self.day()
        except UserError:
            value = None
        if isinstance(value, date):
            calendar.setSelectedDate(QDate(value.year, value.month, value.day))

    def pick(self, qdate: QDate) -> None:
        """Take a date from the calendar as if typed (a field's editor stores it)."""
        self._menu.hide()
        self.edit.setText(date(qdate.year(), qdate.month(), qdate.day()).isoformat())
        if isinstance(self.edit, FieldLineEdit):
            self.edit.try_commit()

    def day(self) -> date:
        """The date typed (a dialog's date); UserError naming the date by its accessible name when it is none."""
        return parse_day(self.edit.text(), self.accessibleName())

    def set_day(self, day: date) -> None:
        self.edit.setText(day.isoformat())

    def show_value(self, value: Any) -> None:
        assert isinstance(self.edit, FieldLineEdit)
        self.edit.show_value(value)

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)


class FlagEdit(RetranslateMixin, QCheckBox):
    """A yes/no field committed when toggled."""

    commit = Signal(str, object)

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.toggled.connect(lambda on: self.commit.emit(self.path, bool(on)))
        self.setAccessibleName(where_label(path))

    def retranslate_ui(self) -> None:
        self.setAccessibleName(where_label(self.path))

    def show_value(self, value: Any) -> None:
        self.blockSignals(True)
        self.setChecked(bool(value))
        self.blockSignals(False)


class ChoiceEdit(QComboBox):
    """A field with a few fixed values (payee, what a payment counts from); items are (label msgid, value)."""

    commit = Signal(str, object)

    def __init__(self, path: str, choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.choices = choices
        for label, value in choices:
            self.addItem(_(label), value)
        self.setAccessibleName(where_label(path))
        self.activated.connect(lambda _i: self.commit.emit(self.path, parse_value(self.path, self.currentData())))

    def show_value(self, value: Any) -> None:
        self.blockSignals(True)
        index = self.findData(getattr(value, "value", value))
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def retranslate(self) -> None:
        for i, (label, _value) in enumerate(self.choices):
            self.setItemText(i, _(label))
        self.setAccessibleName(where_label(self.path))


def line_edit_of(widget: QWidget) -> FieldLineEdit | None:
    """The FieldLineEdit inside an editor (itself, or an AmountEdit's/DateEdit's)."""
    if isinstance(widget, FieldLineEdit):
        return widget
    return getattr(widget, "edit", None)


_EDITOR_HOOKS = ("show_contract", "apply_read_only", "focus_where")


def _row_after(path: str, before: Contract, after: Contract) -> str | None:
    """Where an entry typed into an instalment row is once the instalments changed: the same row, further down
    (rows inserted above it), further up (rows removed above it), or nowhere (its own row removed)."""
    match = re.match(r"payments\[(\d+)\]", path)
    if match is None:
        return path
    row, old, new = int(match.group(1)), before.payments, after.payments
    first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    shift = len(new) - len(old)
    if shift == 0 or row < first:
        moved = row
    elif shift > 0:
        moved = row + shift
    elif row < first - shift:
        return None
    else:
        moved = row + shift
    return f"payments[{moved}]{path[match.end():]}"


class ContractEditorBase(FollowsContract, RetranslateMixin, QWidget):
    """What the 概要, 条款 and 签署页 tabs share: the contract they show, its version, the read-only
    note, the stale-edit banner with its Reload button, and the message line for refused edits.

    They redraw from the change feed (ui.operations) whenever an op changes what the contract says, its
    state or its amendments, whichever tab made the edit; a tab that is not on screen redraws when shown."""

    #: What these tabs show of a contract (a change of anything else leaves them as they are).
    SHOWS = frozenset({*(p for p in Part if p not in (Part.COMMENTS, Part.REVISIONS, Part.CALENDAR))})
    #: Whether the tab shows only what the start-up's quick read holds (app.store.quick_read.contract_summary), so
    #: that the first paint can show it before the store is open.
    SHOWN_AT_START = False

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.undo_stack = db, undo_stack
        self.number: str | None = None
        self.contract: Contract | None = None
        self.read_only = False
        self.operations = operations_for(db)
        self.problems: dict[str, str] = {}  # field path -> why the entry on screen cannot be stored
        self.follow(self.operations)
        self.operations.conflict.connect(self._on_conflict)

        self.read_only_note = read_only_note()
        self.conflict_banner = QFrame()
        self.conflict_banner.setObjectName("conflictBanner")
        self.conflict_banner.setStyleSheet("QFrame#conflictBanner { background: #f8d7da; } QLabel { color: #842029; }")
        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        self.reload_button = QPushButton()
        self.reload_button.clicked.connect(self.reload_from_store)
        banner = QHBoxLayout(self.conflict_banner)
        banner.setContentsMargins(6, 2, 6, 2)
        banner.addWidget(self.conflict_label, 1)
        banner.addWidget(self.reload_button)
        self.conflict_banner.hide()
        self.message = QLabel()
        self.message.setObjectName("editMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.message.setStyleSheet(PROBLEM_STYLE)
        self.message.hide()
        self.message_area = self._message_area()

    def _message_area(self) -> QWidget:
        """The one place refused entries and the stale-edit banner show: its height is fixed, so a message
        appearing while the clerk types never moves a field (the next click lands where it was aimed).
        Messages beyond two lines scroll within it; the banner sits beside them."""
        area = QWidget()
        area.setObjectName("messageArea")
        lines = self.fontMetrics().lineSpacing()
        area.setFixedHeight(max(2 * lines + 8, self.reload_button.sizeHint().height() + 8))
        scroll = QScrollArea()
        scroll.setObjectName("messageScroll")
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop for Tab: the first field is
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A viewport made here (a QWidget does not fill its background), not the area's own: handing Qt's own to
        # Python first makes PySide6 create the type of every QWidget subclass, ≈10 ms before the first paint.
        scroll.setViewport(QWidget())
        scroll.setWidget(self.message)
        self.message.setAutoFillBackground(False)
        row = QHBoxLayout(area)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(scroll, 1)
        row.addWidget(self.conflict_banner, 1)
        return area

    def header(self) -> QVBoxLayout:
        """A layout holding the read-only note and the message area, for the top of a subclass's layout."""
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.read_only_note, self.message_area):
            box.addWidget(widget)
        return box

    # ------------------------------------------------------------------ contract

    def set_contract(self, number: str | None) -> None:
        """Show contract `number` (None: nothing); read-only when it is signed or archived."""
        self.number = number
        self.conflict_banner.hide()
        self.show_message("")
        self.reload()

    def reload(self) -> None:
        """Read the contract again and redraw; the version read is the one the next edit expects."""
        contract: Contract | None = None
        quick = start_view(self.db) if self.SHOWN_AT_START else None
        if quick is not None and quick.contract is not None and quick.contract.number == self.number \
                and quick.version is not None:  # start-up: read before the store opens (ui.first_paint)
            contract = quick.contract
            self.operations.seen(contract.number, quick.version)
        elif self.number is not None:
            from app.store import contracts

            try:  # the cost-table rows are the 附件 tab's: not read here
                contract, version = contracts.load_versioned(self.db, self.number, rows=False)
            except UserError as exc:
                self.show_message(str(exc))
            else:
                self.operations.seen(self.number, version)
        same = contract is not None and self.contract is not None and contract.number == self.contract.number
        pending = self._pending_entries() if same else {}
        if same and contract is not None and self.contract is not None:
            moved = {p: _row_after(p, self.contract, contract) for p in pending}
            pending = {to: pending[p] for p, to in moved.items() if to is not None}
        self.contract = contract
        self.show_contract(contract)
        self.set_read_only(contract is not None and contract.status in READ_ONLY)
        self._show_amended(contract)
        self._restore_pending(pending)

    def refused_entries(self) -> dict[str, tuple[str, str]]:
        """Entries on screen that cannot be stored: path → (what was typed, why not). Leaving the contract
        would lose them; the window asks first (ui.unsaved_entries)."""
        return {edit.path: (edit.text(), edit.error) for edit in self.line_edits()
                if edit.error and not edit.isReadOnly()}  # a signed contract's events stay open (apply_read_only)

    def line_edits(self) -> list[FieldLineEdit]:
        """The tab's field editors on screen (a tab that replaces editors when it redraws leaves the old ones out:
        they stay alive until the event loop deletes them, later still under a modal dialog's loop)."""
        return self.findChildren(FieldLineEdit)

    def _pending_entries(self) -> dict[str, str]:
        """The invalid entries on screen, by field path: never stored, so a redraw must not erase them."""
        return {edit.path: edit.text() for edit in self.line_edits() if edit.error}

    def _restore_pending(self, pending: dict[str, str]) -> None:
        """Put the clerk's invalid entries back after a redraw (another field's commit redraws the
        contract), still marked and explained, so none vanishes unseen; a locked editor drops its entry."""
        if not pending:
            return
        for edit in self.line_edits():
            if edit.path in pending and not edit.isReadOnly():
                edit.setText(pending[edit.path])
                edit.validate()

    def _show_amended(self, contract: Contract | None) -> None:
        """On a signed contract, say which fields its amendments (补充协议) changed and what now applies;
        the editors keep showing the signed values, with the effective one in their tooltip."""
        self.amended_paths: dict[str, str] = {}
        for editor in getattr(self, "editors", {}).values():
            editor.setToolTip("")
        if contract is None or not self.read_only:
            self.retranslate_ui()
            return
        quick = start_view(self.db) if self.SHOWN_AT_START else None
        if quick is not None and quick.contract is not None and quick.contract.number == contract.number:
            amendments = quick.amendments  # start-up: read before the store opens (ui.first_paint)
        else:
            from app.store.amendments import list_amendments

            amendments = [(a.number, a.changes) for a in list_amendments(self.db, contract.number)]
        for amendment_number, changes in amendments:
            for path, value in changes.items():
                try:
                    shown = format_value(path, parse_value(path, value))
                except UserError:  # a path the form does not edit (a clause, an annex)
                    shown = str(value)
                self.amended_paths[path] = _("{value} since {amendment}").format(value=shown, amendment=amendment_number)
        for path, text in self.amended_paths.items():
            editor = getattr(self, "editors", {}).get(path)
            if editor is not None:
                editor.setToolTip(_("Effective value: {value}").format(value=text))
        self.retranslate_ui()

    def reload_from_store(self) -> None:
        """The banner's Reload: drop what this window believed and show what is stored now."""
        self.conflict_banner.hide()
        self.show_message("")
        if self.number is not None:
            self.operations.reload(self.number)  # every view of the contract redraws

    def refresh(self) -> None:
        """Redraw from the store after an op changed what this tab shows."""
        self.reload()
        self._show_problems()  # another field was stored: the entries still invalid keep their explanation

    def _on_conflict(self, number: str, message: str) -> None:
        if number == self.number:
            self.report(Conflict(message, number))

    def context(self) -> EditContext:
        assert self.number is not None
        return EditContext(self.operations, self.number, self.report, self)

    def field_problem(self, path: str, message: str) -> None:
        """An editor's entry became invalid (message) or valid again (""): the message line lists them all."""
        if message:
            self.problems[path] = message
        else:
            self.problems.pop(path, None)
        self._show_problems()

    def _show_problems(self) -> None:
        shown = [_("{field}: {value}").format(field=label_of(p), value=m) for p, m in self.problems.items()]
        self.show_message("\n".join(shown))

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    def report(self, exc: UserError) -> None:
        """A refused edit: a stale version gets the banner with Reload; anything else the message line."""
        if isinstance(exc, Conflict):
            self.conflict_label.setText(
                _("Not saved: {message}.").format(message=exc.message.rstrip("."))
                + " "
                + _("Reload to see the stored contract; your change was not applied.")
            )
            self.conflict_label.setToolTip(self.conflict_label.text())  # in full, should it not fit
            self.conflict_banner.show()
        else:
            self.show_message(str(exc))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setToolTip(text)
        self.message.setVisible(bool(text))

    # ------------------------------------------------------------------ read-only and language

    def field_locked(self, path: str, read_only: bool) -> bool:
        """Whether the editor of `path` is locked when the tab is `read_only`: a signed contract still records the
        dates the schedule needs after signing (app.domain.workflow.field_allowed), so their editors stay open."""
        if not read_only:
            return False
        if self.contract is None:
            return True
        try:
            old = get_value(self.contract, path)
        except UserError:
            return True
        return not field_allowed(self.contract.status, path, old)

    def may_commit(self, path: str) -> bool:
        """An entry of `path` may be stored now (a contract is open and the field is not locked)."""
        return self.number is not None and self.contract is not None and not self.field_locked(path, self.read_only)

    def set_read_only(self, read_only: bool) -> None:
        """Signed/archived contracts: every editor disabled, with the note saying why."""
        self.read_only = read_only
        self.read_only_note.setVisible(read_only)
        self.apply_read_only(read_only)

    def retranslate_ui(self) -> None:
        note = _("This contract is signed: signed contracts change only through an amendment. The fields are read-only.")
        contract = getattr(self, "contract", None)  # a tab with an editor that a signed contract leaves open says so
        if contract is not None and contract.status is Status.SIGNED and any(
                field_allowed(Status.SIGNED, path, None) for path in getattr(self, "editors", {})):
            note = _("This contract is signed: signed contracts change only through an amendment. The fields are "
                     "read-only, except the dates still recorded after signing: acceptance requested, reminder sent, "
                     "accepted, and a signing date left blank.")
        amended = getattr(self, "amended_paths", {})
        if amended:
            note += "\n" + _("Amended since signing (effective values):") + "\n" + "\n".join(
                "· " + _("{field}: {value}").format(field=where_label(path), value=text) for path, text in amended.items())
        self.read_only_note.setText(note)
        self.reload_button.setText(_("Reload"))

    # ------------------------------------------------------------------ for subclasses
    # Each tab defines these three; a tab that lacks one is refused when its class is made (below).
    show_contract: Callable[[Contract | None], None]  # draw `contract` (None: empty the tab)
    apply_read_only: Callable[[bool], None]  # lock or unlock the tab's editors
    focus_where: Callable[[str], bool]  # put the cursor on a check finding's `where`; False if not here

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        missing = [name for name in _EDITOR_HOOKS if not callable(getattr(cls, name, None))]
        if missing:
            raise TypeError(f"{cls.__name__} must define {', '.join(missing)}")

    def comment_target(self, focus: QWidget | None) -> tuple[str, str] | None:
        """("field", path) for the field editor holding `focus`; None when the focus is on no field."""
        for path, editor in getattr(self, "editors", {}).items():
            if focus is not None and (focus is editor or editor.isAncestorOf(focus)):
                return "field", path
        return None
