"""Cell editors for the cost table: numbers right-aligned, text plain.

The editors accept any text: the model validates it through the core and refuses what may not be
stored with a message in the cell's tooltip and the status bar, so a clerk learns why instead of
finding keys that silently do nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.base.i18n import _
from app.domain.cost_table import QUANTITY_PLACES


class TextDelegate(QStyledItemDelegate):
    """A one-line editor for item, specification, unit and remark."""

    def __init__(self, max_length: int | None = None, parent=None) -> None:
        super().__init__(parent)
        self.max_length = max_length

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if self.max_length:
            editor.setMaxLength(self.max_length)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class DecimalDelegate(TextDelegate):
    """A right-aligned editor for quantity (up to four decimals) or unit price (two decimals)."""

    def __init__(self, places: int, parent=None) -> None:
        super().__init__(None, parent)
        self.places = places

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index) -> QWidget:
        editor = super().createEditor(parent, option, index)
        assert isinstance(editor, QLineEdit)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setPlaceholderText("0" if self.places == QUANTITY_PLACES else "0.00")
        editor.setToolTip(
            _("A number with at most {places} decimal places; 1,234.50 and full-width digits are accepted").format(
                places=self.places
            )
        )
        return editor


class RateDelegate(TextDelegate):
    """A right-aligned editor for a row's own discount or VAT rate ("95.5%", "0.955"; empty: inherited)."""

    def __init__(self, discount: bool, parent=None) -> None:
        super().__init__(12, parent)
        self.discount = discount

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index) -> QWidget:
        editor = super().createEditor(parent, option, index)
        assert isinstance(editor, QLineEdit)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setPlaceholderText(_("inherited"))
        editor.setToolTip(_("This row's own rate, 0.955 or 95.5%; leave it empty to take its section's or the "
                            "table's") if self.discount else
                          _("This row's own VAT rate, 0.13 or 13%; leave it empty to take its section's or the "
                            "table's"))
        return editor
