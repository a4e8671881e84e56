"""Views that follow the change feed: a view of one contract redraws when an op changes a part it shows.

A view not on screen (a tab behind another) only notes that it is out of date and redraws when it is shown,
so an edit never waits for a hidden tab; a view on its own (no parent) redraws at once.
"""

from __future__ import annotations

from collections.abc import Callable

from app.ops import Changes, Part
from ui.operations import Operations, affects


class FollowsContract:
    """Mixin for a QWidget with `number` (the contract shown): `refresh_for(changes)` runs when `changes`
    touch a part in SHOWS; `refresh()` when a view that was out of date is shown."""

    SHOWS: frozenset[Part] = frozenset()
    number: str | None
    refresh: Callable[[], None]  # redraw everything; each view defines it

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "refresh", None)):
            raise TypeError(f"{cls.__name__} must define refresh()")

    def follow(self, operations: Operations) -> None:
        self._out_of_date = False
        self._missed: Changes | None = None
        operations.changed.connect(self._contract_changed)

    def _contract_changed(self, changes: Changes) -> None:
        if not affects(changes, self.number, self.SHOWS):
            return
        if self.isHidden() and self.parentWidget() is not None and not self.writing():  # type: ignore[attr-defined]
            self._out_of_date = True
            self._missed = changes if self._missed is None else merged(self._missed, changes)
            return
        self.refresh_for(changes)

    def writing(self) -> bool:
        """True while one of the view's own commands writes. Its change then goes to `refresh_for` at once, hidden or
        not (a cost-table cell left by clicking another tab is stored as its tab hides): noted as missed, it would be
        redrawn as a change made elsewhere when the tab shows again, and the tab's undo history dropped with it."""
        return False

    def refresh_for(self, changes: Changes) -> None:
        """Redraw after `changes` (by default: everything)."""
        self.refresh()

    def showEvent(self, event) -> None:
        if getattr(self, "_out_of_date", False):
            self._out_of_date = False
            missed, self._missed = getattr(self, "_missed", None), None
            # what changed while hidden, so a view redraws only that (the 附件 tab kept its undo history through
            # a title edit elsewhere only so); everything when that is not known
            self.refresh_for(missed) if missed is not None else self.refresh()
        super().showEvent(event)  # type: ignore[misc]


def merged(a: Changes, b: Changes) -> Changes:
    """Two changes of one contract as one: every part and annex either touched, the later version."""
    return Changes(b.number, b.version if b.version is not None else a.version, a.parts | b.parts,
                   a.annexes | b.annexes)
