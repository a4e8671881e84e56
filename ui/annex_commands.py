"""Undoable annex edits. Each command runs an op (app.ops.annexes) through the window's Operations, then
updates the model if it still shows the annex.

A command's first redo() does the edit (the stack calls it on push); undo() writes the previous state back
through the same ops. The contract's version is checked and advanced like any other edit's, so an annex edit
never makes the next form edit look stale. A write that is refused marks the command obsolete, so the stack
drops it and nothing half-done stays in the history; the message goes to the status bar. Rows are named by
database id, which survives delete/undo (see app.store.annex_rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from app.base.errors import UserError
from app.base.i18n import N_, _, ngettext
from app.ops import Done
from app.ops import annexes as annex_ops
from app.ops.annexes import Pasted
from app.store.annex_rows import CellChange, RowValues, StoredRow, TableOptions
from ui.operations import Operations
from ui.worded_command import WordedCommand, Wording

if TYPE_CHECKING:  # the model pushes these commands; they only need its type
    from ui.annex_table_model import CostTableModel


class _TableCommand(WordedCommand):
    """Shared plumbing: the annex the command edits and error reporting."""

    def __init__(self, model: CostTableModel, wording: Wording) -> None:
        super().__init__(wording)
        self.model = model
        self.operations = model.operations
        assert model.annex_id is not None and model.number is not None
        self.annex_id: int = model.annex_id
        self.number: str = model.number

    def _op(self, op: Callable[..., Done[Any]], *args: Any) -> Any:
        """Run an annex op on this command's annex; its value."""
        self.model.writing = True
        try:
            return self.operations.run(op, self.number, self.annex_id, *args).value
        finally:
            self.model.writing = False

    @property
    def showing(self) -> bool:
        """Whether the model shows this command's annex fully read (else the store alone is updated)."""
        return self.model.annex_id == self.annex_id and not self.model.loading

    def _guard(self, action: Callable[[], None], *, first: bool = False) -> None:
        try:
            action()
            if self.model.annex_id == self.annex_id and self.model.loading:
                self.model.load(self.annex_id)  # rows still arriving: read them again, with this edit
        except UserError as exc:
            self.model.report(exc)
            self.setObsolete(True)
            if not first and self.showing:
                self.model.load(self.annex_id)


class EditCellsCommand(_TableCommand):
    """Set one or more cells — also a structural edit (indent, outdent, make a section, renumber: kinds, levels
    and numbers of several rows) — as one step; undo writes the old values back."""

    def __init__(self, model: CostTableModel, changes: Sequence[CellChange], wording: Wording) -> None:
        super().__init__(model, wording)
        self.new = list(changes)
        self.old: list[CellChange] | None = None

    def redo(self) -> None:
        def run() -> None:
            old = self._op(annex_ops.update_cells, self.new)
            if self.old is None:
                self.old = old
            if self.showing:
                self.model.apply_cells(self.new)

        self._guard(run, first=self.old is None)

    def undo(self) -> None:
        def run() -> None:
            assert self.old is not None
            self._op(annex_ops.update_cells, self.old)
            if self.showing:
                self.model.apply_cells(self.old)

        self._guard(run)


class InsertRowsCommand(_TableCommand):
    """Insert rows before a row (or at the end); undo deletes them, redo restores the same ids."""

    def __init__(self, model: CostTableModel, before_id: int | None, rows: Sequence[RowValues]) -> None:
        n = len(rows)
        super().__init__(model, lambda: ngettext("Insert {n} row", "Insert {n} rows", n).format(n=n))
        self.before_id = before_id
        self.rows = list(rows)
        self.stored: list[StoredRow] | None = None

    def _at(self) -> int:
        return self.model.index_of_id(self.before_id) if self.before_id is not None else self.model.stored_row_count

    def redo(self) -> None:
        def run() -> None:
            if self.stored is None:
                self.stored = self._op(annex_ops.insert_rows, self.before_id, self.rows)
            else:
                self._op(annex_ops.restore_rows, self.stored)
            if self.showing:
                self.model.insert_stored(self._at(), self.stored)

        self._guard(run, first=self.stored is None)

    def undo(self) -> None:
        def run() -> None:
            assert self.stored is not None
            ids = [r.id for r in self.stored]
            self._op(annex_ops.delete_rows, ids)
            if self.showing:
                self.model.remove_ids(ids)

        self._guard(run)


class DeleteRowsCommand(_TableCommand):
    """Delete rows by id; undo puts them back with their ids, values and places."""

    def __init__(self, model: CostTableModel, ids: Sequence[int]) -> None:
        n = len(ids)
        super().__init__(model, lambda: ngettext("Delete {n} row", "Delete {n} rows", n).format(n=n))
        self.ids = list(ids)
        self.deleted: list[StoredRow] = []
        self.indices: list[int] = []
        self._done_once = False

    def redo(self) -> None:
        def run() -> None:
            self.deleted = self._op(annex_ops.delete_rows, self.ids)
            if self.showing:
                self.indices = self.model.remove_ids(self.ids)
            self._done_once = True

        self._guard(run, first=not self._done_once)

    def undo(self) -> None:
        def run() -> None:
            self._op(annex_ops.restore_rows, self.deleted)
            if self.showing and len(self.indices) == len(self.deleted):
                self.model.insert_rows_at(
                    [(i, r.id, r.values) for i, r in zip(self.indices, self.deleted, strict=True)]
                )
            elif self.showing:
                self.model.load(self.annex_id)

        self._guard(run)


