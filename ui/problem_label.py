"""How the window shows a problem: one red for every refusal, error and overdue item, and the red line a dialog uses
to say why it cannot do what was asked (hidden until there is something to say)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.base.i18n import _

#: The one red of problems (7.3:1 against white: readable as text).
PROBLEM_RED = "#b00020"
#: A label's style sheet for a problem's text.
PROBLEM_STYLE = f"color: {PROBLEM_RED};"


def problem_label() -> QLabel:
    label = QLabel()
    label.setObjectName("dialogError")
    label.setWordWrap(True)
    label.setStyleSheet(PROBLEM_STYLE)
    label.setAccessibleName(_("Problem"))
    label.hide()
    return label
