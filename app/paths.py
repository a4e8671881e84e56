"""Where things live: bundled resources, the user's data folder, the default database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "ContractDesk"


def resource_root() -> Path:
    """The folder holding resources/ and i18n/: the source tree, or the PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource(*parts: str) -> Path:
    return resource_root().joinpath("resources", *parts)


def data_dir() -> Path:
    """The user's data folder (%APPDATA%\\ContractDesk on Windows); CONTRACTDESK_HOME overrides it."""
    override = os.environ.get("CONTRACTDESK_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False, roaming=True))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> Path:
    return data_dir() / "contracts.db"