class MoveRowsCommand(_TableCommand):
    """Reorder rows among the slots they hold (move up/down); undo restores the previous order."""

    def __init__(self, model: CostTableModel, ids_in_order: Sequence[int], wording: Wording) -> None:
        super().__init__(model, wording)
        self.new = list(ids_in_order)
        self.old: list[int] | None = None

    def redo(self) -> None:
        def run() -> None:
            old = self._op(annex_ops.reorder_rows, self.new)
            if self.old is None:
                self.old = old
            if self.showing:
                self.model.reorder(self.new)

        self._guard(run, first=self.old is None)

    def undo(self) -> None:
        def run() -> None:
            assert self.old is not None
            self._op(annex_ops.reorder_rows, self.old)
            if self.showing:
                self.model.reorder(self.old)

        self._guard(run)


class PasteCommand(_TableCommand):
    """A pasted block: cells overwritten and rows appended, as one step however large."""

    def __init__(self, model: CostTableModel, changes: Sequence[CellChange], appended: Sequence[RowValues]) -> None:
        rows = len({c.row_id for c in changes}) + len(appended)
        super().__init__(model, lambda: ngettext("Paste {n} row", "Paste {n} rows", rows).format(n=rows))
        self.changes = list(changes)
        self.appended = list(appended)
        self.old: list[CellChange] | None = None
        self.stored: list[StoredRow] = []

    def redo(self) -> None:
        def run() -> None:
            first = self.old is None
            pasted = self._op(annex_ops.paste, self.changes, self.appended if first else self.stored)
            if first:
                self.old, self.stored = pasted.old, pasted.appended
            if self.showing:
                self.model.apply_cells(self.changes)
                self.model.insert_stored(self.model.stored_row_count, self.stored)

        self._guard(run, first=self.old is None)

    def undo(self) -> None:
        def run() -> None:
            assert self.old is not None
            self._op(annex_ops.unpaste, Pasted(self.old, self.stored))
            if self.showing:
                self.model.remove_ids([r.id for r in self.stored])
                self.model.apply_cells(self.old)

        self._guard(run)


class TableOptionsCommand(_TableCommand):
    """Set the table's discount rate, VAT rate and total kind; undo puts the previous ones back."""

    def __init__(self, model: CostTableModel, options: TableOptions) -> None:
        super().__init__(model, lambda: _("Change the table's options"))
        self.new = options
        self.old: TableOptions | None = None

    def redo(self) -> None:
        def run() -> None:
            old = self._op(annex_ops.set_table_options, self.new)
            if self.old is None:
                self.old = old
            if self.showing:
                self.model.apply_options(self.new)

        self._guard(run, first=self.old is None)

    def undo(self) -> None:
        def run() -> None:
            assert self.old is not None
            self._op(annex_ops.set_table_options, self.old)
            if self.showing:
                self.model.apply_options(self.old)

        self._guard(run)


class OwnEdits:
    """Set while one of a view's own commands writes, so the view does not redraw it again from the change feed
    (nor clear the undo stack whose command is running)."""

    def __init__(self) -> None:
        self.active = False

    def run(self, operations: Operations, op: Callable[..., Done[Any]], *args: Any) -> Done[Any]:
        self.active = True
        try:
            return operations.run(op, *args)
        finally:
            self.active = False


class AnnexTextCommand(WordedCommand):
    """Replace a text annex's body; `refresh(annex_id)` redraws whoever shows it."""

    def __init__(self, operations: Operations, own: OwnEdits, number: str, annex_id: int, new: str | None,
                 old: str | None, no: str, refresh, report) -> None:
        super().__init__(lambda: _("Edit the text of annex {no}").format(no=no))
        self.operations, self.own, self.number, self.annex_id = operations, own, number, annex_id
        self.new, self.old = new, old
        self.refresh, self.report = refresh, report

    def _set(self, text: str | None) -> None:
        try:
            self.own.run(self.operations, annex_ops.set_annex_text, self.number, self.annex_id, text)
        except UserError as exc:
            self.report(exc)
            self.setObsolete(True)
        self.refresh(self.annex_id)

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


class AnnexPdfCommand(WordedCommand):
    """Attach or remove a text annex's PDF; undo puts the previous file back."""

    def __init__(self, operations: Operations, own: OwnEdits, number: str, annex_id: int, new: bytes | None, no: str,
                 refresh, report) -> None:
        text = N_("Attach a PDF to annex {no}") if new is not None else N_("Remove the PDF of annex {no}")
        super().__init__(lambda: _(text).format(no=no))
        self.operations, self.own, self.number, self.annex_id, self.new = operations, own, number, annex_id, new
        self.old: bytes | None = None
        self._first = True
        self.refresh, self.report = refresh, report

    def _set(self, pdf: bytes | None) -> bytes | None:
        return self.own.run(self.operations, annex_ops.set_annex_pdf, self.number, self.annex_id, pdf).value

    def redo(self) -> None:
        try:
            old = self._set(self.new)
            if self._first:
                self.old, self._first = old, False
        except UserError as exc:
            self.report(exc)
            self.setObsolete(True)
        self.refresh(self.annex_id)

    def undo(self) -> None:
        try:
            self._set(self.old)
        except UserError as exc:
            self.report(exc)
        self.refresh(self.annex_id)
