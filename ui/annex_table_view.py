"""The cost-table editor: toolbar, filter box, the sections the top row is in, the table, and the totals footer
with the table's options.

Sections are edited like the clause tree: indent (Alt+→) puts rows into the section above them, outdent
(Alt+←) takes them out, Alt+↑/↓ move rows with everything in their sections, and rows become sections or
items; each is one undoable step written through app.ops, and a shape the table cannot take is refused with
the reason (app.rules.cost_table_edits). Tab keeps moving between cells, as in a spreadsheet.

Copy and paste speak the tab-separated text Excel and WPS put on the clipboard. A pasted header row names
the columns; an indented table keeps its sections (app.codecs.pasted, the Excel import's own rules). A
paste is checked cell by cell before anything is written: when cells are refused, nothing is written and a
dialog lists every one with what was pasted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import cast

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import N_, _, ngettext
from app.codecs.pasted import BLANK, PastedRows, Refusal, read_pasted
from app.domain import TotalKind
from app.domain.cost_table import QUANTITY_PLACES, format_rate, parse_rate
from app.ops import Changes, Part
from app.rules import cost_table_edits as edits
from app.rules.fields import TABLE_OPTION_LABELS
from app.store.annex_rows import ROW_COLUMNS, CellChange, TableOptions
from app.store.db import Database
from app.values.money import AmountError, format_amount, rmb_upper
from app.values.tsv import format_tsv, parse_tsv
from ui import settings as keys
from ui.annex_commands import (
    DeleteRowsCommand,
    EditCellsCommand,
    InsertRowsCommand,
    MoveRowsCommand,
    PasteCommand,
    TableOptionsCommand,
)
from ui.annex_delegates import DecimalDelegate, RateDelegate, TextDelegate
from ui.annex_table_model import COMPUTED, VIEW_COLUMNS, CostTableModel
from ui.flow_layout import FlowLayout
from ui.i18n import RetranslateMixin
from ui.operations import affects

#: The figures get the width of their widest value, the text columns share what is left of the visible width in
#: these proportions (and never go below these widths): the amounts show beside the list on a 1366-pixel screen.
_TEXT_SHARES = {"item": 0.42, "spec": 0.3, "remark": 0.28}
_TEXT_MIN = {"item": 110, "spec": 56, "remark": 44}
_COLUMN_NAMES = frozenset({"no", "item", "spec", "unit", "quantity", "unit_price", "discount", "discounted", "amount",
                           "vat_rate", "tax", "gross", "remark"})
_EMPTY_ROW = ("", "", "", Decimal("0"), Decimal("0.00"), "")
_RED = "QLabel { background: #f8d7da; color: #842029; padding: 2px 6px; }"
_GREEN = "QLabel { color: #0f5132; padding: 2px 6px; }"
_AMBER = "QLabel { background: #fff3cd; color: #664d03; padding: 2px 6px; }"
_FIELD_ERROR = "QLineEdit { background: #f8d7da; }"
_KINDS = (TotalKind.FIXED, TotalKind.CEILING, TotalKind.ESTIMATE)


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def _signed(amount: Decimal) -> str:
    return ("+" if amount > 0 else "−") + "¥" + format_amount(abs(amount))


class TotalsFooter(QFrame):
    """The totals below the table (net, tax and gross when the table shows VAT; the uppercase; the contract
    total and the difference, or the room under a ceiling and the instalments against it) and the table's
    own options, editable in place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("totalsFooter")
        layout = QGridLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setVerticalSpacing(2)
        self.total_label = QLabel()
        self.upper_label = QLabel()
        self.contract_label = QLabel()
        self.difference_label = QLabel()
        self.difference_label.setObjectName("difference")
        self.instalments_label = QLabel()
        self._differs = False
        for label in (self.total_label, self.upper_label, self.contract_label, self.difference_label,
                      self.instalments_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.discount_label, self.vat_label, self.kind_label = QLabel(), QLabel(), QLabel()
        self.discount_edit, self.vat_edit = QLineEdit(), QLineEdit()
        for edit in (self.discount_edit, self.vat_edit):
            edit.setMaximumWidth(80)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.kind_combo = QComboBox()
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # never clipped
        self.discount_label.setBuddy(self.discount_edit)
        self.vat_label.setBuddy(self.vat_edit)
        self.kind_label.setBuddy(self.kind_combo)
        options = QHBoxLayout()
        options.setContentsMargins(0, 0, 0, 0)
        for label, field in ((self.discount_label, self.discount_edit), (self.vat_label, self.vat_edit),
                             (self.kind_label, self.kind_combo)):
            options.addWidget(label)
            options.addWidget(field)
            options.addSpacing(12)
        options.addStretch(1)
        layout.addWidget(self.total_label, 0, 0)
        layout.addWidget(self.upper_label, 0, 1, 1, 2)
        layout.addWidget(self.contract_label, 1, 0)
        layout.addWidget(self.difference_label, 1, 1, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.instalments_label, 1, 2, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(options, 2, 0, 1, 3)
        layout.setColumnStretch(2, 1)

    def retranslate(self) -> None:
        self.discount_label.setText(_("&Discount rate:"))
        self.vat_label.setText(_("VA&T rate:"))
        self.kind_label.setText(_("Contract &sum:"))
        for edit in (self.discount_edit, self.vat_edit):
            edit.setPlaceholderText(_("none"))
        self.discount_edit.setToolTip(_("Base price × discount rate = discounted unit price, for the whole table "
                                        "(0.955 or 95.5%); a section or a row may have its own"))
        self.vat_edit.setToolTip(_("The VAT rate of the whole table (0.13 or 13%); a section or a row may have "
                                   "its own"))
        self.kind_combo.setToolTip(_("Whether the table's total is the contract sum, a ceiling on it (上限) or "
                                     "an estimate (暂定)"))
        self.discount_edit.setAccessibleName(_("Discount rate"))
        self.vat_edit.setAccessibleName(_("VAT rate"))
        self.kind_combo.setAccessibleName(_("Contract sum"))
        self.kind_combo.blockSignals(True)
        current = self.kind_combo.currentIndex()
        self.kind_combo.clear()
        for kind in _KINDS:
            self.kind_combo.addItem(kind.label, kind.value)
        self.kind_combo.setCurrentIndex(max(current, 0))
        self.kind_combo.blockSignals(False)

    def show_options(self, options: TableOptions) -> None:
        """The table's options as stored (a field holding a refused entry keeps it, marked, until put right)."""
        for edit, value in ((self.discount_edit, options.discount), (self.vat_edit, options.vat_rate)):
            text = format_rate(value) if value is not None else ""
            if not edit.property("refused") and not (edit.hasFocus() and edit.isModified()) and edit.text() != text:
                edit.setText(text)  # never over what the clerk is typing
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(_KINDS.index(options.total_kind))
        self.kind_combo.blockSignals(False)

    def show_totals(self, model: CostTableModel) -> None:
        live, money = model.live, model.money
        rows = model.stored_row_count
        if live.uses_vat:
            self.total_label.setText(_("Before VAT ¥{net} + VAT ¥{tax} = ¥{gross} ({n} rows)").format(
                net=format_amount(live.net), tax=format_amount(live.tax), gross=format_amount(live.gross),
                n=f"{rows:,}"))
        else:
            self.total_label.setText(_("Total ({n} rows): ¥{amount}").format(n=f"{rows:,}",
                                                                          amount=format_amount(live.total)))
        compared = model.compared_total
        try:
            self.upper_label.setText(_("In words: {upper}").format(upper=rmb_upper(compared)))
        except ValueError:
            self.upper_label.setText("")
        contract = model.contract_total
        kind = model.total_kind
        before_vat = live.uses_vat and not money.tax_inclusive
        if kind is TotalKind.CEILING:
            text = _("Contract ceiling (before VAT): ¥{amount}") if before_vat else _("Contract ceiling: ¥{amount}")
        else:
            text = _("Contract total (before VAT): ¥{amount}") if before_vat else _("Contract total: ¥{amount}")
        self.contract_label.setText(text.format(amount=format_amount(contract)))
        difference = compared - contract
        if kind is TotalKind.CEILING:
            self._differs = difference > 0
            if difference > 0:
                self._say(_("Above the ceiling by ¥{amount}").format(amount=format_amount(difference)), _RED)
            elif difference:
                self._say(_("¥{amount} below the ceiling").format(amount=format_amount(-difference)), _GREEN)
            else:
                self._say(_("At the ceiling"), _GREEN)
            paid = money.instalments_total
            if money.instalments and paid > contract:
                self.instalments_label.setText(_("Instalments ¥{paid}: above the ceiling by ¥{amount}").format(
                    paid=format_amount(paid), amount=format_amount(paid - contract)))
                self.instalments_label.setStyleSheet(_RED)
            elif money.instalments:
                self.instalments_label.setText(_("Instalments ¥{paid}: within the ceiling").format(
                    paid=format_amount(paid)))
                self.instalments_label.setStyleSheet(_GREEN)
            else:
                self.instalments_label.setText("")
                self.instalments_label.setStyleSheet("")
            return
        self.instalments_label.setText("")
        self.instalments_label.setStyleSheet("")
        self._differs = bool(difference)
        if not difference:
            self._say(_("Agrees with the contract total"), _GREEN)
        elif kind is TotalKind.ESTIMATE:
            self._say(_("An estimate: differs from the contract total by {amount}").format(amount=_signed(difference)),
                      _AMBER)
        else:
            sign = "+" if difference > 0 else "−"
            self._say(_("Differs from the contract total by {sign}¥{amount}").format(
                sign=sign, amount=format_amount(abs(difference))), _RED)

    def _say(self, text: str, style: str) -> None:
        self.difference_label.setText(text)
        self.difference_label.setStyleSheet(style)

    def show_loading(self, rows: int) -> None:
        self.total_label.setText(_("Reading rows… ({n} so far)").format(n=rows))
        self.upper_label.setText("")
        self.difference_label.setText("")
        self.difference_label.setStyleSheet("")
        self.instalments_label.setText("")
        self.instalments_label.setStyleSheet("")
        self._differs = False

    @property
    def differs(self) -> bool:
        """Whether the table's total stands against the contract total (the difference is highlighted)."""
        return self._differs


class PasteRefusedDialog(QDialog):
    """Every cell a paste refused — the pasted row, the column, what was pasted, why — and the pasted text."""

    def __init__(self, pasted: PastedRows, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Nothing was pasted"))
        refused = pasted.refused
        self.summary = QLabel(ngettext(
            "{n} cell cannot be pasted, so nothing was written. Put it right and paste again.",
            "{n} cells cannot be pasted, so nothing was written. Put them right and paste again.",
            len(refused)).format(n=len(refused)))
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(refused), 4)
        self.table.setHorizontalHeaderLabels([_("Pasted row"), _("Column"), _("Pasted"), _("Problem")])
        self.table.setAccessibleName(_("Refused cells"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for r, refusal in enumerate(refused):
            for c, value in enumerate((str(refusal.line), refusal.label, refusal.pasted, refusal.problem)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.what = QLabel(describe_paste(pasted))
        self.what.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(_("What was pasted"))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines = text.splitlines()
        self.text.setPlainText("\n".join(f"{k:>4}  {line}" for k, line in enumerate(lines[:200], start=1))
                               + ("\n…" if len(lines) > 200 else ""))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.what)
        self.text_label = QLabel(_("The pasted text, row by row:"))
        self.text_label.setBuddy(self.text)
        layout.addWidget(self.text_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(760, 440)

    def rows(self) -> list[tuple[str, ...]]:
        """The refusals as shown, row by row."""
        return [tuple(item.text() if (item := self.table.item(r, c)) is not None else "" for c in range(4))
                for r in range(self.table.rowCount())]


def describe_paste(pasted: PastedRows) -> str:
    """What a paste held, in a sentence or two: its rows, its header, the columns it fills, what it left out."""
    from app.codecs.pasted import column_title

    parts = [ngettext("the paste holds {n} row", "the paste holds {n} rows", len(pasted.rows)).format(n=len(pasted.rows))]
    if pasted.header is not None:
        parts.append(_("the first row is a header: {titles}").format(
            titles="、".join(t.strip() for t in pasted.header if t.strip())))
    if pasted.filled:
        parts.append(_("filling {columns}").format(columns="、".join(column_title(c) for c in pasted.filled)))
    if pasted.sectioned:
        parts.append(_("sections recognised from the numbers"))
    for title, why in pasted.ignored:
        parts.append(_("{column} not pasted ({why})").format(column=title, why=why))
    for line, why in pasted.skipped:
        parts.append(_("row {line} left out ({why})").format(line=line, why=why))
    return _("; ").join(parts)


class SectionPath(QLabel):
    """The sections the top visible row is in, with their subtotals, pinned above the table while it scrolls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sectionPath")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("QLabel#sectionPath { background: #eef1f5; padding: 2px 6px; font-weight: bold; }")
        self.setMinimumHeight(self.fontMetrics().height() + 6)


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
        # The figure columns are as wide as their widest value, measured when the figures or the columns change (a
        # paste, another table opened) once the edit has been drawn; a resize only shares out the text columns.
        self._figure_widths_now: dict[str, int] | None = None
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self._columns_changed)
        for signal in (self.model.total_changed, self.model.modelReset, self.model.headerDataChanged):
            signal.connect(self._figures_changed)
        self.model.columns_changed.connect(self._columns_shown)
        self.model.operations.changed.connect(self._contract_changed)
        #: The dialog listing a refused paste's cells (the last one shown).
        self.refused_dialog: PasteRefusedDialog | None = None
        #: The last structural edit refused, with its reason (also on the status bar).
        self.last_refusal: str | None = None

        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)

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
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(False)
        header.sectionClicked.connect(self._header_clicked)
        self._settings = keys.settings()
        self._widths = self._saved_widths()
        self._delegates = {
            "quantity": DecimalDelegate(QUANTITY_PLACES, self.table),
            "unit_price": DecimalDelegate(2, self.table),
            "unit": TextDelegate(32, self.table),
            "no": TextDelegate(20, self.table),
            "discount": RateDelegate(True, self.table),
            "vat_rate": RateDelegate(False, self.table),
        }
        self._text_delegate = TextDelegate(None, self.table)
        self._applying_widths = False
        header.sectionResized.connect(self._remember_widths)
        for signal in (self.model.modelAboutToBeReset, self.model.columnsAboutToBeInserted,
                       self.model.columnsAboutToBeRemoved):  # sections Qt resizes itself are not the clerk's
            signal.connect(self._widths_follow_columns)
        for signal in (self.model.modelReset, self.model.columnsInserted, self.model.columnsRemoved):
            signal.connect(self._widths_followed)  # after the header's own handling (connected before)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.verticalScrollBar().valueChanged.connect(self._show_section_path)

        self.section_path = SectionPath()
        self.footer = TotalsFooter()
        self.footer.discount_edit.editingFinished.connect(lambda: self._option_edited(self.footer.discount_edit))
        self.footer.vat_edit.editingFinished.connect(lambda: self._option_edited(self.footer.vat_edit))
        self.footer.kind_combo.currentIndexChanged.connect(self._kind_chosen)
        self.toolbar = FlowLayout()  # wraps when the tab is narrow (ui.flow_layout)
        self.toolbar.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.section_path)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footer)
        self._make_actions()
        self._columns_changed()
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
        self.indent_action = self._action("Alt+Right", self.indent_rows)
        self.outdent_action = self._action("Alt+Left", self.outdent_rows)
        self.section_action = self._action(None, self.make_sections)
        self.item_action = self._action(None, self.make_items)
        self.renumber_action = self._action(None, self.renumber)
        self.copy_action = self._action(QKeySequence.StandardKey.Copy, self.copy)
        self.paste_action = self._action(QKeySequence.StandardKey.Paste, self.paste)
        self.unsort_action = self._action(None, lambda: self.sort_by(-1))
        self.tool_buttons: list[QToolButton] = []
        for action in (self.insert_action, self.delete_action, None, self.indent_action, self.outdent_action,
                       self.up_action, self.down_action, None, self.section_action, self.item_action,
                       self.renumber_action):
            if action is None:  # a group ends: the flow keeps one spacing between buttons
                continue
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(True)
            self.toolbar.addWidget(button)
            self.tool_buttons.append(button)
        self.filter_edit.setMinimumWidth(180)
        self.toolbar.addWidget(self.filter_edit)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.filter_edit.setPlaceholderText(_("Filter rows…"))
        self.filter_edit.setAccessibleName(_("Filter rows"))
        self.table.setAccessibleName(_("Cost table"))
        for action, text, tip in (
            (self.insert_action, _("Insert rows above"), None),
            (self.append_action, _("Add a row at the end"), None),
            (self.delete_action, _("Delete rows"), _("Delete the selected rows, a section with its rows")),
            (self.up_action, _("Move rows up"), _("Move the rows up, a section with its rows (Alt+Up)")),
            (self.down_action, _("Move rows down"), _("Move the rows down, a section with its rows (Alt+Down)")),
            (self.indent_action, _("Indent"), _("Put the rows into the section above them (Alt+Right)")),
            (self.outdent_action, _("Outdent"), _("Take the rows out of their section (Alt+Left)")),
            (self.section_action, _("Make section"), _("Make the rows sections: headings whose amount is the "
                                                       "sum of the rows under them")),
            (self.item_action, _("Make item"), _("Make the sections items with a quantity and a unit price")),
            (self.renumber_action, _("Renumber"), _("Number the sections afresh: 一, 1, 1.1")),
            (self.copy_action, _("Copy"), None),
            (self.paste_action, _("Paste"), None),
            (self.unsort_action, _("Show stored order"), None),
        ):
            action.setText(text)
            action.setToolTip(tip or text)
        # The toolbar's buttons say it shortly (the menu says it whole), leaving the filter box room.
        for action, short in ((self.insert_action, _("Insert")), (self.delete_action, _("Delete")),
                              (self.up_action, _("Up")), (self.down_action, _("Down"))):
            action.setIconText(short)
        for button in self.tool_buttons:
            button.setAccessibleName(button.defaultAction().text())
        self.footer.retranslate()
        for edit in (self.footer.discount_edit, self.footer.vat_edit):
            if edit.property("refused"):  # the reason again, in the new language
                try:
                    self._typed_rate(edit)
                except AmountError as exc:
                    self._refuse_rate(edit, exc)
        self.footer.show_options(self.model.options)
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
            self.indent_action,
            self.outdent_action,
            None,
            self.section_action,
            self.item_action,
            self.renumber_action,
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
        if annex_id is None or annex_id != self.model.annex_id:  # the same table again: a refused rate stays
            for edit in (self.footer.discount_edit, self.footer.vat_edit):
                self._mark_option(edit, None)
        self.model.load(annex_id, number)
        self.footer.show_options(self.model.options)

    def _contract_changed(self, changes: Changes) -> None:
        """The contract's total, tax flag or instalments changed (here or elsewhere): the footer compares anew."""
        if self.model.annex_id is not None and affects(changes, self.model.number,
                                                       frozenset({Part.FIELDS, Part.PAYMENTS})):
            self.model.reload_money()

    def _saved_widths(self) -> dict[str, int]:
        raw = self._settings.value(keys.ANNEX_HEADER_KEY)
        try:
            saved = json.loads(raw) if isinstance(raw, str) else {}
        except ValueError:
            saved = {}
        return {k: int(v) for k, v in saved.items() if k in _COLUMN_NAMES and isinstance(v, int) and v > 0} \
            if isinstance(saved, dict) else {}

    def _widths_follow_columns(self, *_args) -> None:
        self._applying_widths = True

    def _widths_followed(self, *_args) -> None:
        self._applying_widths = False

    def _remember_widths(self, column: int, _old: int, new: int) -> None:
        """Keep the width a clerk dragged, by column (the columns shown vary from table to table)."""
        if self._applying_widths or not 0 <= column < len(self.model.columns):
            return
        self._widths[self.model.columns[column]] = new
        self._settings.setValue(keys.ANNEX_HEADER_KEY, json.dumps(self._widths))

    def _columns_changed(self) -> None:
        """Delegates and widths for the columns the table now shows (long titles wrap onto a second line when
        the table has more columns than a flat one)."""
        columns = self.model.columns
        header = self.table.horizontalHeader()
        widths = self._fitted_widths()
        wraps = any(header.fontMetrics().horizontalAdvance(str(self.model.headerData(c, Qt.Orientation.Horizontal)))
                    > self._widths.get(name, widths[name]) - 8 for c, name in enumerate(columns))
        header.setFixedHeight((2 if wraps and columns != VIEW_COLUMNS else 1) * header.fontMetrics().height() + 8)
        self._applying_widths = True
        for col, name in enumerate(columns):
            self.table.setColumnWidth(col, self._widths.get(name, widths[name]))
            plain = self.table.itemDelegate()  # computed columns are never edited
            delegate = plain if name in COMPUTED else self._delegates.get(name, self._text_delegate)
            self.table.setItemDelegateForColumn(col, delegate)
        self._applying_widths = False
        self._show_section_path()

    def _figures_changed(self, *_args) -> None:
        self._figure_widths_now = None
        self._refit.start()

    def _columns_shown(self) -> None:
        """Other columns: their widths and delegates now, before the table is drawn with them."""
        self._figure_widths_now = None
        self._columns_changed()

    def _title_width(self, column: int) -> int:
        """The width of the column title's longest word (titles wrap onto a second line)."""
        words = str(self.model.headerData(column, Qt.Orientation.Horizontal)).split()
        return max((self.table.horizontalHeader().fontMetrics().horizontalAdvance(w) for w in words), default=0)

    def _figure_widths(self) -> dict[str, int]:
        """Each figure column as wide as its widest value (the totals bound the amounts; up to 2,000 rows are read)."""
        model = self.model
        plain, bold = self.table.fontMetrics(), QFontMetrics(_bold(self.table.font()))
        live = model.live
        n = min(model.stored_row_count, 2000)

        def prices() -> list[str]:
            return [format_amount(v) for v in model.column("unit_price")[:n]]

        samples: dict[str, Callable[[], list[str]]] = {
            "no": lambda: [str(v) for v in model.column("no")[:n]],
            "unit": lambda: [str(v) for v in model.column("unit")[:n]],
            "quantity": lambda: [model.index(r, model.column_index("quantity")).data() or ""
                                 for r in range(min(n, 200))],
            "unit_price": prices,
            "discount": lambda: ["100%", "95.55%"],
            "vat_rate": lambda: ["13%", "99.5%"],
            "discounted": prices,
            "amount": lambda: [format_amount(live.net)],
            "tax": lambda: [format_amount(live.tax)],
            "gross": lambda: [format_amount(live.gross)],
        }
        out: dict[str, int] = {}
        for column, name in enumerate(model.columns):
            if name in _TEXT_SHARES:
                continue
            metrics = bold if name in ("no", "amount", "tax", "gross") else plain
            values = samples[name]() if name in samples else []
            widest = max((metrics.horizontalAdvance(t) for t in values), default=0)
            out[name] = max(self._title_width(column), widest) + 12
        return out

    def _fitted_widths(self) -> dict[str, int]:
        """The figure columns' widths (measured again only when the figures change), the text columns sharing the
        rest of the visible width."""
        if self._figure_widths_now is None:
            self._figure_widths_now = self._figure_widths()
        out = dict(self._figure_widths_now)
        columns = self.model.columns
        viewport = self.table.viewport().width() if self.table.isVisible() else 880
        left = max(0, viewport - sum(out.values()) - 2)
        for name, share in _TEXT_SHARES.items():
            out[name] = max(_TEXT_MIN[name], self._title_width(columns.index(name)) + 12, int(left * share))
        return out

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._columns_changed()  # the visible width is known now

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._columns_changed()

    def set_read_only(self, read_only: bool) -> None:
        """A signed or archived contract's table: no cell, row or rate can be changed; it can be read, filtered,
        sorted and copied."""
        self.model.read_only = read_only
        for action in (self.insert_action, self.append_action, self.delete_action, self.up_action, self.down_action,
                       self.indent_action, self.outdent_action, self.section_action, self.item_action,
                       self.renumber_action, self.paste_action):
            action.setEnabled(not read_only)
        self._show_totals()

    def _show_totals(self) -> None:
        editable = self.model.annex_id is not None and not self.model.read_only
        for widget in (self.footer.discount_edit, self.footer.vat_edit, self.footer.kind_combo):
            widget.setEnabled(editable)
        if self.model.loading:
            self.footer.show_loading(self.model.stored_row_count)
        else:
            self.footer.show_totals(self.model)
            self.footer.show_options(self.model.options)
        self._show_section_path()

    def _show_section_path(self, *_args) -> None:
        """The sections of the top visible row, pinned above the table (only a table with sections has it)."""
        model = self.model
        shown = model.live.has_sections and model.is_stored_order
        self.section_path.setVisible(shown)
        if not shown:
            return
        top = self.table.rowAt(0)
        path = model.section_path(model.stored_index(top)) if 0 <= top < model.rowCount() else []
        text = "  ›  ".join(f"{label}  ¥{format_amount(amount)}" if amount is not None else label
                            for label, amount in path)
        self.section_path.setText(text)

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._show_section_path()

    # ------------------------------------------------------------------ the table's options

    def _option_edited(self, edit: QLineEdit) -> None:
        """A rate typed in the footer: refused with the reason beside it, or stored as one undoable step."""
        if not self._loaded():
            return
        discount = edit is self.footer.discount_edit
        try:
            value = self._typed_rate(edit)
        except AmountError as exc:
            self.status_message.emit(self._refuse_rate(edit, exc))
            return
        if edit.property("refused"):
            self.status_message.emit("")  # corrected: the refusal said on the status bar no longer stands
        self._mark_option(edit, None)
        edit.setModified(False)
        current = self.model.options
        options = (TableOptions(value, current.vat_rate, current.total_kind) if discount
                   else TableOptions(current.discount, value, current.total_kind))
        if options != current:
            self.undo_stack.push(TableOptionsCommand(self.model, options))
        self.footer.show_options(self.model.options)

    def _typed_rate(self, edit: QLineEdit) -> Decimal | None:
        """The rate typed into the footer's `edit` (None when empty); raises AmountError saying why it is none."""
        text = edit.text().strip()
        return parse_rate(text, discount=edit is self.footer.discount_edit) if text else None

    def _refuse_rate(self, edit: QLineEdit, error: AmountError) -> str:
        """Mark `edit`'s entry refused for `error`; the message naming the rate."""
        label = _(TABLE_OPTION_LABELS["discount" if edit is self.footer.discount_edit else "vat_rate"])
        message = _("{field}: {value}").format(field=label, value=error.message)  # the colon full-width in Chinese
        self._mark_option(edit, message, error.message)
        return message

    def refused_rates(self) -> dict[str, tuple[str, str]]:
        """The footer's rates typed but refused: option ("discount", "vat_rate") → (what was typed, why not)."""
        return {option: (edit.text(), str(edit.property("problem"))) for option, edit in
                (("discount", self.footer.discount_edit), ("vat_rate", self.footer.vat_edit))
                if edit.property("refused")}

    def refused_cells(self) -> dict[tuple[int, str], tuple[str, str]]:
        """Cells typed but refused: (row counted from 1, column) → (what was typed, why not)."""
        return self.model.refused_cells()

    def focus_cell(self, row: int, column: str) -> None:
        """Put the cursor on the cell of stored row `row` (counted from 1) and `column`, in view."""
        view_row = self.model.view_row(row - 1)
        if view_row is None or column not in self.model.columns:
            return
        index = self.model.index(view_row, self.model.column_index(column))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.setFocus()

    def focus_rate(self, option: str) -> None:
        (self.footer.discount_edit if option == "discount" else self.footer.vat_edit).setFocus()

    def _mark_option(self, edit: QLineEdit, message: str | None, problem: str = "") -> None:
        """Mark a refused option entry (red, the reason as its tooltip), or clear the mark."""
        edit.setProperty("refused", bool(message))
        edit.setProperty("problem", problem)
        edit.setStyleSheet(_FIELD_ERROR if message else "")
        if message:
            edit.setToolTip(message)
        else:
            self.footer.retranslate()

    def _kind_chosen(self, index: int) -> None:
        if index < 0 or not self._loaded():
            self.footer.show_options(self.model.options)
            return
        current = self.model.options
        options = TableOptions(current.discount, current.vat_rate, _KINDS[index])
        if options != current:
            self.undo_stack.push(TableOptionsCommand(self.model, options))
        self.footer.show_options(self.model.options)

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
        self._show_section_path()

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

    def _selected_block(self, moving: bool = False) -> tuple[int, int] | None:
        """The first and last selected rows, when they are adjacent and the view shows stored order."""
        if not self._loaded():
            return None
        if not self.model.is_stored_order:
            self.status_message.emit(_("Rows can be moved only in stored order: clear the sort and the filter")
                                     if moving else
                                     _("Sections can be edited only in stored order: clear the sort and the filter"))
            return None
        rows = self._selected_view_rows()
        if not rows:
            return None
        if rows[-1] - rows[0] + 1 != len(rows):
            self.status_message.emit(_("Select adjacent rows to move them"))
            return None
        return rows[0], rows[-1]

    def _refuse(self, error: UserError) -> None:
        """A structural edit the table cannot take: the reason beside the cell and on the status bar."""
        message = _("Not changed: {problem}").format(problem=str(error))
        self.last_refusal = message
        self.status_message.emit(message)
        rect = self.table.visualRect(self.table.currentIndex())
        QToolTip.showText(self.table.viewport().mapToGlobal(rect.bottomLeft()), message, self.table)

    def insert_rows(self) -> None:
        """Insert as many empty rows as are selected, above the first selected row (at its level)."""
        if not self._loaded():
            return
        rows = self._selected_view_rows()
        before = self.model.row_id(rows[0]) if rows else None
        level = self.model.levels[self.model.stored_index(rows[0])] if rows else self._end_level()
        new = (*_EMPTY_ROW, "item", level, "", None, None, None)
        self.undo_stack.push(InsertRowsCommand(self.model, before, [new] * max(1, len(rows))))
        if before is not None:
            self._select_stored(self.model.index_of_id(before) - max(1, len(rows)))

    def _end_level(self) -> int:
        """The level of a row added at the end: in the last row's section (under it, when it is a section)."""
        n = self.model.stored_row_count
        if not n:
            return 0
        return self.model.levels[n - 1] + (1 if self.model.is_section(n - 1) else 0)

    def append_row(self) -> None:
        if not self._loaded():
            return
        self.undo_stack.push(InsertRowsCommand(self.model, None, [(*_EMPTY_ROW, "item", self._end_level(), "",
                                                                    None, None, None)]))
        self._select_stored(self.model.stored_row_count - 1)

    def delete_rows(self) -> None:
        """Delete the selected rows; a section goes with the rows in it (as a clause goes with its sub-clauses)."""
        if not self._loaded():
            return
        rows = self._selected_view_rows()
        if not rows:
            return
        model = self.model
        stored = {model.stored_index(r) for r in rows}
        for i in list(stored):
            stored.update(range(i, edits.subtree_end(model.kinds, model.levels, i)))
        all_ids = model.stored_ids()
        ids = [all_ids[i] for i in sorted(stored)]
        self.undo_stack.push(DeleteRowsCommand(model, ids))
        if len(stored) > len(rows):
            self.status_message.emit(_("Deleted {n} rows, the sections with their rows (Ctrl+Z undoes it)").format(
                n=len(ids)))
        else:
            self.status_message.emit(_("Deleted {n} rows (Ctrl+Z undoes it)").format(n=len(ids)))

    def move_rows(self, step: int) -> None:
        """Move the selected adjacent rows one place up (-1) or down (+1) in stored order; a section moves with
        its rows, past the whole row (or section) beside it."""
        block = self._selected_block(moving=True)
        if block is None:
            return
        model = self.model
        first, last = block
        try:
            _start, order = edits.move(model.kinds, model.levels, first, last, step)
        except UserError as exc:
            if (step < 0 and first == 0) or (step > 0 and last == model.rowCount() - 1):
                return  # already at the end: nothing to do, as before
            self._refuse(exc)
            return
        ids = model.stored_ids()
        moved = [ids[i] for i in order]
        text = N_("Move rows up") if step < 0 else N_("Move rows down")
        first_id, last_id = ids[first], ids[last]
        self.undo_stack.push(MoveRowsCommand(model, moved, lambda: _(text)))
        self._select_range(model.index_of_id(first_id), model.index_of_id(last_id))

    def _select_range(self, first: int, last: int) -> None:
        column = max(self.table.currentIndex().column(), 0)
        selection = self.table.selectionModel()
        selection.clearSelection()
        for r in range(first, last + 1):
            selection.select(self.model.index(r, column), QItemSelectionModel.SelectionFlag.Select)
        self.table.setCurrentIndex(self.model.index(first, column))
        for r in range(first, last + 1):
            selection.select(self.model.index(r, column), QItemSelectionModel.SelectionFlag.Select)

    def _structural(self, compute, text: Callable[[int], str]) -> None:
        """Run a structural edit of app.rules.cost_table_edits on the selected rows as one undoable cells change."""
        block = self._selected_block()
        if block is None:
            return
        model = self.model
        first, last = block
        try:
            changes = compute(first, last)
        except UserError as exc:
            self._refuse(exc)
            return
        if not changes:
            return
        ids = model.stored_ids()
        n = len({i for i, _c, _v in changes})
        self.undo_stack.push(EditCellsCommand(model, [CellChange(ids[i], c, v) for i, c, v in changes],
                                              lambda: text(n)))
        self._select_range(first, last)

    def indent_rows(self) -> None:
        """Put the selected rows (with the rows in them) into the section above them."""
        model = self.model
        self._structural(lambda a, b: [(i, "level", v) for i, v in
                                       edits.indent(model.kinds, model.levels, a, b).items()],
                         lambda n: ngettext("Indent {n} row", "Indent {n} rows", n).format(n=n))

    def outdent_rows(self) -> None:
        """Take the selected rows (with the rows in them) out of their section."""
        model = self.model
        self._structural(lambda a, b: [(i, "level", v) for i, v in
                                       edits.outdent(model.kinds, model.levels, a, b).items()],
                         lambda n: ngettext("Outdent {n} row", "Outdent {n} rows", n).format(n=n))

    def make_sections(self) -> None:
        """Make the selected rows sections (their quantity and price go: a section's amount is its rows')."""
        model = self.model

        def changes(a: int, b: int) -> list:
            out = []
            for i in edits.make_sections(model.kinds, model.levels, range(a, b + 1)):
                out += [(i, "kind", "section"), (i, "quantity", None), (i, "unit_price", Decimal("0.00"))]
            return out

        self._structural(changes, lambda n: ngettext("Make {n} row a section", "Make {n} rows sections", n).format(n=n))

    def make_items(self) -> None:
        """Make the selected sections items (refused for a section that still holds rows)."""
        model = self.model

        def changes(a: int, b: int) -> list:
            out = []
            for i in edits.make_items(model.kinds, model.levels, range(a, b + 1)):
                out += [(i, "kind", "item"), (i, "quantity", Decimal("0")), (i, "stated", None)]
            return out

        self._structural(changes, lambda n: ngettext("Make {n} row an item", "Make {n} rows items", n).format(n=n))

    def renumber(self) -> None:
        """Number the rows by their place in the sections (一, 1, 1.1), as one undoable step."""
        if not self._loaded():
            return
        model = self.model
        new = edits.renumber(model.kinds, model.levels, model.column("no"))
        if not new:
            self.status_message.emit(_("The numbers are already in order"))
            return
        ids = model.stored_ids()
        n = len(new)
        self.undo_stack.push(EditCellsCommand(model, [CellChange(ids[i], "no", no) for i, no in sorted(new.items())],
                                              lambda: ngettext("Renumber {n} row", "Renumber {n} rows", n).format(n=n)))
        self.status_message.emit(ngettext("Renumbered {n} row", "Renumbered {n} rows", len(new)).format(n=len(new)))

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
        """Paste a TSV block at the current cell: existing rows are overwritten, extra rows appended. A header
        row names the columns (and the rows then fill whole rows from the current one); an indented table keeps
        its sections. Every cell is checked first; nothing is written unless all are valid. One undo step."""
        if not self._loaded():
            return False
        block = parse_tsv(text)
        if not block:
            return False
        model = self.model
        current = self.table.currentIndex()
        left = current.column() if current.isValid() else 0
        pasted = read_pasted(block, model.columns[left:])
        if pasted.header is not None and not current.isValid():
            top = model.rowCount()
        else:
            top = current.row() if current.isValid() else model.rowCount()
        if pasted.structured and not model.is_stored_order:
            self.status_message.emit(_("Rows with sections can be pasted only in stored order: clear the sort and the "
                                       "filter"))
            return False
        changes, appended = ([], []) if pasted.refused else self._paste_plan(pasted, top)
        if pasted.refused:
            self._show_refused(pasted, text)
            return False
        if not changes and not appended:
            self.status_message.emit(_("Nothing was pasted: {what}").format(what=describe_paste(pasted)))
            return False
        self.undo_stack.push(PasteCommand(model, changes, appended))
        said = _("Pasted {n} rows").format(n=len(pasted.rows))
        notes = [note for note in (
            _("the first row is a header") if pasted.header is not None else "",
            _("sections recognised from the numbers") if pasted.sectioned else "",
            *[_("row {line} left out ({why})").format(line=line, why=why) for line, why in pasted.skipped],
        ) if note]
        if notes:
            said += _("; ") + _("; ").join(notes)
        if appended and self.filter_edit.text().strip():  # new rows go to the end, where the filter may hide them
            said = _("Pasted {n} rows; the {added} added at the end of the table may be hidden by the filter").format(
                n=len(pasted.rows), added=len(appended))
        self.status_message.emit(said)
        return True

    def _show_refused(self, pasted: PastedRows, text: str) -> None:
        first = pasted.refused[0]
        message = _("Nothing was pasted: {where}: {problem}").format(
            where=_("pasted row {line}, {column}").format(line=first.line, column=first.label), problem=first.problem)
        if len(pasted.refused) > 1:
            message += " " + ngettext("(and {n} more cell)", "(and {n} more cells)", len(pasted.refused) - 1).format(
                n=len(pasted.refused) - 1)
        self.status_message.emit(message)
        if self.refused_dialog is not None:
            self.refused_dialog.close()
        self.refused_dialog = PasteRefusedDialog(pasted, text, self)
        self.refused_dialog.open()

    def _paste_plan(self, pasted: PastedRows, top: int) -> tuple[list[CellChange], list[tuple]]:
        """The cell changes and appended rows a read paste makes from view row `top`; refusals (a number left
        empty in an existing row, a section's quantity, a shape the table cannot take) go to `pasted.refused`."""
        model = self.model
        view_rows = model.rowCount()
        n = model.stored_row_count
        structured = pasted.structured
        if structured:
            base = model.levels[model.stored_index(top)] if top < view_rows else (
                0 if any(r.get("kind") == "section" for r in pasted.rows) else self._end_level())
        else:
            base = self._end_level()
        changes: list[CellChange] = []
        appended: list[tuple] = []
        shape: dict[int, tuple[str, int]] = {}
        for k, (values, line) in enumerate(zip(pasted.rows, pasted.lines, strict=True)):
            view_row = top + k
            if structured:
                values = {**values, "level": base + int(values["level"])}  # type: ignore[call-overload]
            if view_row < view_rows:
                stored = model.stored_index(view_row)
                row_id = model.row_id(view_row)
                section = model.is_section(stored) if not structured else values["kind"] == "section"
                for name, value in values.items():
                    if value is BLANK:
                        if structured and section:
                            continue
                        pasted.refused.append(Refusal(line, name, "", _("a number is required")))
                        continue
                    if name in ("quantity", "unit_price") and section and not structured:
                        pasted.refused.append(Refusal(line, name, str(value), _(
                            "row {row} is a section: its amount is the sum of its rows").format(row=stored + 1)))
                        continue
                    changes.append(CellChange(row_id, name, value))  # type: ignore[arg-type]
                if structured:
                    shape[stored] = (str(values["kind"]), int(values["level"]))  # type: ignore[call-overload]
            else:
                row = dict(zip(ROW_COLUMNS, (*_EMPTY_ROW, "item", base, "", None, None, None), strict=True))
                row.update({name: cast("str | Decimal | int | None", value) for name, value in values.items()
                            if value is not BLANK})
                appended.append(tuple(row[name] for name in ROW_COLUMNS))
        if not pasted.refused and (shape or appended):
            kinds = [str(k) for k in model.kinds]
            levels = list(model.levels)
            for i, (kind, level) in shape.items():
                kinds[i], levels[i] = kind, level
            kinds += [str(r[ROW_COLUMNS.index("kind")]) for r in appended]
            levels += [int(r[ROW_COLUMNS.index("level")]) for r in appended]
            start = min([*shape, n]) if shape or appended else n
            try:
                edits.check(kinds, levels, start, len(levels))
            except UserError as exc:
                pasted.refused.append(Refusal(pasted.lines[0] if pasted.lines else 1, "level", "", str(exc)))
        return changes, appended
