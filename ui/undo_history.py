"""A window listing the undo history; clicking an entry goes back (or forward) to that state."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QUndoView, QVBoxLayout, QWidget

from app.base.i18n import _


class UndoHistoryDialog(QDialog):
    """Non-modal: the clerk can keep editing while the history follows along."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Undo history"))
        self.view = QUndoView(stack, self)
        self.view.setEmptyLabel(_("<opened>"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        self.resize(360, 420)
