"""The cost table (费用明细表) as a Qt table model over column lists loaded once.

100,000 rows must open at once and scroll smoothly, so the model holds plain Python lists (one per
column, in stored order) and formats only the cells Qt asks for; it never queries per cell. The
total is kept incrementally: an edit adjusts it by the row's change instead of re-adding every row.
Sorting and filtering are a view-only permutation of stored indices; stored order never changes.

Edits go through the undo stack (ui/annex_commands.py); the commands write the store and then call
the `apply_*` methods here, which only update memory and tell the views.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QUndoStack

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import COST_COLUMNS
from app.store import annex_rows as store
from app.store.annex_rows import CellChange, RowValues, StoredRow
from app.store.db import Database
from app.values.money import format_amount, quantize
from ui.annex_commands import EditCellsCommand
from ui.operations import operations_for

#: The columns as shown: the stored ones with the computed amount before the remark.
VIEW_COLUMNS = ("item", "spec", "unit", "quantity", "unit_price", "amount", "remark")
AMOUNT_COLUMN = VIEW_COLUMNS.index("amount")
_NUMERIC = frozenset(("quantity", "unit_price", "amount"))
_ERROR_BRUSH = QBrush(QColor("#f8d7da"))
# Roles, alignments and flags looked up once: data() and flags() run for every visible cell on every paint,
# and an enum attribute lookup or `|` on Qt's enums costs more than the rest of the call.
_DISPLAY, _EDIT, _ALIGN, _TOOLTIP, _BACKGROUND = (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_READ_ONLY = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
_EDITABLE = _READ_ONLY | Qt.ItemFlag.ItemIsEditable
ZERO = Decimal("0.00")
#: Rows read before the table is first shown (a screen is ~40); the rest follow in pages.
FIRST_PAGE = 500
PAGE = 10_000
log = logging.getLogger(__name__)


def _sum_amounts(quantities: Sequence[Decimal], prices: Sequence[Decimal]) -> Decimal:
    """The table total as printed: each row's amount rounded to the fen, then added."""
    return sum((quantize(q * p) for q, p in zip(quantities, prices, strict=True)), ZERO)


def _plain(value: Decimal) -> str:
    """A number as typed back into an editor or copied to Excel: no grouping, no exponent."""
    return format(value, "f")


def format_quantity(value: Decimal) -> str:
    return format(value, ",f")


