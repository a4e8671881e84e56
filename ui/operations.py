"""The window's one way into app.ops, and the change feed every view redraws from.

`Operations.run(op, number, …)` calls an op with the version of the contract this window holds (so an edit made
elsewhere meanwhile is refused as a Conflict, never overwritten), advances that version from the op's answer
and emits `changed(Changes)`: every view showing a changed part of that contract redraws, whichever tab made
the edit. One Operations serves every view of one open database (`operations_for`).
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.base.errors import Conflict, UserError
from app.base.i18n import _
from app.ops import CONTENT, Changes, Done, Part

if TYPE_CHECKING:
    from app.ops.unit import EditSession
    from app.store.db import Database

#: Everything a view can show of a contract: what a Reload announces.
EVERYTHING = frozenset(Part) - {Part.DATABASE, Part.CONTRACTS}


class Operations(QObject):
    """Runs ops for the views of one database and tells them what changed."""

    #: An op changed something (app.ops.Changes).
    changed = Signal(object)
    #: An edit was refused because the contract changed elsewhere: (number, message naming who, what, when).
    conflict = Signal(str, str)
    #: An edit of an approved contract was made, after the clerk agreed: the contract (its number) is back in review.
    reopened = Signal(str)

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self._session: EditSession | None = None
        self._versions: dict[str, int] = {}

    @property
    def session(self) -> EditSession:
        """The window's edit session (typing in one field is one audit entry), made at the first edit: the store's
        modules are imported after the first paint (ui.first_paint)."""
        if self._session is None:
            from app.ops.unit import EditSession

            self._session = EditSession()
        return self._session

    # ------------------------------------------------------------------ versions

    def version(self, number: str) -> int:
        """The version of the contract this window last read or wrote."""
        if number not in self._versions:
            from app.store import contracts

            self._versions[number] = contracts.version_of(self.db, number)
        return self._versions[number]

    def seen(self, number: str, version: int) -> None:
        """A view read the contract at `version` (what it now shows is what the next edit builds on)."""
        self._versions[number] = version

    def reload(self, number: str) -> None:
        """Accept what is stored now (the conflict banner's Reload): every view of the contract redraws."""
        self._versions.pop(number, None)
        self.changed.emit(Changes(number, self.version(number), EVERYTHING))

    # ------------------------------------------------------------------ running

    def run(self, op: Callable[..., Done[Any]], number: str, *args: Any, versioned: bool = True, **kwargs: Any) -> Done[Any]:
        """Run `op(db, number, *args, **kwargs)` and announce what it changed.

        With `versioned` the op must find the contract at the version this window holds. A UserError (a
        Conflict too, after `conflict` was emitted) reaches the caller, which reports it where the clerk looks.
        """
        parameters = _parameters(op)
        if versioned and "expected_version" in parameters:
            kwargs["expected_version"] = self.version(number)
        if "session" in parameters:
            kwargs["session"] = self.session
        try:
            done = self._reopening(op, parameters, number, self.db, number, *args, **kwargs)
        except Conflict as exc:
            if "expected_version" in kwargs:
                self.conflict.emit(number, exc.message)
            raise
        self.announce(done.changes)
        return done

    def call(self, op: Callable[..., Done[Any]], *args: Any, **kwargs: Any) -> Done[Any]:
        """Run an op that is not about one open contract (an import, a calendar change) and announce it."""
        done = self._reopening(op, _parameters(op), None, self.db, *args, **kwargs)
        self.announce(done.changes)
        return done

    def _reopening(self, op: Callable[..., Done[Any]], parameters: frozenset[str], number: str | None,
                   *args: Any, **kwargs: Any) -> Done[Any]:
        """Run the op; an edit of an approved contract is asked about once (`confirm_reopen`) and, if the clerk
        agrees, made again with `reopen`, which returns the contract to review in the same transaction."""
        from app.ops.unit import ApprovedEdit  # loaded with the ops themselves, after the first paint

        try:
            return op(*args, **kwargs)
        except ApprovedEdit as exc:
            if "reopen" not in parameters:
                raise
            if not self.confirm_reopen(exc.where):
                number = number or exc.where
                self.changed.emit(Changes(number, self.version(number), CONTENT))  # editors show what is stored
                raise UserError(_("not changed: the contract stays approved"), exc.where) from exc
            kwargs["reopen"] = True
            done = op(*args, **kwargs)
            self.reopened.emit(number or exc.where)
            return done

    def confirm_reopen(self, number: str) -> bool:
        """Ask before an edit returns approved contract `number` to review (tests may replace this)."""
        from PySide6.QtWidgets import QApplication, QMessageBox

        answer = QMessageBox.question(
            QApplication.activeWindow(), _("Approved contract"),
            _("This contract is approved; after this change it returns to review. Go on?"))
        return answer == QMessageBox.StandardButton.Yes

    def announce(self, changes: Changes) -> None:
        """Advance the versions from `changes` and tell every view (also for ops run elsewhere, e.g. a worker)."""
        if changes.number is not None:
            if changes.version is not None:
                self._versions[changes.number] = changes.version
            else:
                self._versions.pop(changes.number, None)
        self.changed.emit(changes)


def _parameters(op: Callable[..., Any]) -> frozenset[str]:
    cached = _signatures.get(op)
    if cached is None:
        cached = _signatures[op] = frozenset(inspect.signature(op).parameters)
    return cached


_signatures: dict[Callable[..., Any], frozenset[str]] = {}
_shared: weakref.WeakKeyDictionary[Database, Operations] = weakref.WeakKeyDictionary()


def operations_for(db: Database) -> Operations:
    """The one Operations of `db`, made on first use: every view of one database shares its versions."""
    found = _shared.get(db)
    if found is None:
        found = _shared[db] = Operations(db)
    return found


def affects(changes: Changes, number: str | None, shown: frozenset[Part]) -> bool:
    """Whether `changes` touch a part (of `shown`) of contract `number` that a view shows."""
    if number is None:
        return False
    if changes.number is not None and changes.number != number:
        return False
    if changes.number is None and not changes.touches(Part.CALENDAR, Part.DATABASE, Part.OFFICE):
        return False  # the calendar, a restore and the office's settings concern every contract
    return bool(changes.parts & (shown | {Part.DATABASE}))


__all__ = ["CONTENT", "EVERYTHING", "Operations", "affects", "operations_for"]
