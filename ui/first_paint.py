"""Start-up in two steps: paint the window from a quick read of the file, then open the store right after the paint.

Importing SQLAlchemy and mapping the schema costs more than Python and Qt together. On a plain SQLite file already at
this program's schema, `pending_database` reads what the first screen shows with the standard library
(app.store.quick_read) and hands the window a `PendingDatabase`: the list's first page, its count and badges and the
open contract's 概要 are drawn from that read, so the first paint shows the stored values, never placeholders. The
first event-loop turn after the paint opens the store the ordinary way (`open_after_paint`). Anything else that needs
the store before then — an edit, a search, another tab — opens it at that moment and waits for it: an edit is stored,
never refused. PostgreSQL, encrypted, older or newer files take the ordinary path (`pending_database` returns None).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.base import collector
from app.store.quick_read import StartView, read_start

if TYPE_CHECKING:
    from app.store.db import Database
    from ui.main_window import MainWindow


class PendingDatabase:
    """Stands for the database until it is open: it answers the first screen's reads (`start`) itself, and any other
    use opens the store first (once) and is passed on to it."""

    def __init__(self, target: str, start: StartView, opener: Callable[[], Database]) -> None:
        self._db: Database | None = None
        self._opener = opener
        self._opening = threading.Lock()  # an export's worker thread may be the first to ask
        self.target = target
        self.start: StartView | None = start

    @property
    def is_open(self) -> bool:
        return self._db is not None

    @property
    def is_sqlite(self) -> bool:
        return True  # only a SQLite file is read before the store is open

    def open(self) -> Database:
        """The open store (opened now if it was not yet); from here on the quick read is not used again."""
        with self._opening:
            if self._db is None:
                self._db = self._opener()
                self.start = None
            return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_db", "_opener", "_opening"):
            raise AttributeError(name)
        return getattr(self.open(), name)


def start_view(db: object) -> StartView | None:
    """The quick read's answers while `db` is a PendingDatabase not yet open; None otherwise (then ask the store)."""
    return db.start if isinstance(db, PendingDatabase) else None


def pending_database(target: str, head_revision: str, *, page_size: int,
                     opener: Callable[[], Database]) -> PendingDatabase | None:
    """A PendingDatabase over the SQLite file `target`, or None when the store must be opened first (see the module)."""
    if "://" in target:
        return None
    import os

    if os.environ.get("CONTRACTDESK_PASSPHRASE"):
        return None
    start = read_start(Path(target), head_revision, limit=page_size)
    return PendingDatabase(target, start, opener) if start is not None else None


def open_after_paint(window: MainWindow, db: PendingDatabase, then: Callable[[], None] | None = None) -> None:
    """Open `db` on the event-loop turn after `window` is first painted, and import what the first edit runs; then
    call `then` (if given). A file the full open finds damaged is explained with the offer of its latest good
    backup, as at any start; without a restore the window closes."""

    def finish() -> None:
        try:
            ready = _open_now(window, db)
        finally:  # ready, or the start ended without it: the cycle collector runs as usual from here on
            collector.started()
        if ready and then is not None:
            then()

    window.after_paint(finish, first=True)  # the store before the window's other after-paint work, which needs it


def _open_now(window: MainWindow, db: PendingDatabase) -> bool:
    """open_after_paint's work: True when `window` is ready for editing on `db`."""
    from app.store.db import DatabaseProblem

    if window.db is not db:  # another database was opened meanwhile
        return False
    try:
        db.open()
    except DatabaseProblem as problem:
        from ui.database_problem_dialog import offer_restore

        restored = offer_restore(window, problem)
        if restored is None:
            window.close()
            return False
        restored.close()
        window.open_database(db.target)
    import app.ops.contracts  # noqa: F401  the first edit's op, imported now rather than when the clerk types

    return True
