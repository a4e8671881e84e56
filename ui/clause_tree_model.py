"""The clause tree as a Qt item model (number | title), read-only: edits go through ClauseTreeCommand.

The model is rebuilt from the stored tree after every committed edit; an index's internal pointer
is a node that knows its clause and its index path (app.rules.clauses.Path).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from app.base.i18n import _
from app.domain import Clause
from app.rules.clauses import Path
from app.rules.fill_ins import display_text

Index = QModelIndex | QPersistentModelIndex


class _Node:
    __slots__ = ("children", "clause", "parent", "path")

    def __init__(self, clause: Clause | None, path: Path, parent: _Node | None) -> None:
        self.clause, self.path, self.parent = clause, path, parent
        self.children: list[_Node] = []


class ClauseTreeModel(QAbstractItemModel):
    """Columns: the clause number as printed, and its title (or the start of its text)."""

    COLUMNS = 2

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._root = _Node(None, (), None)
        self._nodes: list[_Node] = []  # keeps every node alive while Qt holds pointers to them

    def set_clauses(self, clauses: list[Clause]) -> None:
        self.beginResetModel()
        self._root = _Node(None, (), None)
        self._nodes = []

        def build(parent: _Node, items: list[Clause]) -> None:
            for i, clause in enumerate(items):
                node = _Node(clause, (*parent.path, i), parent)
                parent.children.append(node)
                self._nodes.append(node)
                build(node, clause.clauses)

        build(self._root, clauses)
        self.endResetModel()

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root  # type: ignore[return-value]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt's default
        node = self._node(parent)
        if not 0 <= row < len(node.children) or not 0 <= column < self.COLUMNS:
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index).parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.path[-1], 0, node)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return self.COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        clause = self._node(index).clause
        assert clause is not None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == 0:
                return clause.no or _("(no number)")
            if clause.title:
                return clause.title
            # the start of the text as the editor shows it: each fill-in by its name, not as {{ … }}
            first = display_text(clause.text.strip().splitlines()[0]) if clause.text.strip() else ""
            return first[:40] + ("…" if len(first) > 40 else "")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_("No."), _("Title"))[section]
        return None

    def path_of(self, index: Index) -> Path | None:
        return self._node(index).path if index.isValid() else None

    def index_of(self, path: Path) -> QModelIndex:
        index = QModelIndex()
        for row in path:
            index = self.index(row, 0, index)
            if not index.isValid():
                return QModelIndex()
        return index

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)
