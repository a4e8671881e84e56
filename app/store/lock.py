"""One program per database: a lock file beside the SQLite file.

SQLite itself would let two desktop programs edit the same file, each with its own stale view of it; the
lock makes the second one stop with a message naming who has it open. The OS-level lock (msvcrt.locking on
Windows, fcntl.flock elsewhere) is what counts: the operating system drops it when the holder exits or
crashes, so a lock file left behind by a crash is stale and simply taken over. The pid/host/user/time
written into the file only serve to name the holder.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"
# The holder's details are written after this many bytes; only byte 0 is locked on Windows, and
# msvcrt.locking makes a locked range unreadable to others, so the details must lie outside it.
_INFO_OFFSET = 16


class DatabaseInUse(UserError):
    """The database is open in another ContractDesk (on this or another computer)."""

    def __init__(self, message: str, where: str, holder: LockHolder | None) -> None:
        super().__init__(message, where)
        self.holder = holder


@dataclass(frozen=True)
class LockHolder:
    """Who holds the lock, as written into the lock file."""

    pid: int
    host: str
    user: str
    since: str

    @classmethod
    def me(cls) -> LockHolder:
        return cls(os.getpid(), socket.gethostname(), _user_name(), datetime.now().isoformat(timespec="seconds"))

    def to_json(self) -> str:
        return json.dumps({"pid": self.pid, "host": self.host, "user": self.user, "since": self.since}, ensure_ascii=False)

    @classmethod
    def from_text(cls, text: str) -> LockHolder | None:
        try:
            data = json.loads(text.strip("\0 \r\n"))
            return cls(int(data["pid"]), str(data["host"]), str(data["user"]), str(data["since"]))
        except (ValueError, KeyError, TypeError):
            return None


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "?"


def lock_path_for(database: Path) -> Path:
    """`contracts.db` → `contracts.db.lock`, in the same folder (so it works on a shared folder too)."""
    return database.with_name(database.name + LOCK_SUFFIX)


def _try_os_lock(handle: IO[bytes]) -> bool:
    """Take the OS lock without waiting; False when another process has it. (The system's API is chosen by the
    system actually running, os.name, not by sys.platform, which tests set to "win32" to simulate paths.)"""
    if os.name == "nt":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _os_unlock(handle: IO[bytes]) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_holder(lock_file: Path) -> LockHolder | None:
    """The holder named in a lock file, or None when it is missing or unreadable."""
    try:
        with lock_file.open("rb") as f:
            f.seek(_INFO_OFFSET)
            return LockHolder.from_text(f.read(4096).decode("utf-8", "replace"))
    except OSError:
        return None


def _in_use_error(database: Path, holder: LockHolder | None) -> DatabaseInUse:
    if holder is None:
        message = _("this database is already open in another ContractDesk window; close it there first")
    else:
        message = _(
            "this database is already open in ContractDesk on {host} by {user} (process {pid}, since {since}); "
            "close it there first"
        ).format(host=holder.host, user=holder.user, pid=holder.pid, since=holder.since.replace("T", " "))
    return DatabaseInUse(message, str(database), holder)


class DatabaseLock:
    """Held while the database is open; release() (or the end of the process) frees it."""

    def __init__(self, database: Path, handle: IO[bytes], lock_file: Path, holder: LockHolder) -> None:
        self.database = database
        self.lock_file = lock_file
        self.holder = holder
        self._handle: IO[bytes] | None = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            handle.seek(_INFO_OFFSET)
            handle.truncate()
            handle.flush()
            _os_unlock(handle)
        except OSError as exc:  # the OS frees the lock on close anyway
            log.warning("could not unlock %s: %s", self.lock_file, exc)
        finally:
            handle.close()
        try:
            self.lock_file.unlink()
        except OSError:
            pass  # another program took it meanwhile, or a read-only folder: harmless

    def __enter__(self) -> DatabaseLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        if self._handle is not None:
            try:
                self._handle.close()
            except OSError:
                pass


def _open_and_lock(db: Path, lock_file: Path) -> IO[bytes]:
    """Open and OS-lock the lock file; retry when the holder deleted it between our open and our lock."""
    for _attempt in range(5):
        try:
            lock_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        except OSError as exc:
            raise UserError(_("cannot create the lock file: {error}").format(error=os_reason(exc)), str(lock_file)) from exc
        handle = os.fdopen(fd, "r+b")
        if not _try_os_lock(handle):
            handle.close()
            raise _in_use_error(db, read_holder(lock_file))
        try:
            same = os.path.samestat(os.fstat(handle.fileno()), os.stat(lock_file))
        except OSError:
            same = False
        if same:
            return handle
        handle.close()  # we locked a file that was unlinked meanwhile: nobody else will look at it
    raise _in_use_error(db, read_holder(lock_file))


def acquire(database: str | os.PathLike[str]) -> DatabaseLock:
    """Lock `database` for this process, or raise DatabaseInUse naming who has it.

    A lock file left by a program that crashed is not locked at the OS level any more and is taken over.
    """
    db = Path(database).expanduser().resolve()
    lock_file = lock_path_for(db)
    handle = _open_and_lock(db, lock_file)
    stale = read_holder(lock_file)
    if stale is not None:
        log.info("taking over a stale lock on %s left by %s", db, stale)
    holder = LockHolder.me()
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(b"\0" * _INFO_OFFSET + holder.to_json().encode("utf-8") + b"\n")
        handle.flush()
    except OSError as exc:  # the OS lock is what protects the file; the details only help the message
        log.warning("could not write the lock details to %s: %s", lock_file, exc)
    return DatabaseLock(db, handle, lock_file, holder)


def acquire_for(target: str | os.PathLike[str]) -> DatabaseLock | None:
    """Lock the database `--db` names; None for a server URL (PostgreSQL handles many users itself)."""
    text = os.fspath(target)
    if "://" in text:
        if not text.startswith("sqlite"):
            return None
        text = text.split(":///", 1)[-1]
        if not text or text == ":memory:":
            return None
    return acquire(text)
