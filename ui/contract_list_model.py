"""The contract list as a Qt table model: pages fetched on demand, re-queried on search, filter and sort.

Rows come from app.store.contract_list in pages of PAGE_SIZE (canFetchMore/fetchMore), so 10,000
contracts cost one page at a time. The next deadline is computed only for rows the view actually asks
about, in one batch after the paint that asked (app.ops.standings.next_deadlines), and cached.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap

from app.base.i18n import N_, _, ngettext
from app.domain import Status, party_name
from app.store.quick_read import ContractSummary
from app.values.money import format_amount
from ui.first_paint import start_view

if TYPE_CHECKING:
    from app.domain.calendar import WorkCalendar
    from app.rules.schedule import ScheduleItem
    from app.store.db import Database

PAGE_SIZE = 200

NUMBER, TITLE, OTHER_PARTY, TOTAL, STATUS, DEADLINE = range(6)
HEADERS = (N_("Number"), N_("Title"), N_("Other party"), N_("Total"), N_("Status"), N_("Next deadline"))
#: The store's sort key per column; None: not sortable (the deadline is computed per row, not stored). The
#: other party's key follows which party the office is (ContractListModel.sort_key).
SORT_KEYS = ("number", "title", "party_a", "total", "status", None)

NUMBER_ROLE = Qt.ItemDataRole.UserRole

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class ContractListModel(QAbstractTableModel):
    """Contracts matching the current search text and status, in the current order."""

    #: Emitted after every re-query (search, filter, sort, reload).
    requeried = Signal()

    def __init__(self, db: Database, parent=None, today: date | None = None, our_party: str = "a") -> None:
        """`our_party`: the party ("a"/"b") the office is in its contracts; the list shows the other one."""
        super().__init__(parent)
        self.db = db
        self.our_party = our_party
        self.today = today or date.today()
        self.search_text = ""
        self.status: Status | None = None
        self.order_by = "number"
        self.descending = False
        self._rows: list[ContractSummary] = []
        self._exhausted = True
        self._deadlines: dict[str, ScheduleItem | None] = {}
        self._pending: set[str] = set()
        self._calendar: WorkCalendar | None = None
        self._deadline_timer = QTimer(self)
        self._deadline_timer.setSingleShot(True)
        self._deadline_timer.setInterval(0)
        self._deadline_timer.timeout.connect(self.compute_pending_deadlines)
        self._open_comments: dict[str, int] = {}
        self._badges: dict[int, QPixmap] = {}
        self.requery()

    # ------------------------------------------------------------------ querying

    def requery(self) -> None:
        """Start again from the first page with the current search, filter and order."""
        self.beginResetModel()
        quick = start_view(self.db)
        if quick is not None and self.is_default_view() and quick.limit == PAGE_SIZE:  # start-up: read before the
            self._rows, self._open_comments = list(quick.rows), dict(quick.open_comments)  # store opens
        else:
            from app.store.comments import open_comment_counts
            from app.store.contract_list import search_contracts

            self._rows = search_contracts(
                self.db, self.search_text, self.status, offset=0, limit=PAGE_SIZE,
                order_by=self.order_by, descending=self.descending,
            )
            self._open_comments = open_comment_counts(self.db)
        self._exhausted = len(self._rows) < PAGE_SIZE
        self._pending.clear()
        self.endResetModel()
        self.requeried.emit()

    def is_default_view(self) -> bool:
        """All contracts by number: what the window shows first."""
        return not self.search_text.strip() and self.status is None and self.order_by == "number" and not self.descending

    def set_filter(self, text: str, status: Status | None) -> None:
        if text == self.search_text and status == self.status:
            return
        self.search_text, self.status = text, status
        self.requery()

    def reload(self) -> None:
        """After a change elsewhere (import, another window): fresh rows, fresh deadlines."""
        self._deadlines.clear()
        self._calendar = None
        self.requery()

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if parent.isValid() or self._exhausted:
            return
        from app.store.contract_list import search_contracts

        page = search_contracts(
            self.db, self.search_text, self.status, offset=len(self._rows), limit=PAGE_SIZE,
            order_by=self.order_by, descending=self.descending,
        )
        self._exhausted = len(page) < PAGE_SIZE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    @property
    def other_party(self) -> str:
        """The role of the party the list shows: the one the office is not."""
        return "a" if self.our_party == "b" else "b"

    def set_our_party(self, role: str) -> None:
        """The office is party `role` ("a"/"b") in its contracts: the list shows the other one (and sorts by it)."""
        if role not in ("a", "b") or role == self.our_party:
            return
        self.our_party = role
        if self.order_by in ("party_a", "party_b"):
            self.order_by = f"party_{self.other_party}"
            self.requery()
        else:
            self.retranslate()

    def sort_key(self, column: int) -> str | None:
        if column == OTHER_PARTY:
            return f"party_{self.other_party}"
        return SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else None

    def number_texts(self) -> list[str]:
        """The registry numbers of the rows read, for sizing their column."""
        return [s.number for s in self._rows]

    def total_texts(self) -> list[str]:
        """The totals as the list shows them, for sizing their column."""
        return [format_amount(s.total) for s in self._rows]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.sort_key(column)
        if key is None:
            return
        self.order_by, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.requery()

    # ------------------------------------------------------------------ rows

    def summary(self, row: int) -> ContractSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, number: str) -> int:
        for row, s in enumerate(self._rows):
            if s.number == number:
                return row
        return -1

    def refresh_contract(self, number: str) -> bool:
        """Re-read one contract's row after an edit (its deadline too); a deleted one leaves the list. True when the
        row may now belong elsewhere — its sort value changed, it left the status filter, a searched text changed —
        and the list must be queried again (`reload`) to show it where it belongs."""
        row = self.row_of(number)
        self._deadlines.pop(number, None)
        if row < 0:
            return False
        from app.store.comments import open_comment_counts
        from app.store.contract_list import get_summary

        fresh = get_summary(self.db, number)
        if fresh is None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            return False
        old, self._rows[row] = self._rows[row], fresh
        self._open_comments = open_comment_counts(self.db)
        self.dataChanged.emit(self.index(row, 0), self.index(row, DEADLINE))
        searched = ("number", "title", "party_a", "party_b")
        return (getattr(old, self.order_by) != getattr(fresh, self.order_by)
                or (self.status is not None and fresh.status != self.status)
                or (bool(self.search_text.strip()) and any(getattr(old, f) != getattr(fresh, f) for f in searched)))

    def open_comments(self, number: str) -> int:
        return self._open_comments.get(number, 0)

    def _badge(self, count: int) -> QPixmap:
        """A round red badge with the number of open review comments."""
        if count not in self._badges:
            pixmap = QPixmap(18, 18)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(QColor("#c62828"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(1, 1, 16, 16)
            painter.setPen(QColor("white"))
            font = painter.font()
            font.setPixelSize(11 if count < 10 else 9)
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(pixmap.rect(), int(Qt.AlignmentFlag.AlignCenter), str(count) if count < 100 else "99+")
            painter.end()
            self._badges[count] = pixmap
        return self._badges[count]

    # ------------------------------------------------------------------ deadlines

    def compute_pending_deadlines(self) -> None:
        """One batch for every row the view asked about since the last batch."""
        numbers, self._pending = list(self._pending), set()
        if not numbers:
            return
        from app.ops.standings import next_deadlines

        if self._calendar is None:
            from app.store.calendar import load_calendar

            self._calendar = load_calendar(self.db)
        found = next_deadlines(self.db, numbers, self.today, self._calendar)
        for number in numbers:
            self._deadlines[number] = found.get(number)
        rows = [self.row_of(n) for n in numbers]
        rows = [r for r in rows if r >= 0]
        if rows:
            self.dataChanged.emit(self.index(min(rows), DEADLINE), self.index(max(rows), DEADLINE))

    def deadline(self, number: str):
        """The cached next deadline (a ScheduleItem or None); ... means not computed yet."""
        return self._deadlines.get(number, ...)

    def _deadline_text(self, number: str, tooltip: bool) -> str:
        if number not in self._deadlines:
            self._pending.add(number)
            self._deadline_timer.start()
            return "…" if not tooltip else ""
        item = self._deadlines[number]
        if item is None:
            return ""
        when = item.date.isoformat() if item.date else ""
        return _("{field}: {value}").format(field=item.what, value=item.status) if tooltip else f"{when} {item.what}"

    # ------------------------------------------------------------------ Qt model interface

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole and section == OTHER_PARTY:
            return _("The other party of each contract: the office is {us}, so this column shows {them}").format(
                us=party_name(self.our_party), them=party_name(self.other_party))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        s = self.summary(index.row()) if index.isValid() else None
        if s is None:
            return None
        column = index.column()
        if role == NUMBER_ROLE:
            return s.number
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NUMBER:
                return s.number
            if column == TITLE:
                return s.title
            if column == OTHER_PARTY:
                return s.party_b if self.other_party == "b" else s.party_a
            if column == TOTAL:
                return format_amount(s.total)
            if column == STATUS:
                return s.status.label
            if column == DEADLINE:
                return self._deadline_text(s.number, tooltip=False)
        if role == Qt.ItemDataRole.DecorationRole and column == NUMBER and self.open_comments(s.number):
            return self._badge(self.open_comments(s.number))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == NUMBER and self.open_comments(s.number):
                count = self.open_comments(s.number)
                return ngettext("{n} open review comment", "{n} open review comments", count).format(n=count)
            if column == TITLE:
                return s.title
            if column == OTHER_PARTY:
                return "\n".join(_("{field}: {value}").format(field=_(role), value=name)
                                 for role, name in ((N_("Party A"), s.party_a), (N_("Party B"), s.party_b)))
            if column == DEADLINE:
                return self._deadline_text(s.number, tooltip=True) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TOTAL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HEADERS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(HEADERS) - 1))
