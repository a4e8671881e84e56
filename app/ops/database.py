"""Operations on the database file as a whole: a backup, and a restore from one.

A restore replaces the file, so it is refused while the desktop app (or another command) has the database
open: that program's next edit would otherwise be lost.
"""

from __future__ import annotations

from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _
from app.ops.changes import Changes, Done, Part
from app.store.backup import Connector


def backup(database: Path, destination: Path | None = None, *, connect: Connector | None = None) -> Done[Path]:
    """Copy the database (checked first to be a sound ContractDesk database) to `destination`, or into its
    backups folder; the value is the copy's path."""
    from app.store.backup import copy_database, copy_problem, database_errors, make_backup
    from app.store.db import open_database

    if not database.exists():
        raise UserError(_("no such file"), str(database))
    open_database(database, backup=False).close()
    if destination is not None and destination.is_dir():
        raise UserError(_("is a folder, not a file"), str(destination))
    failures: tuple[type[Exception], ...] = (OSError, *database_errors())
    try:
        target = copy_database(database, destination, connect) if destination is not None else \
            make_backup(database, "manual", connect=connect)
    except failures as exc:  # a full disk or a folder the user cannot write to
        raise copy_problem(exc, destination or database.parent / "backups") from exc
    return Done(Changes(), target)


def restore(source: Path, database: Path, *, connect: Connector | None = None,
            locked: bool = False) -> Done[Path | None]:
    """Replace the database with the backup `source`; the value is where the replaced file was kept.
    `locked`: the caller holds the database's lock already (the window, which took it before opening the file)."""
    from app.store.backup import restore_database
    from app.store.lock import acquire

    lock = None if locked else acquire(database)  # never replace a database another program has open
    try:
        kept = restore_database(source, database, connect=connect)
    finally:
        if lock is not None:
            lock.release()
    return Done(Changes(parts=frozenset({Part.DATABASE, Part.CONTRACTS})), kept)
