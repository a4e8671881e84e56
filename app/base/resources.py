"""Where the files the program ships live: the PyInstaller bundle, an installed wheel, or the source tree."""

from __future__ import annotations

import sys
from pathlib import Path

#: The bundled Song faces (Noto Serif CJK SC): the PDF body font and the window's fallback on a desktop without
#: a Chinese font. Named here so that finding the file does not import ReportLab.
BUNDLED_REGULAR = "NotoSerifCJKsc-Regular.ttf"
BUNDLED_BOLD = "NotoSerifCJKsc-Bold.ttf"


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


def bundled_font(bold: bool = False) -> Path:
    """The bundled Song face's file."""
    return resource("fonts", BUNDLED_BOLD if bold else BUNDLED_REGULAR)
