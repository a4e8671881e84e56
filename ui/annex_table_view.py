"""The cost-table editor: filter box, table, pinned totals footer, row actions and clipboard.

Copy and paste speak the tab-separated text Excel and WPS put on the clipboard. A paste is checked
cell by cell before anything is written: one bad cell refuses the whole paste and says which.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import COST_COLUMNS
from app.domain.cost_table import QUANTITY_PLACES
from app.store import annex_rows as store
from app.store.annex_rows import CellChange
from app.store.db import Database
from app.values.money import format_amount, rmb_upper
from app.values.tsv import format_tsv, parse_tsv
from ui import settings as keys
from ui.annex_commands import DeleteRowsCommand, InsertRowsCommand, MoveRowsCommand, PasteCommand
from ui.annex_delegates import DecimalDelegate, TextDelegate
from ui.annex_table_model import AMOUNT_COLUMN, VIEW_COLUMNS, CostTableModel
from ui.i18n import RetranslateMixin

#: Fit the seven columns, the amounts included, in the tab beside the list on a 1600-pixel screen.
_DEFAULT_WIDTHS = {
    "item": 170,
    "spec": 190,
    "unit": 48,
    "quantity": 72,
    "unit_price": 110,
    "amount": 120,
    "remark": 140,
}
_EMPTY_ROW = ("", "", "", Decimal("0"), Decimal("0.00"), "")


class TotalsFooter(QFrame):
    """The totals row that stays below the table: digits, uppercase, and the difference from the contract."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("totalsFooter")
        layout = QGridLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.total_label = QLabel()
        self.upper_label = QLabel()
        self.contract_label = QLabel()
        self.difference_label = QLabel()
        self.difference_label.setObjectName("difference")
        self._differs = False
        for label in (self.total_label, self.upper_label, self.contract_label, self.difference_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.total_label, 0, 0)
        layout.addWidget(self.upper_label, 0, 1)
        layout.addWidget(self.contract_label, 1, 0)
        layout.addWidget(self.difference_label, 1, 1, Qt.AlignmentFlag.AlignLeft)
        layout.setColumnStretch(1, 1)

    def show_totals(self, total: Decimal, contract_total: Decimal, rows: int) -> None:
        self.total_label.setText(_("Total ({n} rows): ¥{amount}").format(n=f"{rows:,}", amount=format_amount(total)))
        try:
            self.upper_label.setText(_("In words: {upper}").format(upper=rmb_upper(total)))
        except ValueError:
            self.upper_label.setText("")
        self.contract_label.setText(_("Contract total: ¥{amount}").format(amount=format_amount(contract_total)))
        difference = total - contract_total
        self._differs = bool(difference)
        if difference:
            sign = "+" if difference > 0 else "−"
            self.difference_label.setText(
                _("Differs from the contract total by {sign}¥{amount}").format(
                    sign=sign, amount=format_amount(abs(difference))
                )
            )
            self.difference_label.setStyleSheet("QLabel { background: #f8d7da; color: #842029; padding: 2px 6px; }")
        else:
            self.difference_label.setText(_("Agrees with the contract total"))
            self.difference_label.setStyleSheet("QLabel { color: #0f5132; padding: 2px 6px; }")

    def show_loading(self, rows: int) -> None:
        self.total_label.setText(_("Reading rows… ({n} so far)").format(n=rows))
        self.upper_label.setText("")
        self.difference_label.setText("")
        self.difference_label.setStyleSheet("")
        self._differs = False

    @property
    def differs(self) -> bool:
        """Whether the table total and the contract total disagree (the difference is highlighted)."""
        return self._differs