class CostTableModel(QAbstractTableModel):
    """Rows of one table annex; `annex_id` is None when nothing is loaded."""

    #: A refused input or failed write, already translated: for the status bar.
    problem = Signal(str)
    #: The table total changed (digits, uppercase and difference need redrawing).
    total_changed = Signal()
    #: Every row of the annex is in memory.
    loaded = Signal()

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.undo_stack = undo_stack
        self.operations = operations_for(db)
        #: The contract the annex belongs to (its version is checked by every edit).
        self.number: str | None = None
        self.annex_id: int | None = None
        #: True while one of this model's own commands writes: the change feed need not redraw it.
        self.writing = False
        self.contract_total: Decimal = ZERO
        self._ids: list[int] = []
        self._cols: dict[str, list] = {name: [] for name in COST_COLUMNS}
        self._index: dict[int, int] = {}
        self._view: list[int] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._filter = ""
        self._total = ZERO
        self._errors: dict[tuple[int, str], str] = {}
        self._loading = False
        self._last_position: int | None = None

    # ------------------------------------------------------------------ loading

    def load(self, annex_id: int | None, number: str | None = None) -> None:
        """Show the annex's first page at once; a large table's other rows follow page by page.

        `loading` is True until every row is in memory (edits wait for it); `loaded` is emitted then.
        """
        self.beginResetModel()
        if number is not None or annex_id is None:
            self.number = number
        self.annex_id = annex_id
        self._errors.clear()
        self._view = None
        self._sort = None
        self._filter = ""
        self._loading = False
        if annex_id is None:
            self._ids, self._cols = [], {name: [] for name in COST_COLUMNS}
            self.contract_total = ZERO
        else:
            first = store.fetch_rows(self.db, annex_id, limit=FIRST_PAGE)
            self._ids, self._cols = first.ids, first.columns
            self.contract_total = store.contract_total(self.db, annex_id)
            self._loading = len(first) == FIRST_PAGE
        self._reindex()
        self._total = _sum_amounts(self._cols["quantity"], self._cols["unit_price"])
        self.endResetModel()
        if self._loading:
            self._last_position = first.last_position
            QTimer.singleShot(0, self._read_more)
        else:
            self.loaded.emit()
        self.total_changed.emit()

    def _read_more(self) -> None:
        """Append the next page of rows; the event loop runs between pages, so the window stays live.

        (Pages on the GUI thread rather than a worker thread: PySide6 on Python 3.11 was seen to
        corrupt reference counts when a Python thread ran while the view painted.)
        """
        if not self._loading or self.annex_id is None:
            return
        try:
            page = store.fetch_rows(self.db, self.annex_id, after_position=self._last_position, limit=PAGE)
        except Exception as exc:  # reported on the status bar; editing stays off
            log.exception("reading annex rows failed")
            self._loading = False
            self.problem.emit(_("Could not read the whole table: {error}").format(error=exc))
            return
        if len(page):
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._ids.extend(page.ids)
            for name in COST_COLUMNS:
                self._cols[name].extend(page.columns[name])
            self._total += _sum_amounts(page.columns["quantity"], page.columns["unit_price"])
            self._index.update((rid, start + k) for k, rid in enumerate(page.ids))
            self.endInsertRows()
            self._last_position = page.last_position
        if len(page) == PAGE:
            QTimer.singleShot(0, self._read_more)
            self.total_changed.emit()
            return
        self._loading = False
        self.total_changed.emit()
        self.loaded.emit()

    def wait_loaded(self) -> None:
        """Read every remaining page now (for scripts and tests that need the whole table)."""
        while self._loading:
            self._read_more()

    @property
    def loading(self) -> bool:
        """True while the rows after the first page are still being read."""
        return self._loading

    def _reindex(self) -> None:
        self._index = {rid: i for i, rid in enumerate(self._ids)}

    # ------------------------------------------------------------------ reading

    @property
    def total(self) -> Decimal:
        return self._total

    @property
    def difference(self) -> Decimal:
        """Table total minus contract total (zero when they agree)."""
        return self._total - self.contract_total

    @property
    def stored_row_count(self) -> int:
        return len(self._ids)

    @property
    def is_stored_order(self) -> bool:
        """True when the view shows every row in stored order (no sort, no filter)."""
        return self._view is None

    def stored_index(self, view_row: int) -> int:
        return self._view[view_row] if self._view is not None else view_row

    def row_id(self, view_row: int) -> int:
        return self._ids[self.stored_index(view_row)]

    def stored_ids(self) -> list[int]:
        return list(self._ids)

    def index_of_id(self, row_id: int) -> int:
        return self._index[row_id]

    def row_values(self, stored_index: int) -> RowValues:
        return tuple(self._cols[name][stored_index] for name in COST_COLUMNS)  # type: ignore[return-value]

    def value(self, view_row: int, column: str):
        i = self.stored_index(view_row)
        if column == "amount":
            return quantize(self._cols["quantity"][i] * self._cols["unit_price"][i])
        return self._cols[column][i]

    def cell_error(self, view_row: int, column: str) -> str | None:
        return self._errors.get((self.row_id(view_row), column))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._view) if self._view is not None else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(VIEW_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Vertical:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if orientation == Qt.Orientation.Horizontal:
            return store.column_label(VIEW_COLUMNS[section])
        # Rows keep their stored number under a sort or filter, as a spreadsheet's row numbers do.
        return str(self.stored_index(section) + 1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = VIEW_COLUMNS[index.column()]
        if role == _DISPLAY:
            value = self.value(index.row(), column)
            if column == "quantity":
                return format_quantity(value)
            if column in _NUMERIC:
                return format_amount(value)
            return value
        if role == _EDIT:
            value = self.value(index.row(), column)
            return _plain(value) if column in _NUMERIC else value
        if role == _ALIGN:
            return _RIGHT if column in _NUMERIC else _LEFT
        if role == _TOOLTIP:
            error = self.cell_error(index.row(), column)
            if error:
                return error
            if column == "amount":
                return _("Quantity × unit price, computed")
            return None
        if role == _BACKGROUND and self._errors:
            return _ERROR_BRUSH if self.cell_error(index.row(), column) else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _READ_ONLY if index.column() == AMOUNT_COLUMN else _EDITABLE

    # ------------------------------------------------------------------ editing (through the undo stack)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Validate through the core; refuse with a message, or push an undoable edit."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.annex_id is None:
            return False
        if self._loading:
            self.problem.emit(_("The table is still being read; try again in a moment"))
            return False
        column = VIEW_COLUMNS[index.column()]
        if column == "amount":
            return False
        stored = self.stored_index(index.row())
        row_id = self._ids[stored]
        where = store.cell_where(stored + 1, column)
        try:
            parsed = store.parse_cell(column, value if isinstance(value, (str, Decimal)) else str(value), where)
        except UserError as exc:
            self._errors[(row_id, column)] = exc.message
            self.dataChanged.emit(index, index)
            self.problem.emit(str(exc))
            return False
        had_error = self._errors.pop((row_id, column), None) is not None
        current = self._cols[column][stored]
        if parsed == current and (column not in _NUMERIC or str(parsed) == str(current)):
            if had_error:
                self.dataChanged.emit(index, index)
            return True
        self.undo_stack.push(EditCellsCommand(self, [CellChange(row_id, column, parsed)], where))
        return True

    def report(self, error: UserError) -> None:
        self.problem.emit(str(error))

    # ------------------------------------------------------------------ memory updates (called by commands)

    def apply_cells(self, changes: Sequence[CellChange]) -> None:
        """Put values into memory and adjust the total by each row's change."""
        qs, ps = self._cols["quantity"], self._cols["unit_price"]
        total = self._total
        for change in changes:
            i = self._index[change.row_id]
            before = quantize(qs[i] * ps[i])
            self._cols[change.column][i] = change.value
            total += quantize(qs[i] * ps[i]) - before
            self._errors.pop((change.row_id, change.column), None)
        self._total = total
        if len(changes) == 1 and self._view is None:
            row = self._index[changes[0].row_id]
            col = VIEW_COLUMNS.index(changes[0].column)
            self.dataChanged.emit(self.index(row, col), self.index(row, AMOUNT_COLUMN if col < AMOUNT_COLUMN else col))
        elif self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(VIEW_COLUMNS) - 1))
        self.total_changed.emit()

    def insert_rows_at(self, rows: Sequence[tuple[int, int, RowValues]]) -> None:
        """Insert (stored_index, id, values) triples; indices ascending, each as in the final order."""
        if not rows:
            return
        identity = self._view is None
        if not identity:
            self.beginResetModel()
        for start, run in _runs(rows):
            if identity:
                self.beginInsertRows(QModelIndex(), start, start + len(run) - 1)
            self._ids[start:start] = [r[1] for r in run]
            for c, name in enumerate(COST_COLUMNS):
                self._cols[name][start:start] = [r[2][c] for r in run]
            self._total += sum((quantize(r[2][3] * r[2][4]) for r in run), ZERO)
            if identity:
                self.endInsertRows()
        self._reindex()
        if not identity:
            self._rebuild_view()
            self.endResetModel()
        self.total_changed.emit()

    def insert_stored(self, stored_index: int, rows: Sequence[StoredRow]) -> None:
        self.insert_rows_at([(stored_index + k, r.id, r.values) for k, r in enumerate(rows)])

    def remove_ids(self, ids: Iterable[int]) -> list[int]:
        """Drop rows from memory; returns their stored indices (ascending) as they were."""
        indices = sorted(self._index[i] for i in ids if i in self._index)
        if not indices:
            return []
        identity = self._view is None
        if not identity:
            self.beginResetModel()
        qs, ps = self._cols["quantity"], self._cols["unit_price"]
        for start, run in reversed(list(_runs([(i, i, ()) for i in indices]))):
            end = start + len(run)
            if identity:
                self.beginRemoveRows(QModelIndex(), start, end - 1)
            self._total -= sum((quantize(q * p) for q, p in zip(qs[start:end], ps[start:end], strict=True)), ZERO)
            for rid in self._ids[start:end]:
                for name in COST_COLUMNS:
                    self._errors.pop((rid, name), None)
            del self._ids[start:end]
            for name in COST_COLUMNS:
                del self._cols[name][start:end]
            if identity:
                self.endRemoveRows()
        self._reindex()
        if not identity:
            self._rebuild_view()
            self.endResetModel()
        self.total_changed.emit()
        return indices

    def reorder(self, ids_in_order: Sequence[int]) -> None:
        """The given rows take the stored slots they occupy between them, in the order given."""
        slots = sorted(self._index[i] for i in ids_in_order)
        values = {rid: self.row_values(self._index[rid]) for rid in ids_in_order}
        self.layoutAboutToBeChanged.emit()
        for slot, rid in zip(slots, ids_in_order, strict=True):
            self._ids[slot] = rid
            for c, name in enumerate(COST_COLUMNS):
                self._cols[name][slot] = values[rid][c]
        self._reindex()
        if self._view is not None:
            self._rebuild_view()
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ view-only sort and filter

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the view (never the stored rows); a negative column restores stored order."""
        self.layoutAboutToBeChanged.emit()
        self._sort = None if column < 0 else (column, order)
        self._rebuild_view()
        self.layoutChanged.emit()

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder] | None:
        return self._sort

    def set_filter(self, text: str) -> None:
        """Show only rows whose text (item, specification, unit, remark or a number) contains `text`."""
        self.beginResetModel()
        self._filter = text.strip().casefold()
        self._rebuild_view()
        self.endResetModel()

    def _rebuild_view(self) -> None:
        n = len(self._ids)
        rows: list[int] | None = None
        if self._filter:
            needle = self._filter
            haystacks = [self._cols[name] for name in ("item", "spec", "unit", "remark")]
            numbers = [self._cols["quantity"], self._cols["unit_price"]]
            rows = [
                i
                for i in range(n)
                if any(needle in h[i].casefold() for h in haystacks) or any(needle in str(c[i]) for c in numbers)
            ]
        if self._sort is not None:
            column, order = self._sort
            name = VIEW_COLUMNS[column]
            if name == "amount":
                qs, ps = self._cols["quantity"], self._cols["unit_price"]
                amounts = [q * p for q, p in zip(qs, ps, strict=True)]
                key = amounts.__getitem__
            else:
                key = self._cols[name].__getitem__
            rows = sorted(
                rows if rows is not None else range(n), key=key, reverse=order == Qt.SortOrder.DescendingOrder
            )
        self._view = rows


def _runs(rows: Sequence[tuple]) -> Iterable[tuple[int, list[tuple]]]:
    """Group (index, …) tuples with consecutive indices: (first index, the group)."""
    run: list[tuple] = []
    for row in rows:
        if run and row[0] != run[-1][0] + 1:
            yield run[0][0], run
            run = []
        run.append(row)
    if run:
        yield run[0][0], run
