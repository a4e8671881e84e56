"""Comments panel: the contract's review comments, adding one, resolving and reopening."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.base.clock import local_time
from app.base.errors import UserError
from app.base.i18n import _
from app.domain.comment import TARGET_KINDS, TARGET_LABELS, Comment
from app.ops import review as review_ops
from app.rules.field_text import describe_target
from app.store import comments as store
from app.store.db import Database
from ui.flow_layout import FlowLayout
from ui.operations import operations_for
from ui.wrapped_text import wrap_column


class CommentsPanel(QWidget):
    """List + editor; `status_message` for errors. Its changes reach the other views through the change feed."""

    status_message = Signal(str)

    #: The comment (its text, then what it is on, who wrote it and when) and its state: two columns, so a
    #: narrow pane beside the compare view still shows all of it.
    COLUMNS = 2

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operations = operations_for(db)
        self.number: str | None = None
        self.comments: list[Comment] = []
        self.drafts: dict[str, str] = {}  # contract number → a comment written but not yet added
        self.tree = QTreeWidget()
        self.tree.setColumnCount(self.COLUMNS)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setRootIsDecorated(False)
        # a long comment's row is as tall as its text wrapped (it was cut to two lines, its "条款 4.1 · who · when"
        # line gone)
        wrap_column(self.tree, 0)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.SingleSelection)
        self.show_resolved = QCheckBox()
        self.show_resolved.setChecked(True)
        self.kind_combo = QComboBox()
        for kind in TARGET_KINDS:
            self.kind_combo.addItem("", kind)
        self.target_edit = QLineEdit()
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)  # Tab reaches "Add comment" instead of typing a tab
        self.text_edit.setMaximumHeight(80)
        self.add_button = QPushButton()
        self.resolve_button = QPushButton()
        self.reopen_button = QPushButton()
        self.kind_label = QLabel()
        self.kind_label.setBuddy(self.kind_combo)
        target_row = FlowLayout()  # wraps when the tab is narrow (ui.flow_layout)
        target_row.addWidget(self.kind_label)
        target_row.addWidget(self.kind_combo)
        target_row.addWidget(self.target_edit)
        target_row.addWidget(self.add_button)
        buttons = FlowLayout()  # wraps too: at 1024 px the row had kept the changes beside it 146 px wide
        buttons.addWidget(self.show_resolved)
        buttons.addWidget(self.resolve_button)
        buttons.addWidget(self.reopen_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.text_edit)
        layout.addLayout(target_row)
        self.add_button.clicked.connect(self.add_comment)
        self.resolve_button.clicked.connect(lambda: self.set_resolved(True))
        self.reopen_button.clicked.connect(lambda: self.set_resolved(False))
        self.show_resolved.toggled.connect(self.refresh)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.kind_combo.currentIndexChanged.connect(self._update_target)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tree.setHeaderLabels([_("Comment"), _("State")])
        self.show_resolved.setText(_("Show resolved"))
        self.kind_label.setText(_("Comment on:"))
        for i, kind in enumerate(TARGET_KINDS):
            self.kind_combo.setItemText(i, _(TARGET_LABELS[kind]))
        self.text_edit.setPlaceholderText(_("Write a comment…"))
        for widget, name in ((self.tree, _("Comments")), (self.kind_combo, _("Comment on")),
                             (self.target_edit, _("Which one")), (self.text_edit, _("New comment"))):
            widget.setAccessibleName(name)
        self.add_button.setText(_("Add comment"))
        self.resolve_button.setText(_("Resolve"))
        self.reopen_button.setText(_("Reopen"))
        self._update_target()
        self.refresh()

    def _update_target(self) -> None:
        hints = {"contract": "", "field": _("field, e.g. total"), "clause": _("clause number, e.g. 4.1"), "row": _("annex#row, e.g. 3#2")}
        kind = self.kind_combo.currentData()
        self.target_edit.setPlaceholderText(hints.get(kind, ""))
        self.target_edit.setVisible(kind != "contract")  # the whole contract: nothing to name (no empty box)

    def set_contract(self, number: str | None) -> None:
        """Show another contract; a comment being written stays with its own contract until it is added."""
        if number != self.number:
            if self.number is not None:
                self.drafts[self.number] = self.text_edit.toPlainText()
            self.text_edit.setPlainText(self.drafts.pop(number, "") if number is not None else "")
        self.number = number
        self.refresh()

    def all_drafts(self) -> dict[str, str]:
        """Every comment written but not added, by contract (the one on screen included)."""
        drafts = {number: text for number, text in self.drafts.items() if text.strip()}
        if self.number is not None and self.text_edit.toPlainText().strip():
            drafts[self.number] = self.text_edit.toPlainText()
        return drafts

    def restore_drafts(self, drafts: dict[str, str]) -> None:
        """Comments written but not added in an earlier session, back with their contracts."""
        self.drafts.update({n: t for n, t in drafts.items() if n != self.number})
        if self.number in drafts and not self.text_edit.toPlainText():
            self.text_edit.setPlainText(drafts[self.number])

    def refresh(self) -> None:
        self.tree.clear()
        self.comments = []
        if self.number is None:
            self._update_buttons()
            return
        try:
            self.comments = store.list_comments(self.db, self.number, open_only=not self.show_resolved.isChecked())
        except UserError as exc:
            self.status_message.emit(str(exc))
        for c in self.comments:  # the id stays out of sight: a tooltip, for `contractdesk comment resolve ID`
            about = _("{target} · {author} · {time}").format(target=describe_target(c.target_kind, c.target), author=c.author,
                                                           time=local_time(c.created_at))
            item = QTreeWidgetItem([f"{c.text}\n{about}", _("open") if c.is_open else _("resolved")])
            item.setData(0, Qt.ItemDataRole.UserRole, c.uid)
            tip = [c.text, about, _("Comment id: {id}").format(id=c.uid[:8])]
            if not c.is_open and c.resolved_at:
                tip.append(_("Resolved by {user} at {time}").format(user=c.resolved_by or "", time=local_time(c.resolved_at)))
            for column in range(self.COLUMNS):
                item.setToolTip(column, "\n".join(tip))
            self.tree.addTopLevelItem(item)
        self._update_buttons()

    def selected(self) -> Comment | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        uid = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((c for c in self.comments if c.uid == uid), None)

    def select_uid(self, uid: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == uid:
                self.tree.setCurrentItem(item)
                return

    def _update_buttons(self) -> None:
        c = self.selected()
        self.resolve_button.setEnabled(c is not None and c.is_open)
        self.reopen_button.setEnabled(c is not None and not c.is_open)
        self.add_button.setEnabled(self.number is not None)

    def add_comment(self) -> None:
        if self.number is None:
            return
        try:
            c = self.operations.run(review_ops.add_comment, self.number, self.kind_combo.currentData(),
                                    self.target_edit.text(), self.text_edit.toPlainText()).value
        except UserError as exc:
            self.status_message.emit(str(exc))
            return
        self.text_edit.clear()
        self.refresh()
        self.select_uid(c.uid)

    def set_resolved(self, resolved: bool) -> None:
        c = self.selected()
        if c is None or self.number is None:
            return
        try:
            self.operations.run(review_ops.set_comment_resolved, self.number, c.uid, resolved)
        except UserError as exc:
            self.status_message.emit(str(exc))
            return
        self.refresh()
        self.select_uid(c.uid)