class CostTableEditor(RetranslateMixin, QWidget):
    """Edits one table annex; every change is an undoable command committed to the store at once."""

    status_message = Signal(str)

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.undo_stack = undo_stack
        self.model = CostTableModel(db, undo_stack, self)
        self.model.problem.connect(self.status_message)
        self.model.total_changed.connect(self._show_totals)
        self.model.modelReset.connect(self._show_totals)

        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.model.set_filter)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        vheader = self.table.verticalHeader()
        # Fixed row heights: Qt never measures 100,000 rows.
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(False)
        header.sectionClicked.connect(self._header_clicked)
        for col, name in enumerate(VIEW_COLUMNS):
            self.table.setColumnWidth(col, _DEFAULT_WIDTHS[name])
        self._settings = keys.settings()
        saved = keys.read_bytes(self._settings, keys.ANNEX_HEADER_KEY)
        if saved is not None:
            header.restoreState(saved)  # the widths the clerk dragged last time
        header.sectionResized.connect(self._remember_widths)
        self._delegates = {
            "quantity": DecimalDelegate(QUANTITY_PLACES, self.table),
            "unit_price": DecimalDelegate(2, self.table),
            "unit": TextDelegate(32, self.table),
        }
        text_delegate = TextDelegate(None, self.table)
        for col, name in enumerate(VIEW_COLUMNS):
            if col != AMOUNT_COLUMN:
                self.table.setItemDelegateForColumn(col, self._delegates.get(name, text_delegate))
        self._text_delegate = text_delegate
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.footer = TotalsFooter()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footer)
        self._make_actions()
        self._show_totals()

    # ------------------------------------------------------------------ set-up

    def _action(self, shortcut, slot) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # The table itself, not its cell editor: Ins or Alt+Up while typing in a cell edits the text, not the rows.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.table.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.insert_action = self._action(Qt.Key.Key_Insert, self.insert_rows)
        self.append_action = self._action("Ctrl+Shift+Insert", self.append_row)
        self.delete_action = self._action(Qt.Key.Key_Delete, self.delete_rows)
        self.up_action = self._action("Alt+Up", lambda: self.move_rows(-1))
        self.down_action = self._action("Alt+Down", lambda: self.move_rows(1))
        self.copy_action = self._action(QKeySequence.StandardKey.Copy, self.copy)
        self.paste_action = self._action(QKeySequence.StandardKey.Paste, self.paste)
        self.unsort_action = self._action(None, lambda: self.sort_by(-1))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.filter_edit.setPlaceholderText(_("Filter rows…"))
        self.filter_edit.setAccessibleName(_("Filter rows"))
        self.table.setAccessibleName(_("Cost table"))
        for action, text in (
            (self.insert_action, _("Insert rows above")),
            (self.append_action, _("Add a row at the end")),
            (self.delete_action, _("Delete rows")),
            (self.up_action, _("Move rows up")),
            (self.down_action, _("Move rows down")),
            (self.copy_action, _("Copy")),
            (self.paste_action, _("Paste")),
            (self.unsort_action, _("Show stored order")),
        ):
            action.setText(text)
        self._show_totals()

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        for action in (
            self.insert_action,
            self.append_action,
            self.delete_action,
            None,
            self.up_action,
            self.down_action,
            None,
            self.copy_action,
            self.paste_action,
            None,
            self.unsort_action,
        ):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------------ loading

    def load(self, annex_id: int | None, number: str | None = None) -> None:
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.model.load(annex_id, number)

    def _remember_widths(self, *_args) -> None:
        self._settings.setValue(keys.ANNEX_HEADER_KEY, self.table.horizontalHeader().saveState())

    def _show_totals(self) -> None:
        if self.model.loading:
            self.footer.show_loading(self.model.stored_row_count)
        else:
            self.footer.show_totals(self.model.total, self.model.contract_total, self.model.stored_row_count)

    # ------------------------------------------------------------------ sorting

    def _header_clicked(self, column: int) -> None:
        """Ascending, descending, then back to stored order, as clerks know from WPS."""
        state = self.model.sort_state
        if state is None or state[0] != column:
            self.sort_by(column, Qt.SortOrder.AscendingOrder)
        elif state[1] == Qt.SortOrder.AscendingOrder:
            self.sort_by(column, Qt.SortOrder.DescendingOrder)
        else:
            self.sort_by(-1)

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        header = self.table.horizontalHeader()
        self.model.sort(column, order)
        header.setSortIndicatorShown(column >= 0)
        if column >= 0:
            header.setSortIndicator(column, order)

    # ------------------------------------------------------------------ row actions

    def _selected_view_rows(self) -> list[int]:
        rows = {i.row() for i in self.table.selectionModel().selectedIndexes()}
        current = self.table.currentIndex()
        if not rows and current.isValid():
            rows = {current.row()}
        return sorted(rows)

    def _loaded(self) -> bool:
        if self.model.annex_id is None:
            self.status_message.emit(_("No table annex is open"))
            return False
        if self.model.loading:
            self.status_message.emit(_("The table is still being read; try again in a moment"))
            return False
        return True

    def insert_rows(self) -> None:
        """Insert as many empty rows as are selected, above the first selected row."""
        if not self._loaded():
            return
        rows = self._selected_view_rows()
        before = self.model.row_id(rows[0]) if rows else None
        self.undo_stack.push(InsertRowsCommand(self.model, before, [_EMPTY_ROW] * max(1, len(rows))))
        if before is not None:
            self._select_stored(self.model.index_of_id(before) - max(1, len(rows)))

    def append_row(self) -> None:
        if not self._loaded():
            return
        self.undo_stack.push(InsertRowsCommand(self.model, None, [_EMPTY_ROW]))
        self._select_stored(self.model.stored_row_count - 1)

    def delete_rows(self) -> None:
        if not self._loaded():
            return
        rows = self._selected_view_rows()
        if not rows:
            return
        ids = [self.model.row_id(r) for r in rows]
        self.undo_stack.push(DeleteRowsCommand(self.model, ids))
        self.status_message.emit(_("Deleted {n} rows (Ctrl+Z undoes it)").format(n=len(ids)))

    def move_rows(self, step: int) -> None:
        """Move the selected contiguous rows one place up (-1) or down (+1) in stored order."""
        if not self._loaded():
            return
        if not self.model.is_stored_order:
            self.status_message.emit(_("Rows can be moved only in stored order: clear the sort and the filter"))
            return
        rows = self._selected_view_rows()
        if not rows:
            return
        first, last = rows[0], rows[-1]
        if last - first + 1 != len(rows):
            self.status_message.emit(_("Select adjacent rows to move them"))
            return
        ids = self.model.stored_ids()
        if (step < 0 and first == 0) or (step > 0 and last == len(ids) - 1):
            return
        if step < 0:
            new = [*ids[first : last + 1], ids[first - 1]]
        else:
            new = [ids[last + 1], *ids[first : last + 1]]
        text = _("Move rows up") if step < 0 else _("Move rows down")
        self.undo_stack.push(MoveRowsCommand(self.model, new, text))
        column = max(self.table.currentIndex().column(), 0)
        selection = self.table.selectionModel()
        selection.clearSelection()
        for r in range(first + step, last + step + 1):
            selection.select(self.model.index(r, column), QItemSelectionModel.SelectionFlag.Select)
        self.table.setCurrentIndex(self.model.index(first + step, column))

    def _select_stored(self, stored_index: int) -> None:
        if self.model.is_stored_order and 0 <= stored_index < self.model.rowCount():
            column = max(self.table.currentIndex().column(), 0)
            self.table.setCurrentIndex(self.model.index(stored_index, column))

    # ------------------------------------------------------------------ clipboard

    def copy_text(self) -> str:
        """The selected block as tab-separated text (numbers without grouping, as Excel reads them)."""
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes and self.table.currentIndex().isValid():
            indexes = [self.table.currentIndex()]
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        out = []
        for r in rows:
            out.append(
                [
                    str(self.model.index(r, c).data(Qt.ItemDataRole.EditRole)) if (r, c) in chosen else ""
                    for c in range(cols[0], cols[-1] + 1)
                ]
            )
        return format_tsv(out)

    def copy(self) -> None:
        text = self.copy_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def paste(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Paste a TSV block at the current cell: existing rows are overwritten, extra rows appended.

        Every cell is checked first; nothing is written unless all are valid. One undo step.
        """
        if not self._loaded():
            return False
        block = parse_tsv(text)
        if not block:
            return False
        current = self.table.currentIndex()
        top = current.row() if current.isValid() else self.model.rowCount()
        left = current.column() if current.isValid() else 0
        view_rows = self.model.rowCount()
        changes: list[CellChange] = []
        appended: list[tuple] = []
        try:
            for i, cells in enumerate(block):
                view_row = top + i
                if view_row < view_rows:
                    stored = self.model.stored_index(view_row)
                    row_id = self.model.row_id(view_row)
                    for j, raw in enumerate(cells):
                        col = left + j
                        if col >= len(VIEW_COLUMNS) or col == AMOUNT_COLUMN:
                            continue
                        name = VIEW_COLUMNS[col]
                        value = store.parse_cell(name, raw, store.cell_where(stored + 1, name))
                        changes.append(CellChange(row_id, name, value))
                else:
                    values = dict(zip(COST_COLUMNS, _EMPTY_ROW, strict=True))
                    number = self.model.stored_row_count + len(appended) + 1
                    for j, raw in enumerate(cells):
                        col = left + j
                        if col >= len(VIEW_COLUMNS) or col == AMOUNT_COLUMN:
                            continue
                        name = VIEW_COLUMNS[col]
                        if name in store.NUMBER_COLUMNS and not raw.strip():
                            continue
                        values[name] = store.parse_cell(name, raw, store.cell_where(number, name))
                    appended.append(tuple(values[n] for n in COST_COLUMNS))
        except UserError as exc:
            self.status_message.emit(_("Nothing was pasted: {problem}").format(problem=str(exc)))
            return False
        if not changes and not appended:
            return False
        self.undo_stack.push(PasteCommand(self.model, changes, appended))
        if appended and self.filter_edit.text().strip():  # new rows go to the end, where the filter may hide them
            self.status_message.emit(_("Pasted {n} rows; the {added} added at the end of the table may be hidden by "
                                       "the filter").format(n=len(block), added=len(appended)))
        else:
            self.status_message.emit(_("Pasted {n} rows").format(n=len(block)))
        return True
