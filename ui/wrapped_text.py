"""Rows of a tree as tall as their text wrapped at the column's width.

Qt's own row height for word-wrapped text measured Chinese (which has no spaces to break at) as its written lines
only, so a long review comment or check finding was cut, its last lines gone; and it was measured once, at the
column's first width.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeWidget


class WrappedText(QStyledItemDelegate):
    """A cell's height: its text wrapped at the column's width now."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        hint = super().sizeHint(option, index)
        width = self._tree.columnWidth(index.column()) - 8
        if width <= 0:
            return hint
        text = str(index.data() or "")
        height = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text).height()
        return QSize(hint.width(), max(hint.height(), height + 6))


def wrap_column(tree: QTreeWidget, column: int) -> None:
    """Wrap `column`'s text, each row as tall as it needs, measured again whenever a column's width changes."""
    tree.setWordWrap(True)
    tree.setUniformRowHeights(False)
    tree.setItemDelegateForColumn(column, WrappedText(tree))
    tree.header().sectionResized.connect(lambda *_args: tree.doItemsLayout())
