"""The red line a dialog uses to say why it cannot do what was asked (hidden until there is something to say)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.base.i18n import _


def problem_label() -> QLabel:
    label = QLabel()
    label.setObjectName("dialogError")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020")
    label.setAccessibleName(_("Problem"))
    label.hide()
    return label
