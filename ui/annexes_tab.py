"""The 附件 tab: the contract's annexes on the left, the selected one's editor on the right.

A text annex shows its body (committed a moment after typing stops, or when leaving the editor,
as one undoable step) and its attached PDF; a table annex shows the cost-table editor. All edits
share one QUndoStack, which the main window can put in its QUndoGroup.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.base.errors import UserError
from app.base.fileio import atomic_write_bytes, file_name_part
from app.base.i18n import _
from app.domain import AnnexKind, Status
from app.ops import Changes, Part
from app.ops import annexes as annex_ops
from app.store import annex_rows as store
from app.store import states
from app.store.annex_rows import AnnexInfo
from app.store.db import Database
from app.values.annex_pdf import read_pdf_file
from ui.annex_commands import AnnexPdfCommand, AnnexTextCommand, OwnEdits
from ui.annex_table_view import CostTableEditor
from ui.change_feed import FollowsContract
from ui.field_widgets import pass_undo_to_window
from ui.i18n import RetranslateMixin
from ui.operations import operations_for
from ui.problem_label import read_only_note
from ui.undo_history import UndoHistoryDialog

#: How long typing may pause before a text annex's body is committed.
TEXT_COMMIT_DELAY_MS = 800


class TextAnnexEditor(RetranslateMixin, QWidget):
    """Body text and attached PDF of one text annex."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("annexTitle")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)  # Tab moves on, as in every other field (it typed tabs into the annex)
        pass_undo_to_window(self.text_edit)
        self.pdf_label = QLabel()
        self._pdf_size: int | None = None
        self.attach_button = QPushButton()
        self.remove_button = QPushButton()
        self.export_button = QPushButton()
        pdf_row = QHBoxLayout()
        pdf_row.addWidget(self.pdf_label, 1)
        for button in (self.attach_button, self.remove_button, self.export_button):
            pdf_row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.text_edit, 1)
        layout.addLayout(pdf_row)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.text_edit.setPlaceholderText(_("Text of the annex (leave empty when only a PDF is attached)"))
        self.text_edit.setAccessibleName(_("Text of the annex"))
        self.attach_button.setText(_("Attach PDF…"))
        self.remove_button.setText(_("Remove PDF"))
        self.export_button.setText(_("Save PDF as…"))
        self.show_pdf_state(self._pdf_size)

    def show_pdf_state(self, size: int | None) -> None:
        self._pdf_size = size
        if size:
            self.pdf_label.setText(_("PDF attached ({kb} KB)").format(kb=max(1, round(size / 1024))))
        else:
            self.pdf_label.setText(_("No PDF attached"))
        self.remove_button.setEnabled(bool(size) and not self.text_edit.isReadOnly())
        self.export_button.setEnabled(bool(size))

    def set_read_only(self, read_only: bool) -> None:
        """A signed or archived contract's text annex: it can be read, copied and its PDF saved, not changed."""
        self.text_edit.setReadOnly(read_only)
        self.attach_button.setEnabled(not read_only)
        self.show_pdf_state(self._pdf_size)


