"""Operations: one function per user action, one transaction each, answering with what it changed.

The window (ui/) and the command line (app/cli/) are adapters over these: they parse input, call an op and
show its result; neither writes to the store itself. Every op returns `Done(changes, value)`: `changes`
names the contract, its new version and the parts that changed (app.ops.changes), which is what the window
redraws from; `value` is the op's own answer (what undo needs, the comment added, the files written).

Modules: contracts (create, import, delete, fields, clauses, instalments, events, invoices, versions),
annexes (cells, rows, pastes, texts, PDFs, new annexes, cost-table imports), review (states, "reviewed",
comments, amendments), export (packets and printing), calendar, database (backup and restore).
"""

from typing import TYPE_CHECKING, Any

from app.ops.changes import CONTENT, LISTED, Changes, Done, Part, part_of

if TYPE_CHECKING:
    from app.ops.unit import EditSession


def __getattr__(name: str) -> Any:
    """`EditSession` is imported when first asked for: the window paints its first page before SQLAlchemy loads."""
    if name == "EditSession":
        from app.ops.unit import EditSession

        return EditSession
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CONTENT", "LISTED", "Changes", "Done", "EditSession", "Part", "part_of"]
