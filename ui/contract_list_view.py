"""The left pane: search box, status filter, the contract table and a match count.

Typing re-queries after a short pause (SEARCH_DELAY_MS) so a burst of keys costs one query; the match
count (a second query) waits a little longer. Selecting a row emits `contract_selected(number)`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.base.i18n import _, ngettext
from app.domain import Status
from ui.contract_list_model import DEADLINE, NUMBER, NUMBER_ROLE, OTHER_PARTY, STATUS, TITLE, TOTAL, ContractListModel
from ui.first_paint import start_view
from ui.i18n import RetranslateMixin

if TYPE_CHECKING:
    from app.store.db import Database

SEARCH_DELAY_MS = 150
COUNT_DELAY_MS = 400


#: Beside a registry number: the open comments' badge (18 px), its gap and the cell's margins.
BADGE_ROOM = 44
#: The columns' order on screen (the model's stays NUMBER … DEADLINE).
VISUAL_ORDER = (NUMBER, TITLE, STATUS, DEADLINE, OTHER_PARTY, TOTAL)


class ContractListView(RetranslateMixin, QWidget):
    """Search + filter + table. `select_number` selects a contract programmatically."""

    contract_selected = Signal(str)
    #: Enter or double-click on a row: the user wants to work on that contract (focus moves to its tabs).
    contract_activated = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None, *, our_party: str = "a") -> None:
        """`our_party`: the party ("a"/"b") the office is; the 对方 column shows the other one."""
        super().__init__(parent)
        self.db = db
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("contractSearch")
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # never clipped
        self.model = ContractListModel(db, self, our_party=our_party)
        self.table = QTableView()
        self.table.setObjectName("contractTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # rows are chosen with the arrows; Tab goes on to the contract
        # the indicator first: enabling sorting sorts at once, by default descending (a query for nothing)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((136, 100, 88, 92, 56, 170)):
            header.resizeSection(column, width)
        # 编号 as wide as the longest number read, with room for the open comments' badge beside it (it cut
        # CMHA-AY-202500441 to "CMHA-AY-2025…"); the clerk's own width, if any, is put back later (apply_column_layout)
        widest = max((self.table.fontMetrics().horizontalAdvance(n) for n in self.model.number_texts()), default=0)
        header.resizeSection(NUMBER, max(136, widest + BADGE_ROOM))
        # What needs doing first: 状态 and 下一期限 after 编号 and 标题 (a first window's list, 35% of 1229 px, shows
        # them; 对方 and 合计 follow). The clerk may drag the columns; the window keeps their order (ui.settings).
        for visual, column in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(column), visual)
        header.setSectionsMovable(True)
        # 下一期限 is worked out per row, not stored: it cannot be sorted by, so its header takes no sort arrow (the
        # arrow moved there while the rows stayed in the last order)
        self._sorted_by = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        header.sortIndicatorChanged.connect(self._sort_indicator_moved)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TOTAL, QHeaderView.ResizeMode.Fixed)  # sized from its amounts: never clipped
        self.count_label = QLabel()
        self.count_label.setObjectName("matchCount")

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.setTabOrder(self.search, self.status_combo)
        self.setTabOrder(self.status_combo, self.table)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.update_count)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda index: self.contract_activated.emit(index.data(NUMBER_ROLE)))
        self.model.requeried.connect(self._count_timer.start)
        self.model.requeried.connect(self.fit_total_column)
        self.model.rowsInserted.connect(self.fit_total_column)
        self.model.dataChanged.connect(self.fit_total_column)
        self.retranslate_ui()
        self.update_count()

    def retranslate_ui(self) -> None:
        self.search.setPlaceholderText(_("Search number, title, parties, clause text (Ctrl+F)"))
        self.search.setToolTip(_("Three or more characters also search the clause text"))
        self.search.setAccessibleName(_("Search contracts"))
        self.table.setAccessibleName(_("Contract list"))
        current = self.status_combo.currentIndex()
        self.status_combo.blockSignals(True)
        self.status_combo.clear()
        self.status_combo.addItem(_("All statuses"), None)
        for status in Status:
            self.status_combo.addItem(status.label, status.value)
        self.status_combo.setCurrentIndex(max(0, current))
        self.status_combo.blockSignals(False)
        self.status_combo.setToolTip(_("Show only contracts in this status"))
        self.status_combo.setAccessibleName(_("Status filter"))
        self.model.retranslate()
        self.fit_total_column()
        self.update_count()

    def fit_total_column(self, *_args) -> None:
        """Size the 合计 column to its widest amount (and its title), so no amount is ever cut off."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        title = header.fontMetrics().horizontalAdvance(str(self.model.headerData(TOTAL, Qt.Orientation.Horizontal)))
        widest = max((metrics.horizontalAdvance(t) for t in set(self.model.total_texts())), default=0)
        width = max(widest, title + 16) + 2 * self.table.style().pixelMetric(self.table.style().PixelMetric.PM_FocusFrameHMargin) + 12
        if header.sectionSize(TOTAL) != width:
            header.resizeSection(TOTAL, width)

    def _sort_indicator_moved(self, column: int, order: Qt.SortOrder) -> None:
        from PySide6.QtGui import QCursor
        from PySide6.QtWidgets import QToolTip

        header = self.table.horizontalHeader()
        if self.model.sort_key(column) is not None:
            self._sorted_by = (column, order)
            return
        header.blockSignals(True)
        header.setSortIndicator(*self._sorted_by)
        header.blockSignals(False)
        QToolTip.showText(QCursor.pos(), _("The list cannot be sorted by its next deadline; the reminders list what "
                                           "falls due first"), header)

    def column_layout(self) -> str:
        """The columns in their order on screen with their widths, as JSON [[column, width], …] (ui.settings)."""
        header = self.table.horizontalHeader()
        return json.dumps([[header.logicalIndex(v), header.sectionSize(header.logicalIndex(v))]
                           for v in range(header.count())])

    def apply_column_layout(self, saved: str | None) -> None:
        """Put the columns in the order and widths `column_layout` gave; anything else leaves them as they are.
        (Not QHeaderView.restoreState: that also sorts by the saved column, a query before the window's paint.)"""
        try:
            layout = json.loads(saved) if saved else None
        except ValueError:
            return
        header = self.table.horizontalHeader()
        if not isinstance(layout, list) or not all(
                isinstance(entry, list) and len(entry) == 2 and all(type(n) is int for n in entry) for entry in layout):
            return
        if sorted(c for c, _w in layout) != list(range(header.count())) or not all(20 <= w <= 2000 for _c, w in layout):
            return
        for visual, (column, width) in enumerate(layout):
            header.moveSection(header.visualIndex(column), visual)
            if column != TOTAL:  # sized from its amounts
                header.resizeSection(column, width)

    def set_our_party(self, role: str) -> None:
        """The office is party `role` ("a"/"b"): the 对方 column shows the other one."""
        self.model.set_our_party(role)

    # ------------------------------------------------------------------ filtering

    def current_status(self) -> Status | None:
        value = self.status_combo.currentData()
        return Status(value) if value else None

    def apply_filter(self) -> None:
        """Re-query now (the typing pause is over, or Enter was pressed); keeps the selection if still listed."""
        self._search_timer.stop()
        selected = self.selected_number()
        self.model.set_filter(self.search.text(), self.current_status())
        if selected is not None:
            self.select_number(selected, emit=False, fetch=False)

    def update_count(self) -> None:
        self._count_timer.stop()
        quick = start_view(self.db)
        if quick is not None and not self.model.search_text.strip() and self.model.status is None:
            n = quick.count  # start-up: read before the store opens (ui.first_paint)
        else:
            from app.store.contract_list import count_contracts

            n = count_contracts(self.db, self.model.search_text, self.model.status)
        found = ngettext("{n} contract", "{n} contracts", n).format(n=n)
        needle = self.model.search_text.strip()
        if needle and not self._searches_clause_text(needle):
            found = _("{found} (clause text is searched from three characters on)").format(found=found)
        self.count_label.setText(found)
        self._last_count = n

    def _searches_clause_text(self, needle: str) -> bool:
        from app.store.contract_list import searches_clause_text

        return searches_clause_text(self.db, needle)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ------------------------------------------------------------------ selection

    def selected_number(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(NUMBER_ROLE) if rows else None

    def select_number(self, number: str, *, emit: bool = True, fetch: bool = True) -> bool:
        """Select `number` if it is listed (with `fetch`, fetching further pages); False if it is not."""
        row = self.model.row_of(number)
        while fetch and row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(number)
        if row < 0:
            return False
        if not emit:
            self.table.selectionModel().blockSignals(True)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        if not emit:
            self.table.selectionModel().blockSignals(False)
            self.table.viewport().update()
        return True

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        number = self.selected_number()
        if number is not None:
            self.contract_selected.emit(number)
