"""The cost table (费用明细表) as a Qt table model over column lists loaded once.

100,000 rows must open at once and scroll smoothly, so the model holds plain Python lists (one per
stored column, in stored order) and formats only the cells Qt asks for; it never queries per cell.
Every figure it shows — an amount, a discounted price, a tax, a section's subtotal, the totals — comes
from app.domain.cost_table through `LiveFigures`, which asks `compute()` again only for the rows an edit
can change; the model does no arithmetic of its own.

A flat table shows the columns it always had. Sections (一 / 1 / 1.1, bold, indented by level, their
subtotals computed), 按实结算 rows, and the discount and VAT columns appear only when the table uses them.
Sorting and filtering are a view-only permutation of stored indices; stored order never changes.

Edits go through the undo stack (ui/annex_commands.py); the commands write the store and then call
the `apply_*` methods here, which only update memory and tell the views.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QUndoStack

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.domain import COST_COLUMN_LABELS, CostRow, RowKind, TotalKind
from app.domain.cost_table import SETTLED_LABEL, format_rate
from app.domain.cost_table_live import LiveFigures
from app.rules import cost_cells
from app.store import annex_rows as store
from app.store.annex_rows import (
    ROW_COLUMNS,
    STRUCTURE_DEFAULTS,
    CellChange,
    ContractMoney,
    RowValues,
    StoredRow,
    TableOptions,
)
from app.store.db import Database
from app.values.money import check_row_amount, format_amount
from ui.annex_commands import EditCellsCommand
from ui.operations import operations_for

#: The columns of a flat table, as it has always been shown: the stored ones with the computed amount.
VIEW_COLUMNS = ("item", "spec", "unit", "quantity", "unit_price", "amount", "remark")
#: Every column the editor can show, in order; a table shows those it uses (`columns_for`).
ALL_COLUMNS = ("no", "item", "spec", "unit", "quantity", "unit_price", "discount", "discounted", "amount",
               "vat_rate", "tax", "gross", "remark")
#: Columns computed from the others, never typed.
COMPUTED = frozenset(("discounted", "amount", "tax", "gross"))
AMOUNT_COLUMN = VIEW_COLUMNS.index("amount")
_NUMERIC = frozenset(("quantity", "unit_price", "discount", "discounted", "amount", "vat_rate", "tax", "gross"))
_RATES = frozenset(("discount", "vat_rate"))
#: Cells a section does not have: its figures are its rows'.
_NOT_ON_SECTIONS = frozenset(("quantity", "unit_price"))
_TITLES = {
    **COST_COLUMN_LABELS,
    "discounted": N_("Discounted unit price"),
    "tax": N_("Tax"),
    "gross": N_("Amount with VAT"),
}
_ERROR_BRUSH = QBrush(QColor("#f8d7da"))
_SECTION_BRUSH = QBrush(QColor("#eef1f5"))
_WARNING_BRUSH = QBrush(QColor("#fff3cd"))
_INHERITED_BRUSH = QBrush(QColor("#6c757d"))
_BOLD = QFont()
_BOLD.setBold(True)
# Roles, alignments and flags looked up once: data() and flags() run for every visible cell on every paint,
# and an enum attribute lookup or `|` on Qt's enums costs more than the rest of the call.
_DISPLAY, _EDIT, _ALIGN, _TOOLTIP, _BACKGROUND, _FONT, _FOREGROUND = (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ForegroundRole,
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_READ_ONLY = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
_EDITABLE = _READ_ONLY | Qt.ItemFlag.ItemIsEditable
_KINDS = {kind.value: kind for kind in RowKind}
_SECTION = RowKind.SECTION
#: Indentation of the item column per level (an ideographic space: one character wide in Chinese text).
INDENT = "\u3000"
ZERO = Decimal("0.00")
#: Rows read before the table is first shown (a screen is ~40); the rest follow in pages.
FIRST_PAGE = 500
PAGE = 10_000
log = logging.getLogger(__name__)


def _plain(value: Decimal) -> str:
    """A number as typed back into an editor or copied to Excel: no grouping, no exponent."""
    return format(value, "f")


def format_quantity(value: Decimal) -> str:
    return format(value, ",f")


def columns_for(live: LiveFigures) -> tuple[str, ...]:
    """The columns a table shows: a flat table's as always; the number column with sections or numbers, the
    discount and VAT columns only when the table uses them (as the printed and exported table)."""
    numbered = live.has_sections or live.numbered
    return tuple(c for c in ALL_COLUMNS if (
        (c != "no" or numbered)
        and (c not in ("discount", "discounted") or live.uses_discount)
        and (c not in ("vat_rate", "tax", "gross") or live.uses_vat)))


def column_title(column: str, live: LiveFigures | None = None) -> str:
    """A column's header in the current language: 基准单价 with a discount, 不含税金额 with VAT, as printed."""
    if column == "unit_price" and live is not None and live.uses_discount:
        return _("Base unit price")
    if column == "amount" and live is not None and live.uses_vat:
        return _("Amount before VAT")
    return _(_TITLES[column])


