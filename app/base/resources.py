"""Where the files the program ships live: the PyInstaller bundle, an installed wheel, or the source tree."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """The folder holding resources/ and i18n/: the PyInstaller bundle, an installed wheel's app/_data (see
    setup.py), or the source tree."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    package = Path(__file__).resolve().parent.parent  # app/
    packaged = package / "_data"
    return packaged if packaged.is_dir() else package.parent


def resource(*parts: str) -> Path:
    return resource_root().joinpath("resources", *parts)
