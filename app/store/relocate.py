"""Moving the database out of the roaming profile, once.

ContractDesk used to keep its data in %APPDATA%\\ContractDesk, which roams: with folder redirection it is a
network share, and with roaming profiles the last computer to log off overwrites the database. The first start
that finds a database there and none in the new place (%LOCALAPPDATA%\\ContractDesk, app.base.paths) moves it:

1. a backup of it goes into the new backups folder (``contracts-before-move-<time>.db``, listed by `backups`);
2. it is copied with SQLite's backup API (its WAL included) to the new place, and the old backups follow it;
3. the old file is renamed ``contracts.db.moved``, with a note beside it, so nothing opens it by mistake and
   nothing is deleted.

The move is logged, and the desktop app says so once (`take_notice`). A database another ContractDesk has open
is left alone until a later start.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _

log = logging.getLogger(__name__)

NOTICE_FILE = "moved-from-roaming.json"
MOVED_SUFFIX = ".moved"


@dataclass(frozen=True)
class Moved:
    """What the move did: the old and the new database, the backup taken first, the old file as kept."""

    source: Path
    target: Path
    backup: Path
    kept: Path | None


def move_out_of_roaming_profile(target: Path, old_folder: Path | None = None, *,
                                now: datetime | None = None) -> Path:
    """The database to use: `target`, after moving the database of `old_folder` (default:
    app.base.paths.roaming_data_dir()) there when the new place has none; the old database itself while it cannot be
    moved (another ContractDesk has it open, or the copy failed), so that no second, empty database appears."""
    from app.base.paths import roaming_data_dir
    from app.store.lock import acquire

    old_folder = old_folder if old_folder is not None else roaming_data_dir()
    if old_folder is None:
        return target
    source = old_folder / target.name
    if target.exists() or not source.is_file():
        return target
    try:
        lock = acquire(source)
    except UserError as exc:
        log.warning("not moving %s out of the roaming profile yet: %s", source, exc)
        return source
    failures: tuple[type[BaseException], ...] = (OSError, UserError, *_database_errors())
    try:
        moved = _move(source, target, now or datetime.now())
    except failures as exc:
        log.warning("cannot move %s to %s yet (%s); it is used where it is", source, target, exc)
        return source
    finally:
        lock.release()
    _log_to_file("moved the database %s to %s (backup first: %s; the old file kept as %s)",
                 moved.source, moved.target, moved.backup, moved.kept)
    return target


def _database_errors() -> tuple[type[Exception], ...]:
    from app.store.backup import database_errors

    return database_errors()


def _move(source: Path, target: Path, now: datetime) -> Moved:
    from app.base.fileio import FileHeld, atomic_write_text, retry_while_held
    from app.store.backup import _NAME, _new_name, backup_dir, copy_database

    backup = copy_database(source, _new_name(target, "before-move", now))
    copy_database(source, target)  # a temporary file renamed into place: never half a database under the name
    old_backups = source.parent / "backups"
    if old_backups.is_dir():
        new_backups = backup_dir(target)
        for item in sorted(old_backups.iterdir()):
            if _NAME.match(item.name) and item.is_file() and not (new_backups / item.name).exists():
                try:
                    shutil.move(item, new_backups / item.name)
                except OSError as exc:  # it stays where it was; the backups there are still files to restore
                    log.warning("cannot move the backup %s: %s", item, exc)
    aside = source.with_name(source.name + MOVED_SUFFIX)
    kept: Path | None = aside
    try:
        retry_while_held(functools.partial(source.replace, aside), source)
        for suffix in ("-wal", "-shm"):
            side = source.with_name(source.name + suffix)
            with contextlib.suppress(OSError):
                side.replace(side.with_name(source.name + MOVED_SUFFIX + suffix))
    except (OSError, FileHeld) as exc:  # the new database is in place: the old one is only not marked
        log.warning("cannot rename the old database %s: %s", source, exc)
        kept = None
    note = _(
        "ContractDesk now keeps its database in {new}, on this computer, and no longer in this roaming folder. "
        "{old} is the database as it was before the move: once ContractDesk shows your contracts, you may delete it."
    ).format(new=target, old=kept or source)
    with contextlib.suppress(OSError, UserError):
        atomic_write_text(source.parent / _("ContractDesk data moved.txt"), note + "\n")
    moved = Moved(source, target, backup, kept)
    record = {"from": str(source), "to": str(target), "backup": str(backup), "kept": str(kept) if kept else None,
              "when": now.isoformat(timespec="seconds")}
    with contextlib.suppress(OSError, UserError):
        atomic_write_text(target.parent / NOTICE_FILE, json.dumps(record, ensure_ascii=False) + "\n")
    return moved


def _log_to_file(message: str, *args: object) -> None:
    """The move is recorded in the app's log file even when the command line (which keeps no log) did it."""
    from app.base.logs import setup_logging

    with contextlib.suppress(OSError):
        setup_logging()
    log.info(message, *args)


def take_notice(folder: Path) -> str | None:
    """The message about a move not shown yet (the file recording it is removed: it is shown once)."""
    record_file = folder / NOTICE_FILE
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        record_file.unlink()
    except (OSError, ValueError):
        return None
    text = _("Your contracts were moved from {old} to {new}, on this computer: a roaming profile or a redirected "
             "folder is no place for a database. A backup from before the move is {backup}.").format(
        old=record.get("from"), new=record.get("to"), backup=record.get("backup"))
    if record.get("kept"):
        text += " " + _("The old file was kept as {file}; you may delete it.").format(file=record["kept"])
    return text