class AnnexesTab(FollowsContract, RetranslateMixin, QWidget):
    """Annex list + editors for one contract. `set_contract(None)` empties it.

    Redraws from the change feed: annexes added or changed elsewhere (another window's edit after Reload, a
    cost table imported from Excel), a new contract total (the table's difference), a new state."""

    status_message = Signal(str)
    SHOWS = frozenset({Part.ANNEXES, Part.ROWS, Part.FIELDS, Part.STATE})

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operations = operations_for(db)
        self._own = OwnEdits()
        self.follow(self.operations)
        self._undo_stack = QUndoStack(self)
        self.number: str | None = None
        self._annexes: list[AnnexInfo] = []
        self._current: AnnexInfo | None = None
        self._stored_text: str | None = None
        self._history: UndoHistoryDialog | None = None

        self.annex_list = QListWidget()
        self.annex_list.currentRowChanged.connect(self._select_row)
        self.history_button = QPushButton()
        self.history_button.clicked.connect(self.show_history)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(lambda: self.add_annex())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.annex_list, 1)
        left_layout.addWidget(self.add_button)
        left_layout.addWidget(self.history_button)

        self.empty_page = QLabel()
        self.empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_page = TextAnnexEditor()
        self.table_page = CostTableEditor(db, self._undo_stack)
        self.table_page.status_message.connect(self.status_message)
        self.pages = QStackedWidget()
        for page in (self.empty_page, self.text_page, self.table_page):
            self.pages.addWidget(page)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([180, 900])
        self.read_only_note = read_only_note()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.read_only_note)
        layout.addWidget(splitter, 1)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_COMMIT_DELAY_MS)
        self._text_timer.timeout.connect(self.commit_text)
        self.text_page.text_edit.textChanged.connect(self._text_timer.start)
        self.text_page.text_edit.installEventFilter(self)
        self.text_page.attach_button.clicked.connect(self.attach_pdf)
        self.text_page.remove_button.clicked.connect(self.remove_pdf)
        self.text_page.export_button.clicked.connect(self.export_pdf)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.history_button.setText(_("Undo history…"))
        self.annex_list.setAccessibleName(_("Annexes"))
        self.add_button.setText(_("Add annex…"))
        self._show_state()
        if self.number is None:
            self.empty_page.setText(_("Open a contract to see its annexes"))
        else:
            self.empty_page.setText(_("This contract has no annexes"))
        for row, annex in enumerate(self._annexes):
            item = self.annex_list.item(row)
            if item is not None:
                name = _("Annex {no}: {title}").format(no=annex.no, title=annex.title)
                item.setText(name)
                # the whole name too: a narrow list cuts it ("附件2：网络与信息安全协…")
                kind = _("Cost table") if annex.kind is AnnexKind.TABLE else _("Text annex")
                item.setToolTip(f"{name}\n{kind}")
        if self._current is not None and self._current.kind is AnnexKind.TEXT:
            self.text_page.title.setText(_("Annex {no}: {title}").format(no=self._current.no, title=self._current.title))

    def install_undo_shortcuts(self) -> None:
        """Ctrl+Z / Ctrl+Y inside this tab, for use without a main window.

        A main window should instead put `undo_stack` in its QUndoGroup: two actions with the same
        shortcut would be ambiguous and neither would fire.
        """
        undo = self._undo_stack.createUndoAction(self, _("Undo"))
        undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        redo = self._undo_stack.createRedoAction(self, _("Redo"))
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        if QKeySequence("Ctrl+Y") not in redo_keys:  # WPS/Excel habit; a duplicate would be ambiguous
            redo_keys.append(QKeySequence("Ctrl+Y"))
        redo.setShortcuts(redo_keys)
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    @property
    def table_editor(self) -> CostTableEditor:
        return self.table_page

    # ------------------------------------------------------------------ contract and annex selection

    def set_contract(self, number: str | None) -> None:
        """Show the annexes of contract `number`; the undo history starts afresh."""
        self.commit_text()
        self._undo_stack.clear()
        self.number = number
        self._current = None
        self.table_page.load(None)
        self.annex_list.blockSignals(True)
        self.annex_list.clear()
        self._annexes = []
        if number is not None:
            try:
                self._annexes = store.list_annexes(self.db, number)
            except UserError as exc:
                self.status_message.emit(str(exc))
        for _annex in self._annexes:
            self.annex_list.addItem(QListWidgetItem())
        self.retranslate_ui()
        self.annex_list.blockSignals(False)
        if self._annexes:
            self.annex_list.setCurrentRow(0)
        else:
            self.pages.setCurrentWidget(self.empty_page)

    def refused_entries(self) -> dict[str, tuple[str, str]]:
        """Rates typed into the open cost table's footer that cannot be stored: place → (what was typed, why not).
        Leaving the contract would lose them; the window asks first (ui.unsaved_entries)."""
        annex = self._current
        if annex is None or annex.kind is not AnnexKind.TABLE:
            return {}
        found = {f"annex:{annex.no}#{option}": entry for option, entry in self.table_page.refused_rates().items()}
        found.update({f"annex:{annex.no}#{row}.{column}": entry
                      for (row, column), entry in self.table_page.refused_cells().items()})
        return found

    def focus_where(self, where: str) -> bool:
        """Show the annex `where` names ("annex:3", "annex:3#vat_rate": with that rate's field in focus)."""
        no, _hash, option = where.removeprefix("annex:").partition("#")
        try:
            self.select_annex(no)
        except KeyError:
            return False
        row, _dot, column = option.partition(".")
        if row.isdigit():  # "annex:3#5.quantity": a cell of the cost table
            self.table_page.focus_cell(int(row), column)
        elif option:
            self.table_page.focus_rate(option)
        return True

    def comment_target(self, _focus: QWidget | None) -> tuple[str, str] | None:
        """("row", "ANNEX#ROW") for the current cost-table row (its stored position, whatever the view's order)."""
        annex = self._current
        index = self.table_editor.table.currentIndex()
        if annex is None or annex.kind is not AnnexKind.TABLE or not index.isValid():
            return None
        return "row", f"{annex.no}#{self.table_editor.model.stored_index(index.row()) + 1}"

    def _show_state(self) -> None:
        """A signed or archived contract's annexes are read-only, with the note saying why (as on 概要, 条款 and
        签署页); the add button's tooltip says it too."""
        state = None
        if self.number is not None:
            try:
                state = states.state_of(self.db, self.number)
            except UserError:
                state = None
        reasons = {
            Status.SIGNED: _("This contract is signed: a new annex comes with an amendment (补充协议)."),
            Status.ARCHIVED: _("This contract is archived and can no longer be changed."),
        }
        notes = {
            Status.SIGNED: _("This contract is signed: signed contracts change only through an amendment. "
                             "The annexes are read-only."),
            Status.ARCHIVED: _("This contract is archived and can no longer be changed. The annexes are read-only."),
        }
        read_only = state in reasons
        self.add_button.setEnabled(state is not None and not read_only)
        default = _("Add a text annex or a cost table after the last one")
        self.add_button.setToolTip(default if state is None else reasons.get(state, default))
        self.read_only_note.setText(notes.get(state, "") if state is not None else "")
        self.read_only_note.setVisible(read_only)
        self.text_page.set_read_only(read_only)
        self.table_page.set_read_only(read_only)

    def add_annex(self, kind: AnnexKind | None = None, title: str | None = None) -> None:
        """Ask for the kind and title (unless given), add the annex after the last one and open it."""
        if self.number is None:
            return
        kinds = {_("Text annex"): AnnexKind.TEXT, _("Cost table"): AnnexKind.TABLE}
        if kind is None:
            chosen, ok = QInputDialog.getItem(self, _("Add annex"), _("Kind:"), list(kinds), 0, False)
            if not ok:
                return
            kind = kinds[chosen]
        if title is None:
            title, ok = QInputDialog.getText(self, _("Add annex"), _("Title (as the contract cites it):"),
                                             text=_("Cost table") if kind is AnnexKind.TABLE else "")
            if not ok:
                return
        try:
            added = self.operations.run(annex_ops.add_annex, self.number, kind, title).value
        except UserError as exc:
            self.status_message.emit(str(exc))
            return
        self._reload_annexes(added.no)
        self.status_message.emit(_("Annex {no}: {title} added").format(no=added.no, title=added.title))

    def refresh(self) -> None:
        self.refresh_for(None)

    def writing(self) -> bool:
        return self._own.active or self.table_page.model.writing

    def refresh_for(self, changes: Changes | None) -> None:
        """Show what `changes` changed (None: anything may have); this tab's own edits are already drawn."""
        model = self.table_page.model
        if changes is None or changes.touches(Part.STATE, Part.DATABASE):
            self._show_state()
        if self.writing():
            return
        if changes is None or changes.touches(Part.ANNEXES, Part.ROWS, Part.DATABASE):
            self._undo_stack.clear()  # changed elsewhere: this tab's steps may no longer apply
            self._reload_annexes(self._current.no if self._current is not None else None)
        elif model.annex_id is not None:  # the contract's total: the table's difference
            model.contract_total = store.contract_total(self.db, model.annex_id)
            model.total_changed.emit()



    def _reload_annexes(self, select: str | None) -> None:
        """Read the annex list and the open annex again, keeping the selection and the undo history."""
        if self.number is None:
            return
        self.commit_text()
        self._annexes = store.list_annexes(self.db, self.number)
        self.annex_list.blockSignals(True)
        self.annex_list.clear()
        for _annex in self._annexes:
            self.annex_list.addItem(QListWidgetItem())
        self.retranslate_ui()
        self.annex_list.blockSignals(False)
        nos = [a.no for a in self._annexes]
        row = nos.index(select) if select in nos else (0 if nos else -1)
        self._current = None
        if row >= 0:
            self.annex_list.setCurrentRow(row)
            if self.annex_list.currentRow() == row and self._current is None:
                self._select_row(row)
        else:
            self.pages.setCurrentWidget(self.empty_page)

    def select_annex(self, no: str) -> None:
        for row, annex in enumerate(self._annexes):
            if annex.no == no:
                self.annex_list.setCurrentRow(row)
                return
        raise KeyError(no)

    def _select_row(self, row: int) -> None:
        self.commit_text()
        if not 0 <= row < len(self._annexes):
            self._current = None
            self.pages.setCurrentWidget(self.empty_page)
            return
        annex = self._annexes[row]
        self._current = annex
        if annex.kind is AnnexKind.TABLE:
            self.table_page.load(annex.id, self.number)
            self.pages.setCurrentWidget(self.table_page)
        else:
            self._show_text_annex(annex.id)
            self.pages.setCurrentWidget(self.text_page)

    def _reload_info(self, annex_id: int) -> AnnexInfo | None:
        if self.number is None:
            return None
        self._annexes = store.list_annexes(self.db, self.number)
        info = next((a for a in self._annexes if a.id == annex_id), None)
        if info is not None and self._current is not None and self._current.id == annex_id:
            self._current = info
        return info

    def _show_text_annex(self, annex_id: int) -> None:
        """(Re)draw a text annex from the store; also the refresh callback of its commands."""
        info = self._reload_info(annex_id)
        if info is None or self._current is None or self._current.id != annex_id:
            return
        page = self.text_page
        self.retranslate_ui()
        self._stored_text = info.text
        if page.text_edit.toPlainText() != (info.text or ""):
            page.text_edit.blockSignals(True)
            page.text_edit.setPlainText(info.text or "")
            page.text_edit.blockSignals(False)
        self._text_timer.stop()
        page.show_pdf_state(info.pdf_size)

    # ------------------------------------------------------------------ text annexes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text_page.text_edit and event.type() == QEvent.Type.FocusOut:
            self.commit_text()
        return super().eventFilter(watched, event)

    def commit_text(self) -> None:
        """Store the text annex's body if it changed since it was last stored (one undo step)."""
        self._text_timer.stop()
        annex = self._current
        if annex is None or annex.kind is not AnnexKind.TEXT:
            return
        text = self.text_page.text_edit.toPlainText()
        if text == (self._stored_text or ""):
            return
        new = text if text or self._stored_text is not None else None
        self._undo_stack.push(
            AnnexTextCommand(self.operations, self._own, self.number or "", annex.id, new, self._stored_text, annex.no,
                             self._show_text_annex, self._report)
        )
        self.status_message.emit(_("Annex {no} text saved").format(no=annex.no))

    def _report(self, error: UserError) -> None:
        self.status_message.emit(str(error))

    # ------------------------------------------------------------------ attached PDFs

    def attach_pdf(self, *, path: str | Path | None = None) -> None:
        annex = self._current
        if annex is None or annex.kind is not AnnexKind.TEXT:
            return
        if not path:
            chosen, _filter = QFileDialog.getOpenFileName(self, _("Attach a PDF"), "", _("PDF files (*.pdf)"))
            if not chosen:
                return
            path = chosen
        try:
            data = read_pdf_file(Path(path))
        except UserError as exc:
            self.status_message.emit(str(exc))
            return
        self._undo_stack.push(AnnexPdfCommand(self.operations, self._own, self.number or "", annex.id, data, annex.no,
                                              self._show_text_annex, self._report))
        self.status_message.emit(_("PDF attached to annex {no}").format(no=annex.no))

    def remove_pdf(self) -> None:
        annex = self._current
        if annex is None or annex.kind is not AnnexKind.TEXT or not annex.pdf_size:
            return
        self._undo_stack.push(AnnexPdfCommand(self.operations, self._own, self.number or "", annex.id, None, annex.no,
                                              self._show_text_annex, self._report))
        self.status_message.emit(_("PDF removed from annex {no}").format(no=annex.no))

    def export_pdf(self, *, path: str | Path | None = None) -> None:
        annex = self._current
        if annex is None or not annex.pdf_size:
            return
        if not path:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save the PDF"), file_name_part(f"附件{annex.no}-{annex.title}.pdf"), _("PDF files (*.pdf)")
            )
            if not chosen:
                return
            path = chosen
        data = store.annex_pdf(self.db, annex.id)
        if data is None:
            return
        try:
            atomic_write_bytes(Path(path), data)
        except UserError as exc:  # a full disk, a read-only folder: named by the file
            self.status_message.emit(str(exc))
            return
        self.status_message.emit(_("Saved {file}").format(file=Path(path).name))

    # ------------------------------------------------------------------ history

    def show_history(self) -> None:
        if self._history is None:
            self._history = UndoHistoryDialog(self._undo_stack, self)
        self._history.show()
        self._history.raise_()
