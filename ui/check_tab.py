"""The 校验 tab: the consistency check's findings for the open contract; double-click jumps to the place.

The findings come from app.rules.checks.check on the stored contract; `jump(where)` carries the finding's
`where` (a field path, ``clause:5.4`` or ``annex:3``) for the main window to hand to the right tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.i18n import _, ngettext
from app.ops import CONTENT, Part
from app.rules.checks import Finding, Severity, check, rule_label
from app.rules.fields import where_label
from app.store.contracts import load
from app.store.db import Database
from ui.change_feed import FollowsContract
from ui.i18n import RetranslateMixin
from ui.operations import operations_for
from ui.wrapped_text import wrap_column

WHERE_ROLE = Qt.ItemDataRole.UserRole


class CheckTab(FollowsContract, RetranslateMixin, QWidget):
    """Findings of one contract, errors first; checked again whenever what the contract says changes."""

    jump = Signal(str)
    #: The findings changed (the window's title shows the error count).
    checked = Signal()
    SHOWS = CONTENT | {Part.STATE}

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.follow(operations_for(db))
        self.number: str | None = None
        self.findings: list[Finding] = []
        self.summary = QLabel()
        self.summary.setObjectName("checkSummary")
        self.tree = QTreeWidget()
        self.tree.setObjectName("checkFindings")
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnCount(4)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.itemActivated.connect(self._activated)  # double-click, Enter
        wrap_column(self.tree, 3)  # a long finding wraps whole (its clause reference at the end had been cut)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.retranslate_ui()

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("Severity"), _("Where"), _("Check rule"), _("Problem")])
        self.tree.setToolTip(_("Double-click a finding (or press Enter) to go to the field or clause"))
        self.tree.setAccessibleName(_("Findings of the check"))
        if self.number is not None:
            self.refresh()  # messages are produced in the current language
        else:
            self._show_summary()

    def set_contract(self, number: str | None) -> None:
        self.number = number
        self.refresh()

    def refresh(self) -> None:
        """Check the stored contract again (after an edit)."""
        self.findings = []
        if self.number is not None:
            try:
                contract = load(self.db, self.number)
            except UserError:
                contract = None
            if contract is not None:
                self.findings = sorted(check(contract), key=lambda f: f.severity is not Severity.ERROR)
        self.tree.clear()
        style = self.style()
        icons = {
            Severity.ERROR: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            Severity.WARNING: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
        }
        labels = {Severity.ERROR: _("error"), Severity.WARNING: _("warning")}
        for f in self.findings:
            item = QTreeWidgetItem([labels[f.severity], where_label(f.where), rule_label(f.code), f.message])
            item.setIcon(0, icons[f.severity])
            item.setData(0, WHERE_ROLE, f.where)
            item.setToolTip(1, f.where)
            item.setToolTip(2, f.code)
            item.setToolTip(3, f.message)
            self.tree.addTopLevelItem(item)
        self._show_summary()
        self.checked.emit()

    def _show_summary(self) -> None:
        if self.number is None:
            self.summary.setText(_("Open a contract to check it"))
        elif not self.findings:
            self.summary.setText(_("No problems found"))
        else:
            parts = []
            if self.error_count:
                parts.append(ngettext("{n} error", "{n} errors", self.error_count).format(n=self.error_count))
            if self.warning_count:
                parts.append(ngettext("{n} warning", "{n} warnings", self.warning_count).format(n=self.warning_count))
            self.summary.setText(", ".join(parts))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        where = item.data(0, WHERE_ROLE)
        if where:
            self.jump.emit(str(where))
