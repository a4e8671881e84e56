"""Backups of a SQLite store, made with SQLite's online backup API (consistent while the app is in use).

They live in a ``backups`` folder beside the database (for the default database: the data folder), are
readable by the user only, and are named ``<db stem>-<kind>-<YYYYmmdd-HHMMSS>.db``. Kinds: ``auto``
(made on open, at most daily, kept in rotation: the last 7 days and the last 4 weeks), ``manual``
(``contractdesk backup``), ``before-<revision>`` (before a schema upgrade) and ``before-restore`` (what a
restore replaced). Only ``auto`` backups are ever deleted, by the rotation.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from app.base.errors import UserError
from app.base.i18n import _
from app.base.private import make_private

log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
_STAMP = "%Y%m%d-%H%M%S"  # what _NAME reads back, field by field
_NAME = re.compile(r"^(?P<stem>.+)-(?P<kind>auto|manual|before-[\w.-]+?)-"
                   r"(?P<Y>\d{4})(?P<m>\d{2})(?P<d>\d{2})-(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})(?:-(?P<n>\d+))?\.db$")

#: Opens a DB-API connection to a SQLite file (plain sqlite3, or SQLCipher with the key already set).
Connector = Callable[..., sqlite3.Connection]


@dataclass(frozen=True)
class BackupInfo:
    """One backup file of a database."""

    path: Path
    kind: str
    taken: datetime
    size: int


def database_errors() -> tuple[type[Exception], ...]:
    """The DB-API "database error" classes in use: sqlite3's, and SQLCipher's when it is loaded."""
    import sys

    errors: list[type[Exception]] = [sqlite3.DatabaseError]
    for name in ("sqlcipher3.dbapi2", "pysqlcipher3.dbapi2"):
        module = sys.modules.get(name)
        if module is not None:
            errors.append(module.DatabaseError)
    return tuple(errors)


def backup_dir(database: Path) -> Path:
    """The ``backups`` folder beside `database`, created readable by the user only."""
    path = database.parent / "backups"
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        make_private(path)
    return path


def _plain_connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _read_only_connect(path: str) -> sqlite3.Connection:
    """Open without ever creating or changing the file."""
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


def copy_database(source: Path, target: Path, connect: Connector | None = None) -> Path:
    """Write a consistent copy of the SQLite file `source` to `target` (readable by the user only).

    The copy is written beside the target and renamed into place, so a crash leaves no half backup.
    """
    connect = connect or _plain_connect
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    make_private(tmp)  # on Windows the mode above is no access control: a backup --to D:\… would be readable by all
    try:
        src = connect(str(source))
        try:
            dst = connect(str(tmp))
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target


def _new_name(database: Path, kind: str, now: datetime) -> Path:
    folder = backup_dir(database)
    base = f"{database.stem}-{kind}-{now.strftime(_STAMP)}"
    target = folder / f"{base}.db"
    n = 2
    while target.exists():
        target = folder / f"{base}-{n}.db"
        n += 1
    return target


def make_backup(database: Path, kind: str = "manual", *, now: datetime | None = None,
                connect: Connector | None = None) -> Path:
    """Back up `database` into its backups folder; returns the new file."""
    target = _new_name(database, kind, now or datetime.now())
    log.info("backing up %s (%s)", database.name, kind)
    return copy_database(database, target, connect)


def list_backups(database: Path) -> list[BackupInfo]:
    """The backups of `database`, newest first."""
    folder = database.parent / "backups"
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        m = _NAME.match(path.name)
        if not m or m["stem"] != database.stem or not path.is_file():
            continue
        try:  # the name's fields, not strptime: that would import _strptime at every open (≈2 ms)
            year, month, day, hour, minute, second = (int(m[field]) for field in "YmdHMS")
            taken = datetime(year, month, day, hour, minute, second)
        except ValueError:  # not a time (month 13): not a backup this program made
            continue
        found.append((taken, int(m["n"] or 1), BackupInfo(path, m["kind"], taken, path.stat().st_size)))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [info for *_key, info in found]


def prune_auto_backups(database: Path) -> list[Path]:
    """Rotation: keep the newest automatic backup of each of the last 7 days and of the last 4 weeks."""
    autos = [b for b in list_backups(database) if b.kind == "auto"]
    keep: set[Path] = set()
    days: set = set()
    weeks: set = set()
    for b in autos:  # newest first
        day = b.taken.date()
        week = day.isocalendar()[:2]
        if day not in days and len(days) < KEEP_DAILY:
            days.add(day)
            keep.add(b.path)
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.add(week)
            keep.add(b.path)
    removed = []
    for b in autos:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                b.path.unlink()
                removed.append(b.path)
    return removed


def auto_backup(database: Path, *, now: datetime | None = None, connect: Connector | None = None) -> Path | None:
    """The backup on open: at most one a day, then the rotation. Returns the new file, or None."""
    now = now or datetime.now()
    if any(b.kind == "auto" and b.taken.date() == now.date() for b in list_backups(database)):
        return None
    path = make_backup(database, "auto", now=now, connect=connect)
    prune_auto_backups(database)
    return path


def backup_before_migration(engine: Engine, revision: str, *, connect: Connector | None = None) -> Path | None:
    """Keep a copy of the database as it was before a schema upgrade.

    `connect` opens the file as the engine does (SQLCipher with its key for an encrypted store).
    """
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    return make_backup(Path(engine.url.database), f"before-{revision}", connect=connect)


def check_backup(path: Path, connect: Connector | None = None) -> str | None:
    """Why `path` is not a usable ContractDesk database (None when it is): integrity and schema revision."""
    from app.store.migrations import KNOWN_REVISIONS

    connect = connect or _read_only_connect
    if not path.is_file():
        return _("no such file")
    try:
        con = connect(str(path))
        try:
            verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                return _("the file is damaged ({error})").format(error=verdict)
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables or "contracts" not in tables:
                return _("this database was not made by ContractDesk")
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision is None or revision[0] not in KNOWN_REVISIONS:
                return _("this database was written by a newer version of ContractDesk")
            from app.store.schema_check import schema_problem

            problem = schema_problem(con, revision[0])  # no missing table, no trigger or view that is not ours
            if problem:
                return _("this is not a ContractDesk database as it was made: {problem}").format(problem=problem)
        finally:
            con.close()
    except database_errors() as exc:
        return _("the file is damaged or is not a database ({error})").format(error=exc)
    return None


def latest_good_backup(database: Path, connect: Connector | None = None) -> BackupInfo | None:
    """The newest backup of `database` that passes the integrity check and that this program can open."""
    for info in list_backups(database):
        if check_backup(info.path, connect) is None:
            return info
    return None


def _set_aside(database: Path, now: datetime, connect: Connector | None) -> Path | None:
    """Keep what a restore replaces: a clean copy if it can be read, else its raw files."""
    if not database.exists():
        return None
    unreadable: tuple[type[Exception], ...] = (*database_errors(), OSError)
    try:
        return make_backup(database, "before-restore", now=now, connect=connect)
    except unreadable:
        target = _new_name(database, "before-restore", now)
        shutil.copyfile(database, target)
        make_private(target)
        wal = database.with_name(database.name + "-wal")
        if wal.exists():  # the log holds the latest edits: as private as the file itself
            wal_copy = target.with_name(target.name + "-wal")
            shutil.copyfile(wal, wal_copy)
            make_private(wal_copy)
        return target


def copy_problem(exc: BaseException, target: Path) -> UserError:
    """A failed copy as the user should hear it: the file it was for, and why (a full disk said as such)."""
    from app.base.fileio import write_error

    if isinstance(exc, OSError):
        return write_error(exc, target)
    if "full" in str(exc).lower():
        return UserError(_("the disk is full; nothing was saved"), str(target))
    return UserError(_("cannot write the file: {error}").format(error=exc), str(target))


def restore_database(backup: Path, database: Path, *, connect: Connector | None = None,
                     now: datetime | None = None) -> Path | None:
    """Replace `database` with a copy of `backup`; returns where the replaced database was kept.

    The backup is checked first (a damaged or foreign file is refused and nothing changes). Close the
    app's other windows on this database first.
    """
    backup = Path(backup)
    problem = check_backup(backup, connect)
    if problem:
        raise UserError(problem, str(backup))
    now = now or datetime.now()
    staged = database.with_name(f".{database.name}.restore")
    failures: tuple[type[Exception], ...] = (OSError, *database_errors())
    try:
        kept = _set_aside(database, now, connect)
        copy_database(backup, staged, connect)
    except failures as exc:  # a full disk or a read-only folder: the database is untouched
        with contextlib.suppress(OSError):
            staged.unlink()
        raise copy_problem(exc, database) from exc
    _swap_in(staged, database)
    log.info("restored %s from %s", database.name, backup.name)
    return kept


def _swap_in(staged: Path, database: Path) -> None:
    """Put `staged` in the place of `database`, first moving its -wal/-shm/-journal aside: a stale WAL would be
    replayed onto the restored file. A file another program holds (an indexer, antivirus, a backup agent) is
    waited for briefly, then named (FileHeld); the database and its logs are then left as they were."""
    from app.base.fileio import FileHeld, retry_while_held

    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            side = database.with_name(database.name + suffix)
            if side.exists():
                aside = staged.with_name(staged.name + suffix)
                retry_while_held(functools.partial(os.replace, side, aside), side)
                moved.append((side, aside))
        retry_while_held(functools.partial(os.replace, staged, database), database)
    except (FileHeld, OSError) as exc:
        for side, aside in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(aside, side)
        with contextlib.suppress(OSError):
            staged.unlink()
        if isinstance(exc, FileHeld):
            raise
        raise copy_problem(exc, database) from exc
    for _side, aside in moved:
        with contextlib.suppress(OSError):
            aside.unlink()
