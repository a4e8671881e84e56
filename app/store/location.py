"""Is the database file on a network share? SQLite over SMB/NFS is unsafe for more than one writer.

SQLite relies on file locks that network file systems implement badly or not at all; two clerks editing the
same file on a shared drive can corrupt it. The desktop app warns and suggests the PostgreSQL server mode
(`--db postgresql+psycopg://…`), which is made for several users.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from app.base.i18n import _

log = logging.getLogger(__name__)

# File system types (as in /proc/mounts or `mount` output) that live on another machine.
NETWORK_FS_TYPES = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smbfs", "smb2", "smb3", "ncpfs", "afs", "coda", "9p", "davfs", "webdav",
        "fuse.sshfs", "sshfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "ceph", "glusterfs", "fuse.glusterfs",
        "lustre", "gpfs", "afpfs", "fuse.smbnetfs", "fuse.gvfsd-fuse",
    }
)
DRIVE_REMOTE = 4  # GetDriveTypeW


def is_unc_path(path: str) -> bool:
    r"""\\server\share\… (and \\?\UNC\server\share\…), but not the local device namespace \\?\C:\…."""
    p = path.replace("/", "\\")
    if p.upper().startswith("\\\\?\\UNC\\"):
        return True
    if p.startswith("\\\\?\\") or p.startswith("\\\\.\\"):
        return False
    return p.startswith("\\\\") and len(p) > 2 and p[2] != "\\"


def _windows_drive_is_remote(path: str) -> bool:
    """GetDriveTypeW on the drive root: a mapped network drive (Z:) reports DRIVE_REMOTE."""
    drive = PureWindowsPath(path).drive
    if not drive:
        return False
    try:
        import ctypes

        kind = ctypes.windll.kernel32.GetDriveTypeW(drive.rstrip("\\") + "\\")  # type: ignore[attr-defined]
    except (AttributeError, OSError) as exc:
        log.debug("GetDriveTypeW failed for %s: %s", drive, exc)
        return False
    return int(kind) == DRIVE_REMOTE


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040 …)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mount_table(text: str) -> list[tuple[str, str]]:
    """(mount point, fs type) pairs from /proc/mounts (Linux) text."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape_mount(fields[1]), fields[2]))
    return mounts


def _mount_table() -> list[tuple[str, str]]:
    """The mount table of this system: /proc/mounts on Linux, getmntinfo via `mount` on macOS/BSD."""
    for source in ("/proc/self/mounts", "/proc/mounts", "/etc/mtab"):
        try:
            return parse_mount_table(Path(source).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    if sys.platform == "darwin" or "bsd" in sys.platform:
        return _bsd_mount_table()
    return []


def parse_bsd_mount_output(text: str) -> list[tuple[str, str]]:
    """`mount` output on macOS/BSD: "//user@server/share on /Volumes/share (smbfs, nodev, …)"."""
    mounts = []
    for line in text.splitlines():
        if " on " not in line or "(" not in line:
            continue
        rest = line.split(" on ", 1)[1]
        point, _sep, opts = rest.rpartition(" (")
        fstype = opts.split(",", 1)[0].strip(" )")
        mounts.append((point, fstype))
    return mounts


def _bsd_mount_table() -> list[tuple[str, str]]:
    import subprocess

    try:
        out = subprocess.run(["mount"], capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_bsd_mount_output(out)


def filesystem_type(path: PurePath, mounts: list[tuple[str, str]] | None = None) -> str | None:
    """The type of the file system holding `path` (the longest mount point that contains it)."""
    table = _mount_table() if mounts is None else mounts
    target = str(path)
    best: tuple[int, str] | None = None
    for point, fstype in table:
        prefix = point.rstrip("/") + "/"
        if (target == point or target.startswith(prefix) or point == "/") and (best is None or len(point) > best[0]):
            best = (len(point), fstype)
    return best[1] if best else None


def is_network_fs_type(fstype: str | None) -> bool:
    if not fstype:
        return False
    kind = fstype.lower()
    return kind in NETWORK_FS_TYPES or kind.startswith(("smb", "nfs", "cifs"))


def is_network_path(path: str | os.PathLike[str], *, platform: str | None = None, mounts: list[tuple[str, str]] | None = None) -> bool:
    """True when `path` lies on a network share (UNC path, mapped network drive, NFS/SMB/sshfs mount)."""
    text = os.fspath(path)
    plat = platform or sys.platform
    if is_unc_path(text):
        return True
    if plat == "win32":
        return _windows_drive_is_remote(text)
    if plat != sys.platform:  # another system's path, asked about in a test: taken as it is written
        return is_network_fs_type(filesystem_type(PurePosixPath(text), mounts))
    resolved = Path(text).expanduser().resolve()  # a file not created yet resolves too
    return is_network_fs_type(filesystem_type(resolved, mounts))


def on_network_share(path: str | os.PathLike[str], **kwargs) -> bool:
    """Whether the SQLite file `path` lies on a network share; False for a SQLAlchemy URL (server mode)
    and when it cannot be told (an unreachable share: opening will report the real problem)."""
    text = os.fspath(path)
    if "://" in text:
        return False
    try:
        return is_network_path(text, **kwargs)
    except OSError as exc:
        log.debug("could not tell whether %s is on a network share: %s", text, exc)
        return False


def network_share_warning(path: str | os.PathLike[str], **kwargs) -> str | None:
    """A warning to show when the SQLite database lies on a network share; None when it is local.

    A SQLAlchemy URL (server mode) is never warned about.
    """
    text = os.fspath(path)
    if not on_network_share(text, **kwargs):
        return None
    return _(
        "The database {path} is on a network share. SQLite is not safe there when more than one person writes to it: "
        "edits can be lost or the file damaged. Keep the database on this computer, or let several users share one "
        "PostgreSQL server (start with --db postgresql+psycopg://user@server/contractdesk)."
    ).format(path=text)


def default_database() -> Path:
    """contracts.db in the data folder; on Windows a database still in the old roaming folder is moved here first
    (once, with a backup: app.store.relocate), or used where it is while it cannot be moved."""
    from app.base.paths import DATABASE_NAME, data_dir, roaming_data_dir

    target = data_dir() / DATABASE_NAME
    if not target.exists() and roaming_data_dir() is not None:
        from app.store.relocate import move_out_of_roaming_profile

        return move_out_of_roaming_profile(target)
    return target
