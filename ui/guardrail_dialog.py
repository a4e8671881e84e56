"""The guardrail before approving, signing or sending a signed packet: what stands against the step, and going
ahead only with a reason (kept in the audit trail and the state history).

The problems come from app.review.obstacles (the same list the command line prints); the dialog only shows them
and asks for the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.base.i18n import _, ngettext
from app.review.obstacles import Obstacle, Step


class GuardrailDialog(QDialog):
    """Lists the problems; "Go ahead anyway" is enabled once a reason is written."""

    def __init__(self, step: Step, problems: list[Obstacle], *, warning: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guardrailDialog")
        self.setWindowTitle(_("Problems stand against this step"))
        self.heading = QLabel(ngettext("{n} problem stands against {step}:", "{n} problems stand against {step}:",
                                       len(problems)).format(n=len(problems), step=step.label))
        self.heading.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setObjectName("guardrailProblems")
        self.problems.setAccessibleName(_("Problems"))
        self.problems.setWordWrap(True)
        for problem in problems:
            self.problems.addItem(problem.text)
        self.warning = QLabel(warning)
        self.warning.setWordWrap(True)
        self.warning.setVisible(bool(warning))
        self.reason_label = QLabel(_("&Reason to go ahead anyway (kept in the audit trail and the state history):"))
        self.reason_label.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("guardrailReason")
        self.reason.setAccessibleName(_("Reason to go ahead anyway"))
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(self.fontMetrics().height() * 4 + 12)
        self.reason_label.setBuddy(self.reason)
        self.buttons = QDialogButtonBox()
        self.go_button: QPushButton = self.buttons.addButton(_("&Go ahead anyway"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.go_button.setObjectName("guardrailGo")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setDefault(True)  # Enter does not wave the problems through
        self.go_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(lambda: self.go_button.setEnabled(bool(self.reason_text())))
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.warning)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        self.reason.setFocus()

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()


def ask_despite(parent: QWidget | None, step: Step, problems: list[Obstacle], then: Callable[[str], None],
                warning: str = "") -> GuardrailDialog:
    """Show the problems standing against `step` (window-modal, so the window keeps painting); `then(reason)`
    runs if the clerk goes ahead. Returns the open dialog."""
    dialog = GuardrailDialog(step, problems, warning=warning, parent=parent)
    dialog.accepted.connect(lambda: then(dialog.reason_text()))
    dialog.finished.connect(dialog.deleteLater)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog
