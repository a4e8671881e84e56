"""Where an export may write: never onto the database, its journals, its backups or another output of the
same command, never through a symbolic link or onto a device, never under a name the file system refuses.

`contractdesk --db db.db export N --json db.db` once replaced the database with a JSON file, and an export
to /dev/stdout (a symlink to a character device) swapped the device node for a regular file. Every check
here runs before anything is written, and says what is wrong in one line naming the option or field.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from app.errors import UserError
from app.i18n import _

#: The longest file or folder name most file systems take: 255 bytes (ext4, APFS) or UTF-16 units (NTFS).
MAX_NAME = 255
#: What SQLite and ContractDesk keep beside a database file, by suffix.
DATABASE_COMPANIONS = ("", "-journal", "-wal", "-shm", ".lock")
#: The folder beside the database that app.store.backup.backup_dir() keeps the backups in.
BACKUP_FOLDER = "backups"


def name_problem(path: str | os.PathLike[str]) -> str | None:
    """Why the file system would refuse `path` for its length (a part over 255 bytes), or None."""
    for part in Path(path).parts:
        length = len(part.encode("utf-16-le")) // 2 if sys.platform == "win32" else len(os.fsencode(part))
        if length > MAX_NAME:
            return _("the name is too long ({n} bytes; at most {max})").format(n=length, max=MAX_NAME)
    return None


def check_name(path: str | os.PathLike[str], where: str) -> None:
    problem = name_problem(path)
    if problem:
        raise UserError(problem, where)


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop: compared as written
        return path.expanduser().absolute()


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when `a` and `b` name one file: the same resolved path, or (both existing) the same inode."""
    pa, pb = _resolved(Path(a)), _resolved(Path(b))
    if pa == pb or os.path.normcase(pa) == os.path.normcase(pb):
        return True
    try:
        return os.path.samefile(pa, pb)
    except OSError:
        return False


def _database_problem(target: Path, database: Path) -> str | None:
    for suffix in DATABASE_COMPANIONS:
        if same_file(target, database.with_name(database.name + suffix)):
            return _("this is the database itself") if not suffix else _("this is a file the database keeps beside it")
    backups = _resolved(database).parent / BACKUP_FOLDER
    if _resolved(target).parent == backups or same_file(target.parent, backups):
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


def check_replaceable(target: Path) -> None:
    """Refuse to replace anything but a regular file: a symbolic link (whose own name would be replaced,
    not the file it points to) or a device, pipe or socket (replaced by a regular file, as root even
    /dev/stdout). A missing target is fine."""
    check_name(target, str(target))
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # the write itself reports an unreachable folder, in the user's words
    if stat.S_ISLNK(mode):
        raise UserError(_("is a symbolic link; give the path of the file itself"), str(target))
    if stat.S_ISDIR(mode):
        raise UserError(_("is a folder, not a file"), str(target))
    if not stat.S_ISREG(mode):
        raise UserError(_("is a device or a pipe, not a file; choose a file to write"), str(target))
