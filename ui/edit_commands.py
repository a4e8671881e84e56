"""Undoable contract edits (form fields, clause tree, instalments, signing page) and the shared version tracker.

Each command's redo()/undo() call the same app.store.edits service with the new/old value and the
version last seen for the contract. A refused write (stale version, signed contract, bad value) marks
the command obsolete, so the stack drops it, and is reported to the widget that made it; nothing is
overwritten. The tracker is shared by every editor of one database, so an edit in the form does not
make the clause editor's next edit look stale, and every editor redraws after any committed edit.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from app.clauses import Path
from app.domain import Clause, Payment
from app.errors import UserError
from app.fields import label_of
from app.i18n import _
from app.store import contracts, edits
from app.store.db import Database


class ContractVersions(QObject):
    """The version each contract was last read or written at by this program's editors."""

    #: A contract changed through one of the commands below (redraw what shows it).
    changed = Signal(str)

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self._versions: dict[str, int] = {}

    def get(self, number: str) -> int:
        if number not in self._versions:
            self._versions[number] = contracts.version_of(self.db, number)
        return self._versions[number]

    def committed(self, number: str, version: int) -> None:
        self._versions[number] = version
        self.changed.emit(number)

    def refresh(self, number: str) -> int:
        """Accept the stored version as seen (after a reload, or an edit made by another tab of this window)."""
        self._versions.pop(number, None)
        return self.get(number)

    def seen(self, number: str, version: int) -> None:
        self._versions[number] = version


_trackers: weakref.WeakKeyDictionary[Database, ContractVersions] = weakref.WeakKeyDictionary()


def versions_for(db: Database) -> ContractVersions:
    """The one tracker of `db`, created on first use."""
    tracker = _trackers.get(db)
    if tracker is None:
        tracker = _trackers[db] = ContractVersions(db)
    return tracker


class EditContext:
    """What a command needs: the database, the contract, and where to report a refused edit."""

    def __init__(
        self,
        db: Database,
        number: str,
        report: Callable[[UserError], None],
        committed: Callable[[str], None] | None = None,
    ) -> None:
        self.db, self.number, self.report = db, number, report
        self.committed = committed
        self.versions = versions_for(db)


class _ContractCommand(QUndoCommand):
    def __init__(self, ctx: EditContext, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.failed = False

    def _run(self, write: Callable[[int], int]) -> bool:
        """Run a write with the version last seen; False (and the command obsolete) when refused."""
        ctx = self.ctx
        try:
            version = write(ctx.versions.get(ctx.number))
        except UserError as exc:
            self.failed = True
            self.setObsolete(True)
            ctx.report(exc)
            return False
        ctx.versions.committed(ctx.number, version)
        if ctx.committed is not None:
            ctx.committed(ctx.number)
        return True


class FieldCommand(_ContractCommand):
    """Set one field by path; undo writes the previous value back."""

    def __init__(self, ctx: EditContext, path: str, value: Any) -> None:
        super().__init__(ctx, _("Edit {field}").format(field=label_of(path)))
        self.path, self.new = path, value
        self.old: Any = None
        self._first = True

    def redo(self) -> None:
        def write(version: int) -> int:
            old, new_version = edits.set_field(self.ctx.db, self.ctx.number, self.path, self.new, version)
            if self._first:
                self.old = old
            return new_version

        self._run(write)
        self._first = False

    def undo(self) -> None:
        self._run(lambda v: edits.set_field(self.ctx.db, self.ctx.number, self.path, self.old, v)[1])


#: Merge id of consecutive text edits of one clause (typing pauses become one undo step).
CLAUSE_TEXT_ID = 6201


class ClauseTreeCommand(_ContractCommand):
    """A clause operation (app.clauses) on the stored tree; undo writes the whole previous tree back.

    `select(path)` is called after redo with the operation's result (a path) and after undo with
    `path_before`, so the editor keeps the right clause selected.
    """

    def __init__(
        self,
        ctx: EditContext,
        text: str,
        operation: Callable[[list[Clause]], Any],
        path_before: Path | None,
        select: Callable[[Path | None], None],
        *,
        text_edit_of: Path | None = None,
    ) -> None:
        super().__init__(ctx, text)
        self.operation, self.path_before, self.select = operation, path_before, select
        self.before: list[Clause] | None = None
        self.after: list[Clause] | None = None
        self.path_after: Path | None = path_before
        self.text_edit_of = text_edit_of

    def redo(self) -> None:
        if self.before is None:
            def first(version: int) -> int:
                self.before, self.after, result, new_version = edits.edit_clauses(
                    self.ctx.db, self.ctx.number, version, self.operation
                )
                if isinstance(result, tuple):
                    self.path_after = result
                return new_version

            ok = self._run(first)
        else:
            after = self.after
            assert after is not None
            ok = self._run(lambda v: edits.set_clauses(self.ctx.db, self.ctx.number, after, v)[1])
        if ok:
            self.select(self.path_after)

    def undo(self) -> None:
        before = self.before
        assert before is not None
        if self._run(lambda v: edits.set_clauses(self.ctx.db, self.ctx.number, before, v)[1]):
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

    def __init__(self, ctx: EditContext, text: str, before: list[Payment], after: list[Payment]) -> None:
        super().__init__(ctx, text)
        self.before, self.after = before, after

    def redo(self) -> None:
        self._run(lambda v: edits.set_payments(self.ctx.db, self.ctx.number, self.after, v)[1])

    def undo(self) -> None:
        self._run(lambda v: edits.set_payments(self.ctx.db, self.ctx.number, self.before, v)[1])
