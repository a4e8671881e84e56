"""The 条款 tab: the clause tree with its structural edits, the selected clause's editor and a live preview.

Every structural edit (add, delete, indent, outdent, move, renumber) is one ClauseTreeCommand written to
the database at once; typing in a clause is committed a moment after typing stops (or on leaving the
editor), and consecutive typing in one clause merges into one undo step. The preview renders the clause
with its 【】 values filled in; a template error is shown under it in red.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.base.i18n import N_, _
from app.domain import Clause, Contract
from app.rules import clauses as ops
from app.rules.clauses import Path
from app.rules.templating import FIELD_CATALOG, TemplateProblem, render_contract_text
from app.store.db import Database
from ui.clause_tree_model import ClauseTreeModel
from ui.edit_commands import ClauseTreeCommand
from ui.field_widgets import ContractEditorBase, pass_undo_to_window
from ui.fill_in_edit import FillInEdit
from ui.flow_layout import FlowLayout
from ui.problem_label import PROBLEM_STYLE
from ui.worded_command import Wording

#: How long typing may pause before the clause text is committed.
TEXT_COMMIT_DELAY_MS = 800
_FILLED = re.compile(r"【([^】]*)】")
#: Toolbar buttons: (attribute, label msgid, tooltip msgid).
BUTTONS = [
    ("add_button", N_("Add"), N_("Add a clause after the selected one")),
    ("add_child_button", N_("Add sub-clause"), N_("Add a clause under the selected one")),
    ("delete_button", N_("Delete"), N_("Delete the selected clause and everything under it")),
    ("indent_button", N_("Indent"), N_("Put the clause under the clause above it")),
    ("outdent_button", N_("Outdent"), N_("Move the clause up one level")),
    ("up_button", N_("Up"), N_("Move the clause up")),
    ("down_button", N_("Down"), N_("Move the clause down")),
    ("renumber_button", N_("Renumber"), N_("Number all clauses afresh: 第一条…, 1.1, 1.1.1")),
]


def preview_html(text: str) -> str:
    """The rendered clause as HTML, the 【】 fill-ins highlighted so a reader sees what came from the fields."""
    escaped = html.escape(text)
    marked = _FILLED.sub(lambda m: f'<span style="background:#e7f0fb;color:#0b4f9c">【{m.group(1)}】</span>', escaped)
    return marked.replace("\n", "<br>")


class ClauseEditor(ContractEditorBase):
    """条款: tree + editor + preview. See ContractEditorBase for the shared interface."""

    def __init__(self, db: Database, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(db, undo_stack, parent)
        self.current_path: Path | None = None
        self._shown_text: str | None = None

        self.model = ClauseTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 110)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        toolbar = FlowLayout()  # wraps when the tab is narrow (ui.flow_layout)
        toolbar.setSpacing(4)
        actions: dict[str, Callable[[], None]] = {
            "add_button": self.add_clause,
            "add_child_button": self.add_child_clause,
            "delete_button": self.delete_clause,
            "indent_button": self.indent_clause,
            "outdent_button": self.outdent_clause,
            "up_button": lambda: self.move_clause(-1),
            "down_button": lambda: self.move_clause(1),
            "renumber_button": self.renumber,
        }
        for attr, _label, _tip in BUTTONS:
            button = QPushButton()
            button.clicked.connect(actions[attr])
            setattr(self, attr, button)
            toolbar.addWidget(button)

        self.no_edit = QLineEdit()
        self.no_edit.editingFinished.connect(lambda: self._commit_attr("no", self.no_edit.text().strip()))
        self.title_edit = QLineEdit()
        self.title_edit.editingFinished.connect(lambda: self._commit_attr("title", self.title_edit.text().strip()))
        self.no_label, self.title_label, self.text_label = QLabel(), QLabel(), QLabel()
        self.text_edit = FillInEdit()
        self.text_edit.describe = self._fill_in_value
        self.text_edit.textChanged.connect(self._text_changed)
        self.text_edit.installEventFilter(self)
        for editor in (self.no_edit, self.title_edit, self.text_edit):
            pass_undo_to_window(editor)
        self.insert_button = QPushButton()  # a push button draws its menu arrow beside the text, not over it
        self.insert_menu = QMenu(self.insert_button)
        self.insert_actions: list[tuple[QAction, str]] = []
        for expression, label in FIELD_CATALOG:
            action = self.insert_menu.addAction(_(label))
            action.triggered.connect(lambda _checked=False, e=expression: self.insert_field(e))
            self.insert_actions.append((action, label))
        self.insert_button.setMenu(self.insert_menu)
        self.preview_label = QLabel()
        self.preview = QTextBrowser()
        self.preview.setObjectName("clausePreview")
        self.preview_error = QLabel()
        self.preview_error.setObjectName("templateError")
        self.preview_error.setWordWrap(True)
        self.preview_error.setStyleSheet(PROBLEM_STYLE)
        self.preview_error.hide()

        fields = QFormLayout()
        fields.addRow(self.no_label, self.no_edit)
        fields.addRow(self.title_label, self.title_edit)
        text_head = QHBoxLayout()
        text_head.addWidget(self.text_label, 1)
        text_head.addWidget(self.insert_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(fields)
        right_layout.addLayout(text_head)
        right_layout.addWidget(self.text_edit, 3)
        right_layout.addWidget(self.preview_label)
        right_layout.addWidget(self.preview, 2)
        right_layout.addWidget(self.preview_error)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 800])
        layout = QVBoxLayout(self)
        layout.addLayout(self.header())
        layout.addLayout(toolbar)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TEXT_COMMIT_DELAY_MS)
        self._timer.timeout.connect(self.commit_text)
        self.retranslate_ui()
        self.show_contract(None)

    # ------------------------------------------------------------------ texts

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        for attr, label, tip in BUTTONS:
            button: QPushButton = getattr(self, attr)
            button.setText(_(label))
            button.setToolTip(_(tip))
        self.no_label.setText(_("Number"))
        self.title_label.setText(_("Title"))
        self.text_label.setText(_("Text (shaded fill-ins are filled in from the contract)"))
        self.insert_button.setText(_("&Insert field"))
        self.insert_button.setToolTip(_("Insert a fill-in taken from the contract's fields at the cursor"))
        for action, label in self.insert_actions:
            action.setText(_(label))
        self.preview_label.setText(_("Preview"))
        self.tree.setAccessibleName(_("Clauses"))
        self.text_edit.setAccessibleName(_("Clause text"))
        self.preview.setAccessibleName(_("Preview"))
        self.model.retranslate()

    # ------------------------------------------------------------------ showing

    def show_contract(self, contract: Contract | None) -> None:
        keep = self.current_path
        self.model.set_clauses(contract.clauses if contract is not None else [])
        self.tree.expandAll()
        self.select_path(keep if keep is not None else ((0,) if contract is not None and contract.clauses else None))
        self.setEnabled(contract is not None)

    def comment_target(self, _focus: QWidget | None) -> tuple[str, str] | None:
        """("clause", number) for the selected clause."""
        clause = self.selected_clause()
        return ("clause", clause.no) if clause is not None and clause.no else None

    def selected_clause(self) -> Clause | None:
        if self.contract is None or self.current_path is None:
            return None
        try:
            return ops.get(self.contract.clauses, self.current_path)
        except Exception:  # the path vanished (deleted elsewhere)
            return None

    def select_path(self, path: Path | None) -> None:
        """Select the clause at `path` (or the nearest one left), and show it in the editor."""
        index = self.model.index_of(path) if path else self.model.index(0, 0)
        if path and not index.isValid():
            # deleted: fall back to the previous sibling, then the parent
            if path[-1] > 0:
                index = self.model.index_of((*path[:-1], path[-1] - 1))
            elif len(path) > 1:
                index = self.model.index_of(path[:-1])
            if not index.isValid():
                index = self.model.index(0, 0)
        self.tree.selectionModel().blockSignals(True)
        self.tree.setCurrentIndex(index)
        self.tree.selectionModel().blockSignals(False)
        if index.isValid():
            self.tree.scrollTo(index)
        self.current_path = self.model.path_of(index)
        self._show_clause()

    def _current_changed(self, current, _previous) -> None:
        new_path = self.model.path_of(current)
        if self._shown_text is not None and self.text_edit.template() != self._shown_text:
            self.commit_text()  # rebuilds the model: select the clause again by path
            self.select_path(new_path)
            return
        self.current_path = new_path
        self._show_clause()

    def _show_clause(self) -> None:
        clause = self.selected_clause()
        for edit, value in ((self.no_edit, clause.no if clause else ""), (self.title_edit, clause.title if clause else "")):
            if edit.text() != value:
                edit.setText(value)
        text = clause.text if clause else ""
        if self.text_edit.template() != text:
            self.text_edit.blockSignals(True)
            self.text_edit.set_template(text)
            self.text_edit.blockSignals(False)
        self._shown_text = self.text_edit.template() if clause else None  # a stored \r\n shows as \n
        self._timer.stop()
        self.update_preview()
        self._update_buttons()

    def update_preview(self) -> None:
        """Render the editor's text against the contract; a template error goes under the preview."""
        if self.contract is None or self.current_path is None:
            self.preview.clear()
            self.preview_error.hide()
            return
        try:
            rendered = render_contract_text(self.text_edit.template(), self.contract, stored=False)
        except TemplateProblem as exc:
            self.preview_error.setText(_("Template error: {message}").format(message=exc.message))
            self.preview_error.show()
            return
        self.preview_error.hide()
        self.preview.setHtml(preview_html(rendered.text))

    def _update_buttons(self) -> None:
        path = self.current_path
        editable = not self.read_only and self.contract is not None
        has = editable and path is not None
        count = 0
        if has and self.contract is not None and path is not None:
            count = len(ops.siblings(self.contract.clauses, path))
        for field in (self.no_edit, self.title_edit, self.text_edit):
            field.setEnabled(self.contract is not None and path is not None)  # no clause chosen: nowhere to type into
        self.insert_button.setEnabled(has)
        self.add_button.setEnabled(editable)
        self.add_child_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.indent_button.setEnabled(has and path is not None and path[-1] > 0)
        self.outdent_button.setEnabled(has and path is not None and len(path) > 1)
        self.up_button.setEnabled(has and path is not None and path[-1] > 0)
        self.down_button.setEnabled(has and path is not None and path[-1] < count - 1)
        self.renumber_button.setEnabled(editable and bool(self.contract and self.contract.clauses))

    # ------------------------------------------------------------------ editing

    def _push(self, wording: Wording, operation: Callable[[list[Clause]], Any], *, text_edit: bool = False) -> None:
        if self.number is None or self.read_only:
            return
        self.push(
            ClauseTreeCommand(
                self.context(), wording, operation, self.current_path, self.select_path,
                text_edit_of=self.current_path if text_edit else None,
            )
        )

    def _text_changed(self) -> None:
        self.update_preview()
        if self._shown_text is not None and not self.read_only:
            self._timer.start()

    def commit_text(self) -> None:
        """Write the clause text if it changed (after a typing pause, on leaving the editor, on switching clause)."""
        self._timer.stop()
        path, text = self.current_path, self.text_edit.template()
        if path is None or self._shown_text is None or self.read_only:
            return
        self.text_edit.fill_in_typed()  # a {{ … }} written out by hand shows as a token from now on
        if text == self._shown_text:
            return
        self._shown_text = text

        def set_text(clauses: list[Clause]) -> Path:
            ops.get(clauses, path).text = text
            return path

        label = self.selected_clause().no if self.selected_clause() else ""
        self._push(lambda: _("Edit the text of clause {no}").format(no=label), set_text, text_edit=True)

    def _commit_attr(self, attr: str, value: str) -> None:
        clause, path = self.selected_clause(), self.current_path
        if clause is None or path is None or getattr(clause, attr) == value:
            return

        def set_attr(clauses: list[Clause]) -> Path:
            setattr(ops.get(clauses, path), attr, value)
            return path

        text = N_("Renumber clause {no}") if attr == "no" else N_("Edit the title of clause {no}")
        no = clause.no
        self._push(lambda: _(text).format(no=no), set_attr)

    def add_clause(self) -> None:
        self.commit_text()
        path = self.current_path

        def add(clauses: list[Clause]) -> Path:
            new_path = ops.add_after(clauses, path)
            ops.get(clauses, new_path).no = ops.next_no(clauses, new_path)
            return new_path

        self._push(lambda: _("Add a clause"), add)

    def add_child_clause(self) -> None:
        self.commit_text()
        path = self.current_path
        if path is None:
            return

        def add(clauses: list[Clause]) -> Path:
            new_path = ops.add_child(clauses, path)
            ops.get(clauses, new_path).no = ops.next_no(clauses, new_path)
            return new_path

        self._push(lambda: _("Add a sub-clause"), add)

    def delete_clause(self) -> None:
        self.commit_text()
        clause, path = self.selected_clause(), self.current_path
        if clause is None or path is None:
            return

        def remove(clauses: list[Clause]) -> Path:
            ops.delete(clauses, path)
            return path

        no = clause.no
        self._push(lambda: _("Delete clause {no}").format(no=no), remove)

    def _structural(self, text: str, operation: Callable[[list[Clause], Path], Path]) -> None:
        """`text`: the command's words (marked with N_, worded in the window's language when shown)."""
        self.commit_text()
        clause, path = self.selected_clause(), self.current_path
        if clause is None or path is None:
            return
        no = clause.no
        self._push(lambda: _(text).format(no=no), lambda clauses: operation(clauses, path))

    def indent_clause(self) -> None:
        self._structural(N_("Indent clause {no}"), ops.indent)

    def outdent_clause(self) -> None:
        self._structural(N_("Outdent clause {no}"), ops.outdent)

    def move_clause(self, delta: int) -> None:
        text = N_("Move clause {no} up") if delta < 0 else N_("Move clause {no} down")
        self._structural(text, lambda clauses, path: ops.move(clauses, path, delta))

    def renumber(self) -> None:
        self.commit_text()
        path = self.current_path

        def run(clauses: list[Clause]) -> Path | None:
            ops.renumber(clauses)
            return path

        self._push(lambda: _("Renumber the clauses"), run)

    def insert_field(self, expression: str) -> None:
        """Insert a fill-in field at the cursor, in the contract's 【…】 style, shown as its name."""
        if self.read_only or self.current_path is None:
            return
        self.text_edit.insert_fill_in(expression)
        self.text_edit.setFocus()

    def _fill_in_value(self, source: str) -> str:
        """What a fill-in prints for the open contract (the token's tooltip)."""
        if self.contract is None:
            return ""
        try:
            return render_contract_text(source, self.contract, stored=False).text
        except TemplateProblem as exc:
            return exc.message

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text_edit and event.type() == QEvent.Type.FocusOut:
            self.commit_text()
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ interface for the main window

    def apply_read_only(self, read_only: bool) -> None:
        for edit in (self.no_edit, self.title_edit):
            edit.setReadOnly(read_only)
        self.text_edit.setReadOnly(read_only)
        self._update_buttons()

    def focus_where(self, where: str) -> bool:
        """Select the clause a finding names (``clause:5.4``); False for anything else."""
        if not where.startswith("clause:") or self.contract is None:
            return False
        path = ops.find(self.contract.clauses, where.removeprefix("clause:"))
        if path is None:
            return False
        self.commit_text()
        self.select_path(path)
        self.text_edit.setFocus()
        return True
