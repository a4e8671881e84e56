"""A combo box whose items carry Python values as they are (an enum member stays a member).

Qt stores item data as QVariant, and PySide hands a `str` subclass such as a StrEnum member back as a plain
string; the values are kept here on the Python side instead, by index.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget


class ValueCombo(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: list[Any] = []

    def add_value(self, text: str, value: Any) -> None:
        self._values.append(value)
        self.addItem(text)

    def value(self) -> Any:
        index = self.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def set_value(self, value: Any) -> bool:
        """Select the item holding `value`; False when none does."""
        for i, held in enumerate(self._values):
            if held == value and type(held) is type(value):
                self.setCurrentIndex(i)
                return True
        return False

    def values(self) -> list[Any]:
        return list(self._values)
