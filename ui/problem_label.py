"""How the window shows a problem: one red for every refusal, error and overdue item, the red line a dialog uses
to say why it cannot do what was asked (hidden until there is something to say), and the yellow note over a tab
whose contract can no longer be edited."""

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


def read_only_note() -> QLabel:
    """The note over a tab of a signed or archived contract, saying why nothing in it can be edited (hidden)."""
    label = QLabel()
    label.setObjectName("readOnlyNote")
    label.setWordWrap(True)
    label.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 6px; }")
    label.hide()
    return label
