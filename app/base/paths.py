"""Where the user's things live: the data folder, its logs, the Windows fonts folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _

APP_NAME = "ContractDesk"
DATABASE_NAME = "contracts.db"


class DataFolderProblem(UserError, OSError):
    """The data folder cannot be created. A UserError for the CLI's one-line message, and an OSError
    (filename, strerror) for callers that already catch failures to write the data folder."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        message = _("the data folder cannot be created: {error}; set CONTRACTDESK_HOME to a folder you can write to"
                    ).format(error=os_reason(exc))
        super().__init__(message, str(folder))
        self.errno, self.strerror, self.filename = exc.errno, message, str(folder)


def _platform_data_dir() -> Path:
    """platformdirs' answer for this system: %LOCALAPPDATA%\\ContractDesk on Windows.

    Not the roaming %APPDATA%: with folder redirection that is a network share (SQLite is unsafe there), and with
    roaming profiles the last computer to log off overwrites the database. Settings (the registry) may roam.
    """
    if sys.platform == "win32":
        from platformdirs.windows import Windows

        return Path(Windows(APP_NAME, appauthor=False, roaming=False).user_data_dir)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))


def roaming_data_dir() -> Path | None:
    """Where ContractDesk kept its data on Windows before (%APPDATA%\\ContractDesk); None elsewhere and when
    CONTRACTDESK_HOME is set (then the user chose the place)."""
    if sys.platform != "win32" or os.environ.get("CONTRACTDESK_HOME"):
        return None
    from platformdirs.windows import Windows

    old = Path(Windows(APP_NAME, appauthor=False, roaming=True).user_data_dir)
    return None if old == _platform_data_dir() else old


#: Folders already made private in this process (the access-control list is set once per start, not per call).
_private_done: set[Path] = set()


def data_dir() -> Path:
    """The user's data folder (%LOCALAPPDATA%\\ContractDesk on Windows); CONTRACTDESK_HOME overrides it.

    The folder is made readable by the user only (app.base.private) when it is the platform's folder or was created
    here; a folder the user named and that already exists is left as its owner set it.
    Raises DataFolderProblem (a UserError and an OSError) naming the folder when it cannot be created.
    """
    override = os.environ.get("CONTRACTDESK_HOME")
    path = Path(override).expanduser() if override else _platform_data_dir()
    if path in _private_done and path.is_dir():
        return path
    created = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderProblem(path, exc) from exc
    if created or not override:
        from app.base.private import make_private

        make_private(path)
    _private_done.add(path)
    return path


def logs_dir() -> Path:
    """Crash reports and logs: <data folder>/logs."""
    path = data_dir() / "logs"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def cache_dir(name: str) -> Path | None:
    """<data folder>/cache/<name>: what a fresh process would otherwise work out again (parsed fonts, compiled
    clauses, Qt's compiled support code). Not created here (a cache writes its entries atomically into it, see
    app.base.fileio.write_cache_entry); None when there is no data folder."""
    try:
        return data_dir() / "cache" / name
    except OSError:
        return None


def windows_fonts_folder() -> Path | None:
    """%WINDIR%\\Fonts on Windows (where SimSun, SimHei and FangSong live); None elsewhere."""
    if sys.platform != "win32":
        return None
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or "C:\\Windows"
    return Path(windir) / "Fonts"


def windows_user_fonts_folder() -> Path | None:
    """Fonts installed "for this user only" (Windows 10 1809+): %LOCALAPPDATA%\\Microsoft\\Windows\\Fonts."""
    if sys.platform != "win32":
        return None
    local = os.environ.get("LOCALAPPDATA")
    return Path(local) / "Microsoft" / "Windows" / "Fonts" if local else None