class CostTableModel(QAbstractTableModel):
    """Rows of one table annex; `annex_id` is None when nothing is loaded."""

    #: A refused input or failed write, already translated: for the status bar.
    problem = Signal(str)
    #: The table total changed (digits, uppercase and difference need redrawing).
    total_changed = Signal()
    #: Every row of the annex is in memory.
    loaded = Signal()
    #: The columns shown changed (a first section, a first VAT rate …): delegates and widths follow.
    columns_changed = Signal()

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
        #: The contract is signed or archived: no cell can be edited (the store would refuse it anyway).
        self.read_only = False
        self.contract_total: Decimal = ZERO
        self.money = ContractMoney(ZERO, True, ())
        self.options = TableOptions()
        self._ids: list[int] = []
        self._cols: dict[str, list] = {name: [] for name in ROW_COLUMNS}
        self._index: dict[int, int] = {}
        self._view: list[int] | None = None
        self._sort: tuple[str, Qt.SortOrder] | None = None
        self._filter = ""
        #: Refused entries by (row id, column): (why not, what was typed). The cell shows what was typed, marked,
        #: until it is corrected or discarded, as a refused 概要 field does (nothing typed vanishes unseen).
        self._errors: dict[tuple[int, str], tuple[str, str]] = {}
        self._loading = False
        self._last_position: int | None = None
        self.live = LiveFigures(self.cost_rows)
        self.columns: tuple[str, ...] = VIEW_COLUMNS

    # ------------------------------------------------------------------ loading

    def load(self, annex_id: int | None, number: str | None = None) -> None:
        """Show the annex's first page at once; a large table's other rows follow page by page.

        `loading` is True until every row is in memory (edits wait for it); `loaded` is emitted then.
        """
        self.beginResetModel()
        if number is not None or annex_id is None:
            self.number = number
        if annex_id != self.annex_id:  # a redraw of the same table keeps the refused entries on screen
            self._errors.clear()
        self.annex_id = annex_id
        self._view = None
        self._sort = None
        self._filter = ""
        self._loading = False
        if annex_id is None:
            self._ids, self._cols = [], {name: [] for name in ROW_COLUMNS}
            self.contract_total = ZERO
            self.money = ContractMoney(ZERO, True, ())
            self.options = TableOptions()
        else:
            first = store.fetch_rows(self.db, annex_id, limit=FIRST_PAGE)
            self._ids = first.ids
            self._cols = {**first.columns, **first.structure}
            self._cols["kind"] = [_KINDS[k] for k in self._cols["kind"]]
            self.options = store.table_options(self.db, annex_id)
            self.money = store.contract_money(self.db, annex_id)
            self.contract_total = self.money.total
            self._loading = len(first) == FIRST_PAGE
        self._reindex()
        o = self.options
        self.live = LiveFigures(self.cost_rows, o.discount, o.vat_rate, o.total_kind)
        self._figure_loaded_rows()
        self.columns = columns_for(self.live)
        self.endResetModel()
        self.columns_changed.emit()
        if self._loading:
            self._last_position = first.last_position
            QTimer.singleShot(0, self._read_more)
        else:
            self.loaded.emit()
        self.total_changed.emit()

    def _figure_loaded_rows(self) -> None:
        """Figures for the rows read so far: all of them once the table is read; before that, up to the last
        top-level row (its section may go on in the next page)."""
        n = len(self._ids)
        if self._loading:
            levels = self._cols["level"]
            n -= 1
            while n > len(self.live) and levels[n] > 0:
                n -= 1
        if n > len(self.live):
            self.live.append(n - len(self.live))

    def reload_money(self) -> None:
        """Read the contract's total, tax flag and instalments again (they changed elsewhere)."""
        if self.annex_id is None:
            return
        self.money = store.contract_money(self.db, self.annex_id)
        self.contract_total = self.money.total
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
            columns = {**page.columns, **page.structure}
            columns["kind"] = [_KINDS[k] for k in columns["kind"]]
            for name in ROW_COLUMNS:
                self._cols[name].extend(columns[name])
            self._index.update((rid, start + k) for k, rid in enumerate(page.ids))
            self.endInsertRows()
            self._last_position = page.last_position
        if len(page) == PAGE:
            self._figure_loaded_rows()
            QTimer.singleShot(0, self._read_more)
            self.total_changed.emit()
            return
        self._loading = False
        self._figure_loaded_rows()
        self._update_columns()
        self._all_changed()
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

    def cost_rows(self, start: int, stop: int) -> list[CostRow]:
        """Stored rows `start … stop - 1` as the domain's rows."""
        c = self._cols
        return [CostRow(*values) for values in zip(*(c[name][start:stop] for name in ROW_COLUMNS), strict=True)]

    @property
    def total(self) -> Decimal:
        """The table's total (with VAT when the table shows VAT), from the domain's figures."""
        return self.live.total

    @property
    def compared_total(self) -> Decimal:
        """The table figure the contract total is compared with (before VAT when the contract's total is)."""
        from app.rules.checks import compared_total

        return compared_total(self.live, self.money.tax_inclusive)

    @property
    def difference(self) -> Decimal:
        """Table total minus contract total (zero when they agree)."""
        return self.compared_total - self.contract_total

    @property
    def total_kind(self) -> TotalKind:
        return self.options.total_kind

    @property
    def stored_row_count(self) -> int:
        return len(self._ids)

    @property
    def is_stored_order(self) -> bool:
        """True when the view shows every row in stored order (no sort, no filter)."""
        return self._view is None

    def stored_index(self, view_row: int) -> int:
        return self._view[view_row] if self._view is not None else view_row

    def view_row(self, stored_index: int) -> int | None:
        if self._view is None:
            return stored_index
        try:
            return self._view.index(stored_index)
        except ValueError:
            return None

    def row_id(self, view_row: int) -> int:
        return self._ids[self.stored_index(view_row)]

    def stored_ids(self) -> list[int]:
        return list(self._ids)

    def index_of_id(self, row_id: int) -> int:
        return self._index[row_id]

    def row_values(self, stored_index: int) -> RowValues:
        return tuple(self._cols[name][stored_index] for name in ROW_COLUMNS)  # type: ignore[return-value]

    def column(self, name: str) -> list:
        """A stored column's values in stored order (read only: kinds, levels and numbers for the structure
        edits of app.rules.cost_table_edits)."""
        return self._cols[name]

    @property
    def kinds(self) -> list[str]:
        return self._cols["kind"]

    @property
    def levels(self) -> list[int]:
        return self._cols["level"]

    def is_section(self, stored_index: int) -> bool:
        return self._cols["kind"][stored_index] is _SECTION

    def label(self, stored_index: int) -> str:
        """How a message names a row: its number and item (一 绿化、卫生保洁部分)."""
        return f"{self._cols['no'][stored_index]} {self._cols['item'][stored_index]}".strip()

    def value(self, view_row: int, column: str):
        """A cell's value: a stored column's, or a computed figure (None: none, such as a section's quantity)."""
        i = self.stored_index(view_row)
        if column in COMPUTED:
            return self._figure(i, column)
        if column in _RATES:
            x = self.live.figures(i)
            return getattr(x, column) if x is not None else self._cols[column][i]
        return self._cols[column][i]

    def _figure(self, i: int, column: str) -> Decimal | None:
        x = self.live.figures(i)
        if x is None:
            return None
        if column == "amount":
            return x.net
        if column == "discounted":
            return x.unit_price if x.discount is not None else None
        return getattr(x, column)

    def cell_error(self, view_row: int, column: str) -> str | None:
        refused = self._errors.get((self.row_id(view_row), column))
        return refused[0] if refused is not None else None

    def refused_cells(self) -> dict[tuple[int, str], tuple[str, str]]:
        """Entries typed but refused: (row number counted from 1, column) → (what was typed, why not)."""
        return {(self._index[rid] + 1, column): (typed, message)
                for (rid, column), (message, typed) in self._errors.items() if rid in self._index}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._view) if self._view is not None else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def column_index(self, name: str) -> int:
        """The view column showing `name` (-1 when the table does not show it)."""
        return self.columns.index(name) if name in self.columns else -1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Vertical:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_title(self.columns[section], self.live) if section < len(self.columns) else None
        # Rows keep their stored number under a sort or filter, as a spreadsheet's row numbers do.
        return str(self.stored_index(section) + 1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role in (_DISPLAY, _EDIT) and self._errors:
            refused = self._errors.get((self.row_id(index.row()), column))
            if refused is not None:
                return refused[1]
        if role == _DISPLAY:
            return self._display(self.stored_index(index.row()), column)
        if role == _EDIT:
            return self._edit_text(self.stored_index(index.row()), column)
        if role == _ALIGN:
            return _RIGHT if column in _NUMERIC else _LEFT
        if role == _FONT:
            return _BOLD if self._cols["kind"][self.stored_index(index.row())] is _SECTION else None
        if role == _BACKGROUND:
            i = self.stored_index(index.row())
            if self._errors and (self._ids[i], column) in self._errors:
                return _ERROR_BRUSH
            if self._cols["kind"][i] is _SECTION:
                return _WARNING_BRUSH if column == "amount" and self._stated_differs(i) else _SECTION_BRUSH
            return None
        if role == _FOREGROUND:
            i = self.stored_index(index.row())
            if column in _RATES and self._cols[column][i] is None:
                return _INHERITED_BRUSH
            if column in ("quantity", "amount") and self._settled(i):
                return _INHERITED_BRUSH
            return None
        if role == _TOOLTIP:
            return self._tooltip(self.stored_index(index.row()), column)
        return None

    def _settled(self, i: int) -> bool:
        """An item priced by unit only, or a section of such rows (按实结算: no amount)."""
        if self._cols["kind"][i] is _SECTION:
            x = self.live.figures(i)
            return x is not None and x.net is None and self.live.end(i) > i + 1  # an empty section: nothing yet
        return self._cols["quantity"][i] is None

    def _display(self, i: int, column: str) -> str:
        section = self._cols["kind"][i] is _SECTION
        if column == "item":
            level = self._cols["level"][i]
            return INDENT * level + self._cols["item"][i] if level else self._cols["item"][i]
        if column in COMPUTED:
            value = self._figure(i, column)
            if value is None:
                return _(SETTLED_LABEL) if column == "amount" and self._settled(i) else ""
            return format_amount(value)
        if column in _RATES:
            x = self.live.figures(i)
            rate = getattr(x, column) if x is not None else self._cols[column][i]
            return format_rate(rate) if rate is not None else ""
        if column == "quantity":
            if section:
                return ""
            value = self._cols["quantity"][i]
            return _(SETTLED_LABEL) if value is None else format_quantity(value)
        if column == "unit_price":
            return "" if section else format_amount(self._cols["unit_price"][i])
        return self._cols[column][i]

    def _edit_text(self, i: int, column: str) -> str:
        """The cell as typed back into its editor or copied to Excel: numbers without grouping, a row's own
        rate ("13%", empty when inherited), 按实结算 in the current language."""
        if column in COMPUTED:
            value = self._figure(i, column)
            return _plain(value) if value is not None else (_(SETTLED_LABEL) if column == "amount"
                                                             and self._settled(i) else "")
        value = self._cols[column][i]
        if column in _RATES:
            return format_rate(value) if value is not None else ""
        if column == "quantity":
            if self._cols["kind"][i] is _SECTION:
                return ""
            return _(SETTLED_LABEL) if value is None else _plain(value)
        if column == "unit_price":
            return "" if self._cols["kind"][i] is _SECTION else _plain(value)
        return value

    def _stated_differs(self, i: int) -> bool:
        stated = self._cols["stated"][i]
        if stated is None:
            return False
        x = self.live.figures(i)
        return x is not None and stated != (x.net if x.net is not None else ZERO)

    def _tooltip(self, i: int, column: str) -> str | None:
        refused = self._errors.get((self._ids[i], column))
        if refused:
            return refused[0]
        section = self._cols["kind"][i] is _SECTION
        if column == "amount":
            if section and self._stated_differs(i):
                return _("The workbook it came from states a subtotal of ¥{stated}; its rows add up to ¥{sum}").format(
                    stated=format_amount(self._cols["stated"][i]), sum=format_amount(self._figure(i, "amount") or ZERO))
            if section:
                return _("The sum of the section's rows, computed")
            if self._settled(i):
                return _("Settled on actual quantities (按实结算): no amount")
            return _("Quantity × unit price, computed")
        if column in ("discounted", "tax", "gross"):
            return _("Computed")
        if column in _RATES and self._cols[column][i] is None:
            x = self.live.figures(i)
            if x is None or getattr(x, column) is None:
                return None
            parent = self._rate_source(i, column)
            if parent is None:
                return _("From the table's options")
            return _("From section {section}").format(section=self.label(parent))
        if section and column in _NOT_ON_SECTIONS:
            return _("A section has no quantity or price: its amount is the sum of its rows")
        if column in ("item", "spec", "remark", "no"):
            return self._cols[column][i] or None  # the whole text, when the cell cuts it short
        return None

    def _rate_source(self, i: int, column: str) -> int | None:
        """The section whose own rate the row inherits (None: the table's)."""
        for p in self.live.ancestors(i):
            if self._cols[column][p] is not None:
                return p
        return None

    def section_path(self, stored_index: int) -> list[tuple[str, Decimal | None]]:
        """The sections a row is in (and the row itself when it is a section), outermost first, each as
        (label, subtotal) — the subtotal as the amount column shows it."""
        out = []
        chain = self.live.ancestors(stored_index)[::-1]
        if self.is_section(stored_index):
            chain.append(stored_index)
        for p in chain:
            x = self.live.figures(p)
            out.append((self.label(p), x.net if x is not None else None))
        return out

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        column = self.columns[index.column()]
        if column in COMPUTED or self.read_only:
            return _READ_ONLY
        if column in _NOT_ON_SECTIONS and self._cols["kind"][self.stored_index(index.row())] is _SECTION:
            return _READ_ONLY
        return _EDITABLE

    # ------------------------------------------------------------------ editing (through the undo stack)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Validate through the core; refuse with a message, or push an undoable edit."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.annex_id is None:
            return False
        if self._loading:
            self.problem.emit(_("The table is still being read; try again in a moment"))
            return False
        column = self.columns[index.column()]
        stored = self.stored_index(index.row())
        if column in COMPUTED or (column in _NOT_ON_SECTIONS and self.is_section(stored)):
            return False
        row_id = self._ids[stored]
        where = cost_cells.cell_where(stored + 1, column)
        try:
            parsed = cost_cells.parse_cell(column, value if isinstance(value, (str, Decimal)) else str(value), where)
            if column in ("quantity", "unit_price"):  # the row's amount has a bound too: said here, in the cell
                quantity = parsed if column == "quantity" else self._cols["quantity"][stored]
                unit_price = parsed if column == "unit_price" else self._cols["unit_price"][stored]
                if isinstance(quantity, Decimal) and isinstance(unit_price, Decimal):  # 按实结算: no amount
                    check_row_amount(quantity, unit_price, where)
        except UserError as exc:
            self._errors[(row_id, column)] = (exc.message, value if isinstance(value, str) else str(value))
            self.dataChanged.emit(index, index)
            self.problem.emit(str(exc))
            return False
        had_error = self._errors.pop((row_id, column), None) is not None
        if had_error:
            self.problem.emit("")  # corrected: the refusal said on the status bar no longer stands
        current = self._cols[column][stored]
        if parsed == current and (column not in _NUMERIC or str(parsed) == str(current)):
            if had_error:
                self.dataChanged.emit(index, index)
            return True
        self.undo_stack.push(EditCellsCommand(self, [CellChange(row_id, column, parsed)], lambda: _("Edit {cell}").format(
            cell=cost_cells.cell_where(stored + 1, column))))
        return True

    def report(self, error: UserError) -> None:
        self.problem.emit(str(error))

    # ------------------------------------------------------------------ memory updates (called by commands)

    def apply_cells(self, changes: Sequence[CellChange]) -> None:
        """Put values into memory and have the figures of the rows they touch computed again."""
        if not changes:
            return
        touched = {self._index[change.row_id] for change in changes}
        a, b = min(touched), max(touched) + 1
        if any(change.column in ("kind", "level") for change in changes):
            before = self.cost_rows(a, b)  # the rows as they were: the figures they added are taken away
            self._write(changes)
            self.live.splice(a, b, b - a, before)
        else:
            was = {i: self.cost_rows(i, i + 1)[0] for i in touched}
            self._write(changes)
            self.live.changed(was)
        if self._update_columns():
            return self.total_changed.emit()
        if len(touched) == 1 and self._view is None:
            row = next(iter(touched))
            last = len(self.columns) - 1
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            for p in self.live.ancestors(row):  # their subtotals
                self.dataChanged.emit(self.index(p, 0), self.index(p, last))
        else:
            self._all_changed()
        self.total_changed.emit()

    def _write(self, changes: Sequence[CellChange]) -> None:
        for change in changes:
            value = _KINDS[str(change.value)] if change.column == "kind" else change.value
            self._cols[change.column][self._index[change.row_id]] = value
            self._errors.pop((change.row_id, change.column), None)

    def apply_options(self, options: TableOptions) -> None:
        """The table's own options changed: every figure may change."""
        self.options = options
        self.live.set_options(options.discount, options.vat_rate, options.total_kind)
        self._update_columns()
        self._all_changed()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(self.columns) - 1, 0))
        self.total_changed.emit()

    def _all_changed(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.columns) - 1))

    def _update_columns(self) -> bool:
        """Show the columns the table now uses; True when they changed. Columns are inserted and removed one by
        one, so the view keeps the widths and the current cell of the others."""
        wanted = columns_for(self.live)
        if wanted == self.columns:
            return False
        for name in [c for c in self.columns if c not in wanted]:
            at = self.columns.index(name)
            self.beginRemoveColumns(QModelIndex(), at, at)
            self.columns = self.columns[:at] + self.columns[at + 1:]
            self.endRemoveColumns()
        for name in wanted:
            if name not in self.columns:
                at = wanted.index(name)
                self.beginInsertColumns(QModelIndex(), at, at)
                self.columns = (*self.columns[:at], name, *self.columns[at:])
                self.endInsertColumns()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(self.columns) - 1, 0))
        self._all_changed()
        self.columns_changed.emit()
        return True

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
            full = [_full(r[2]) for r in run]
            for c, name in enumerate(ROW_COLUMNS):
                self._cols[name][start:start] = [values[c] for values in full]
            self.live.splice(start, start, len(run), ())
            if identity:
                self.endInsertRows()
        self._reindex()
        if not identity:
            self._rebuild_view()
            self.endResetModel()
        self._after_rows_changed()

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
        for start, run in reversed(list(_runs([(i, i, ()) for i in indices]))):
            end = start + len(run)
            if identity:
                self.beginRemoveRows(QModelIndex(), start, end - 1)
            for rid in self._ids[start:end]:
                for name in ROW_COLUMNS:
                    self._errors.pop((rid, name), None)
            before = self.cost_rows(start, end)
            del self._ids[start:end]
            for name in ROW_COLUMNS:
                del self._cols[name][start:end]
            self.live.splice(start, end, 0, before)
            if identity:
                self.endRemoveRows()
        self._reindex()
        if not identity:
            self._rebuild_view()
            self.endResetModel()
        self._after_rows_changed()
        return indices

    def reorder(self, ids_in_order: Sequence[int]) -> None:
        """The given rows take the stored slots they occupy between them, in the order given."""
        slots = sorted(self._index[i] for i in ids_in_order)
        values = {rid: self.row_values(self._index[rid]) for rid in ids_in_order}
        before = self.cost_rows(slots[0], slots[-1] + 1) if slots else []
        self.layoutAboutToBeChanged.emit()
        for slot, rid in zip(slots, ids_in_order, strict=True):
            self._ids[slot] = rid
            for c, name in enumerate(ROW_COLUMNS):
                self._cols[name][slot] = values[rid][c]
        self._reindex()
        if slots:
            self.live.splice(slots[0], slots[-1] + 1, slots[-1] + 1 - slots[0], before)
        if self._view is not None:
            self._rebuild_view()
        self.layoutChanged.emit()
        self._after_rows_changed()

    def _after_rows_changed(self) -> None:
        if not self._update_columns():
            self._all_changed()
        self.total_changed.emit()

    # ------------------------------------------------------------------ view-only sort and filter

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the view (never the stored rows); a negative column restores stored order."""
        self.layoutAboutToBeChanged.emit()
        self._sort = None if column < 0 else (self.columns[column], order)
        self._rebuild_view()
        self.layoutChanged.emit()

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder] | None:
        if self._sort is None or self._sort[0] not in self.columns:
            return None
        return self.columns.index(self._sort[0]), self._sort[1]

    def set_filter(self, text: str) -> None:
        """Show only rows whose text (number, item, specification, unit, remark or a number) contains `text`."""
        self.beginResetModel()
        self._filter = text.strip().casefold()
        self._rebuild_view()
        self.endResetModel()

    def _rebuild_view(self) -> None:
        n = len(self._ids)
        rows: list[int] | None = None
        if self._filter:
            needle = self._filter
            haystacks = [self._cols[name] for name in ("no", "item", "spec", "unit", "remark")]
            numbers = [self._cols["quantity"], self._cols["unit_price"]]
            rows = [
                i
                for i in range(n)
                if any(needle in h[i].casefold() for h in haystacks)
                or any(c[i] is not None and needle in str(c[i]) for c in numbers)
            ]
        if self._sort is not None and self._sort[0] in self.columns:
            name, order = self._sort
            if name in COMPUTED or name in _RATES:
                field = {"amount": "net", "discounted": "unit_price"}.get(name, name)
                values = self.live.column(field)
                values += [None] * (n - len(values))  # rows not read yet
            else:
                values = self._cols[name]
            chosen = rows if rows is not None else range(n)
            # Rows without a value (a section's quantity, a 按实结算 amount) go last in either order.
            blank = [i for i in chosen if values[i] is None]
            rows = sorted((i for i in chosen if values[i] is not None) if blank else chosen, key=values.__getitem__,
                          reverse=order == Qt.SortOrder.DescendingOrder) + blank
        self._view = rows



def _full(values: RowValues) -> tuple:
    """A row's values in ROW_COLUMNS order (six values: a top-level item), the kind as a RowKind."""
    full = tuple(values) + STRUCTURE_DEFAULTS[len(values) - 6:] if len(values) < len(ROW_COLUMNS) else tuple(values)
    kind_at = ROW_COLUMNS.index("kind")
    return (*full[:kind_at], _KINDS[str(full[kind_at])], *full[kind_at + 1:])


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
