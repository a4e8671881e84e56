"""Where things live: bundled resources, the user's data folder, the default database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.errors import UserError

APP_NAME = "ContractDesk"


class DataFolderProblem(UserError, OSError):
    """The data folder cannot be created. A UserError for the CLI's one-line message, and an OSError
    (filename, strerror) for callers that already catch failures to write the data folder."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        from app.fileio import os_reason
        from app.i18n import _

        message = _("the data folder cannot be created: {error}; set CONTRACTDESK_HOME to a folder you can write to"
                    ).format(error=os_reason(exc))
        super().__init__(message, str(folder))
        self.errno, self.strerror, self.filename = exc.errno, message, str(folder)


def resource_root() -> Path:
    """The folder holding resources/ and i18n/: the source tree, or the PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource(*parts: str) -> Path:
    return resource_root().joinpath("resources", *parts)


def _platform_data_dir() -> Path:
    """platformdirs' answer for this system: %APPDATA%\\ContractDesk (roaming, so it follows a domain user)."""
    if sys.platform == "win32":
        from platformdirs.windows import Windows

        return Path(Windows(APP_NAME, appauthor=False, roaming=True).user_data_dir)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=True))


def data_dir() -> Path:
    """The user's data folder (%APPDATA%\\ContractDesk on Windows); CONTRACTDESK_HOME overrides it.

    Raises DataFolderProblem (a UserError and an OSError) naming the folder when it cannot be created.
    """
    override = os.environ.get("CONTRACTDESK_HOME")
    path = Path(override).expanduser() if override else _platform_data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderProblem(path, exc) from exc
    return path


def logs_dir() -> Path:
    """Crash reports and logs: <data folder>/logs."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


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


def default_database() -> Path:
    return data_dir() / "contracts.db"
