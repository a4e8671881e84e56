"""Undoable contract edits (form fields, clause tree, instalments, signing page), run through app.ops.

Each command's redo()/undo() run the same op (app.ops.contracts) with the new/old value, through the window's
Operations (ui.operations): the version the window holds is checked, advanced from the answer, and every view
redraws from the change feed. A refused write (stale version, signed contract, bad value) marks the command
obsolete, so the stack drops it, and is reported to the widget that made it; nothing is overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Clause, Payment
from app.ops import Done
from app.rules.clauses import Path
from app.rules.fields import label_of
from ui.operations import Operations
from ui.worded_command import WordedCommand, Wording


def _contract_ops() -> ModuleType:
    """app.ops.contracts, imported at the first edit: the window paints before SQLAlchemy loads (ui.first_paint)."""
    from app.ops import contracts

    return contracts


class EditContext:
    """What a command needs: the window's operations, the contract, where to report a refused edit, and the tab
    that made it (`page`: Undo and Redo bring it forward, so that what they change is in sight)."""

    def __init__(self, operations: Operations, number: str, report: Callable[[UserError], None],
                 page: QWidget | None = None) -> None:
        self.operations, self.number, self.report, self.page = operations, number, report, page


def command_page(command: QUndoCommand | None) -> tuple[QWidget | None, str | None]:
    """The tab a command's edit was made in, and the field path it set (None when it sets no single field)."""
    ctx = getattr(command, "ctx", None)
    path = getattr(command, "path", None)
    return getattr(ctx, "page", None), path if isinstance(path, str) else None


class _ContractCommand(WordedCommand):
    def __init__(self, ctx: EditContext, wording: Wording) -> None:
        super().__init__(wording)
        self.ctx = ctx
        self.failed = False

    def _run(self, op: Callable[..., Done[Any]], *args: Any) -> Done[Any] | None:
        """Run an op on the contract; None (and the command obsolete) when it is refused."""
        try:
            return self.ctx.operations.run(op, self.ctx.number, *args)
        except UserError as exc:
            self.failed = True
            self.setObsolete(True)
            self.ctx.report(exc)
            return None


class FieldCommand(_ContractCommand):
    """Set one field by path; undo writes the previous value back."""

    def __init__(self, ctx: EditContext, path: str, value: Any) -> None:
        super().__init__(ctx, lambda: _("Edit {field}").format(field=label_of(path)))
        self.path, self.new = path, value
        self.old: Any = None
        self._first = True

    def redo(self) -> None:
        done = self._run(_contract_ops().set_field, self.path, self.new)
        if done is not None and self._first:
            self.old = done.value
        self._first = False

    def undo(self) -> None:
        self._run(_contract_ops().set_field, self.path, self.old)


#: Merge id of consecutive text edits of one clause (typing pauses become one undo step).
CLAUSE_TEXT_ID = 6201


class ClauseTreeCommand(_ContractCommand):
    """A clause operation (app.rules.clauses) on the stored tree; undo writes the whole previous tree back.

    `select(path)` is called after redo with the operation's result (a path) and after undo with
    `path_before`, so the editor keeps the right clause selected.
    """

    def __init__(
        self,
        ctx: EditContext,
        wording: Wording,
        operation: Callable[[list[Clause]], Any],
        path_before: Path | None,
        select: Callable[[Path | None], None],
        *,
        text_edit_of: Path | None = None,
    ) -> None:
        super().__init__(ctx, wording)
        self.operation, self.path_before, self.select = operation, path_before, select
        self.before: list[Clause] | None = None
        self.after: list[Clause] | None = None
        self.path_after: Path | None = path_before
        self.text_edit_of = text_edit_of

    def redo(self) -> None:
        if self.before is None:
            done = self._run(_contract_ops().edit_clauses, self.operation)
            if done is not None:
                self.before, self.after = done.value.before, done.value.after
                if isinstance(done.value.result, tuple):
                    self.path_after = done.value.result
        else:
            done = self._run(_contract_ops().set_clauses, self.after)
        if done is not None:
            self.select(self.path_after)

    def undo(self) -> None:
        if self._run(_contract_ops().set_clauses, self.before) is not None:
            self.select(self.path_before)

    def id(self) -> int:
        return CLAUSE_TEXT_ID if self.text_edit_of is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ClauseTreeCommand) or other.failed or self.failed:
            return False
        if other.text_edit_of != self.text_edit_of or other.ctx.number != self.ctx.number:
            return False
        self.after, self.path_after = other.after, other.path_after
        return True


class PaymentsCommand(_ContractCommand):
    """Replace the instalment list (add or remove an instalment); undo puts the old list back."""

    def __init__(self, ctx: EditContext, wording: Wording, before: list[Payment], after: list[Payment]) -> None:
        super().__init__(ctx, wording)
        self.before, self.after = before, after

    def redo(self) -> None:
        self._run(_contract_ops().set_payments, self.after)

    def undo(self) -> None:
        self._run(_contract_ops().set_payments, self.before)
