"""Files a user names: reading them size-checked, and writing output files atomically (a temporary file beside
the target, fsync, then rename).

A failure or a killed process never leaves a half-written packet under the user's file name, and a
failed write (a full disk, a read-only or missing folder) is a UserError naming the file, never a
traceback; whatever was under the name before is left as it was. A file another program holds open on Windows
(Excel, an indexer, antivirus) is retried briefly, then named (`retry_while_held`, used for every replace, removal
or rename of a file the user or the system may have open: exports, restore, log rotation).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from app.base.errors import UserError
from app.base.i18n import _

#: A temporary file this old beside a target is what a killed or crashed export left behind.
STALE_PART_SECONDS = 15 * 60
#: errno values that mean "no room left", whatever the file system calls it.
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}

#: The longest file or folder name most file systems take: 255 bytes (ext4, APFS) or UTF-16 units (NTFS).
MAX_NAME = 255


def file_name_part(text: str) -> str:
    """`text` (a contract number, an annex title) as part of a suggested file name: the characters a path or
    Windows refuses (/ \\ : * ? " < > |) become "_", so "汤公采/2025-08" does not name a folder."""
    return re.sub(r'[\\/:*?"<>|]', "_", text)


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


def resolved_path(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop: compared as written
        return path.expanduser().absolute()


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when `a` and `b` name one file: the same resolved path, or (both existing) the same inode."""
    pa, pb = resolved_path(Path(a)), resolved_path(Path(b))
    if pa == pb or os.path.normcase(pa) == os.path.normcase(pb):
        return True
    try:
        return os.path.samefile(pa, pb)
    except OSError:
        return False


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



#: Windows: "The process cannot access the file because it is being used by another process".
_SHARING_VIOLATION = 32
#: Windows errors of a file another program holds open (an indexer, antivirus, a backup agent, Excel): access
#: denied (an open file cannot be replaced or deleted), sharing violation, lock violation. Usually brief.
_HELD = {5, _SHARING_VIOLATION, 33}
#: How long a replace, a removal or a rename is retried while another program holds the file.
HELD_RETRY_SECONDS = 2.0

T = TypeVar("T")


def os_reason(exc: OSError) -> str:
    """The system's reason for `exc` in the user's language (the system's own words are English and
    sometimes mislead: "File exists" for a file standing where a folder should be)."""
    if isinstance(exc, UserError):  # already said in the user's words (app.base.paths.DataFolderProblem)
        return exc.message
    if isinstance(exc, (NotADirectoryError, FileExistsError)):  # mkdir where a file stands
        return _("part of this path is a file, not a folder")
    if getattr(exc, "winerror", None) == _SHARING_VIOLATION:
        return _("the file is open in another program (Excel, WPS, a PDF viewer); close it and try again")
    if isinstance(exc, FileNotFoundError):
        return _("no such file or folder")
    if isinstance(exc, IsADirectoryError):
        return _("is a folder, not a file")
    if isinstance(exc, PermissionError):
        return _("permission denied, or the file is open in another program (Excel, WPS, a PDF viewer)")
    if exc.errno in _FULL:
        return _("the disk is full")
    if exc.errno == errno.EROFS:
        return _("the disk is read-only")
    return str(exc.strerror or exc)


def is_held(exc: BaseException) -> bool:
    """True for a Windows error meaning that another program holds the file open (WinError 5, 32 or 33)."""
    return isinstance(exc, OSError) and getattr(exc, "winerror", None) in _HELD


class FileHeld(UserError):
    """A file another program kept open after retrying; names the file (`where`) and says so."""


def retry_while_held(action: Callable[[], T], path: str | os.PathLike[str], *, seconds: float | None = None,
                     sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `action` (a replace, removal or rename of `path`); while Windows says another program holds the file
    open, try again for up to `seconds` (HELD_RETRY_SECONDS), then raise FileHeld naming `path`.

    Any other error is raised at once: retrying a full disk or a missing folder helps nobody.
    """
    limit = HELD_RETRY_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + limit
    delay = 0.05
    while True:
        try:
            return action()
        except OSError as exc:
            if not is_held(exc):
                raise
            if time.monotonic() + delay > deadline:
                raise FileHeld(os_reason(exc), os.fspath(path)) from exc
            sleep(delay)
            delay = min(delay * 2, 0.5)


def write_error(exc: OSError, target: str | os.PathLike[str]) -> UserError:
    """The user-facing error for a failed write of `target`: a full disk said as such, else the system's reason."""
    if exc.errno in _FULL:
        return UserError(_("the disk is full; nothing was saved"), os.fspath(target))
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return UserError(os_reason(exc), os.fspath(target))
    return UserError(_("cannot write the file: {error}").format(error=os_reason(exc)), os.fspath(target))


def _ours(exc: OSError, tmp: Path) -> bool:
    """True for an error of writing the temporary file itself (not, say, of reading an image meanwhile)."""
    return exc.errno in _FULL or exc.filename is None or os.fspath(exc.filename) == os.fspath(tmp)


def _remove_stale_parts(target: Path) -> None:
    """Delete the temporary files of earlier writes of `target` that were killed half-way (a clerk would
    otherwise find ".合同.pdf.x1y2.part" beside the packet); recent ones may belong to a write in progress."""
    cutoff = time.time() - STALE_PART_SECONDS
    for name in glob.glob(glob.escape(str(target.parent / _part_prefix(target))) + "*.part"):
        with contextlib.suppress(OSError):
            if os.stat(name).st_mtime < cutoff:
                os.unlink(name)


def _part_prefix(target: Path) -> str:
    """The temporary file's name prefix: ".NAME." (a long NAME shortened, so that a name the file system
    takes is never refused for the temporary file's added characters)."""
    name = target.name
    if len(os.fsencode(name)) > 200:
        import hashlib  # here, not at the top: the window's first paint does without OpenSSL

        name = name[:40] + "-" + hashlib.sha256(os.fsencode(name)).hexdigest()[:16]
    return f".{name}."


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces `target`, on error it is removed.

    Raises UserError naming `target` when the folder cannot be created or the file cannot be written.
    """
    import tempfile  # here, not at the top: every start imports this module before the window's first paint

    target = Path(target)
    check_replaceable(target)  # never a symlink, device or folder; never a name the file system refuses
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(target)
        fd, tmp_name = tempfile.mkstemp(prefix=_part_prefix(target), suffix=".part", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise write_error(exc, target) from exc
    tmp = Path(tmp_name)
    try:
        try:
            yield tmp
        except OSError as exc:
            if _ours(exc, tmp):
                raise write_error(exc, target) from exc
            raise
        try:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            retry_while_held(lambda: os.replace(tmp, target), target)  # Excel, WPS or a viewer has it open
        except OSError as exc:
            raise write_error(exc, target) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(target: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def write_cache_entry(target: Path, data: bytes) -> Exception | None:
    """Write one entry of a cache in the data folder (atomically, its folder made as needed). A cache that cannot be
    written (a read-only folder, a full disk) costs only the work of making the entry again next time, so the problem
    is returned for the caller to log, never raised."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)
    except (OSError, UserError) as exc:
        return exc
    return None


#: The largest document an import reads (a contract with its cost tables and images is far smaller).
MAX_IMPORT_BYTES = 200 * 1024 * 1024


def read_input_file(path: str | Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The file's bytes; UserError naming the file when it is missing, a folder, unreadable or too large."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > limit:
            raise UserError(_("the file is larger than {mb} MB").format(mb=limit // (1024 * 1024)), str(path))
        return file.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(_("no such file"), str(path)) from exc
    except IsADirectoryError as exc:
        raise UserError(_("is a folder, not a file"), str(path)) from exc
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(path)) from exc
