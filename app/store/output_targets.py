"""Where an export may write: never onto the database, its journals, its backups or another output of the
same command, never through a symbolic link or onto a device, never under a name the file system refuses.

`contractdesk --db db.db export N --json db.db` once replaced the database with a JSON file, and an export
to /dev/stdout (a symlink to a character device) swapped the device node for a regular file. Every check
here runs before anything is written, and says what is wrong in one line naming the option or field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import check_name, resolved_path, same_file
from app.base.i18n import _

#: What SQLite and ContractDesk keep beside a database file, by suffix.
DATABASE_COMPANIONS = ("", "-journal", "-wal", "-shm", ".lock")
#: The folder beside the database that app.store.backup.backup_dir() keeps the backups in.
BACKUP_FOLDER = "backups"


def _database_problem(target: Path, database: Path) -> str | None:
    for suffix in DATABASE_COMPANIONS:
        if same_file(target, database.with_name(database.name + suffix)):
            return _("this is the database itself") if not suffix else _("this is a file the database keeps beside it")
    backups = resolved_path(database).parent / BACKUP_FOLDER
    if resolved_path(target).parent == backups or same_file(target.parent, backups):
        return _("this is the database's backups folder; write exports elsewhere")
    return None


def check_output_targets(targets: Mapping[str, str | os.PathLike[str] | None], database: Path | None) -> None:
    """Refuse, before anything is written, outputs that would overwrite the database (its file, journal, WAL,
    shared memory, lock or a backup) or each other. `targets` maps the option or field naming each output
    (``--json``) to its path; None entries are outputs not asked for."""
    seen: list[tuple[str, Path]] = []
    for where, value in targets.items():
        if value is None or value == "":
            continue
        target = Path(value)
        check_name(target, where)
        if database is not None:
            problem = _database_problem(target, database)
            if problem:
                raise UserError(problem, where)
        for other_where, other in seen:
            if same_file(target, other):
                raise UserError(_("the same file as {other}; each output needs its own file").format(other=other_where),
                                where)
        seen.append((where, target))
