"""Which TrueType faces print the packet, and registering them with ReportLab.

The bundled Noto Serif CJK SC (converted to TrueType outlines) works everywhere; on Windows the installed
SimSun (body) and SimHei (headings) are preferred when present, or FangSong for the body if asked. Fonts are
embedded as subsets, so the printed packet looks the same on any machine. ReportLab draws a character its
font lacks as a blank without complaint, so `missing_characters` lets the exporter refuse such text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.paths import resource

BODY = "CDBody"
HEADING = "CDHeading"
BUNDLED_REGULAR = "NotoSerifCJKsc-Regular.ttf"
BUNDLED_BOLD = "NotoSerifCJKsc-Bold.ttf"


class FontPreference(StrEnum):
    """AUTO uses SimSun/SimHei where Windows has them, else the bundled face."""

    AUTO = "auto"
    BUNDLED = "bundled"
    WINDOWS_SONG = "simsun"
    WINDOWS_FANGSONG = "fangsong"


@dataclass(frozen=True)
class FontFile:
    path: Path
    subfont_index: int = 0


@dataclass(frozen=True)
class FontSet:
    body: FontFile
    heading: FontFile

    @property
    def stamp_ttf(self) -> Path:
        """A single-face .ttf for pyHanko's signature stamp (it cannot read .ttc collections)."""
        for f in (self.body, self.heading):
            if f.path.suffix.lower() == ".ttf":
                return f.path
        return bundled_fonts().body.path


def bundled_fonts() -> FontSet:
    folder = resource("fonts")
    return FontSet(FontFile(folder / BUNDLED_REGULAR), FontFile(folder / BUNDLED_BOLD))


def windows_fonts_folder() -> Path | None:
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    return Path(windir) / "Fonts" if windir else None


def _find(folder: Path, name: str) -> Path | None:
    """Windows file names are case-insensitive; match them so here too."""
    exact = folder / name
    if exact.is_file():
        return exact
    lowered = name.lower()
    try:
        return next((p for p in folder.iterdir() if p.name.lower() == lowered and p.is_file()), None)
    except OSError:
        return None


def choose_fonts(preference: FontPreference = FontPreference.AUTO, fonts_folder: Path | None = None) -> FontSet:
    """The faces for body text and headings; `fonts_folder` is the system fonts folder (Windows: %WINDIR%\\Fonts)."""
    bundled = bundled_fonts()
    if preference == FontPreference.BUNDLED or fonts_folder is None or not fonts_folder.is_dir():
        return bundled
    simsun = _find(fonts_folder, "simsun.ttc")
    simfang = _find(fonts_folder, "simfang.ttf")
    simhei = _find(fonts_folder, "simhei.ttf")
    if preference == FontPreference.WINDOWS_FANGSONG and simfang:
        body = FontFile(simfang)
    elif simsun:
        body = FontFile(simsun, 0)  # SimSun is face 0 of simsun.ttc, NSimSun face 1
    elif simfang:
        body = FontFile(simfang)
    else:
        return bundled
    return FontSet(body, FontFile(simhei) if simhei else bundled.heading)


@lru_cache(maxsize=8)
def _tt_font(name: str, path: str, subfont_index: int) -> TTFont:
    return TTFont(name, path, subfontIndex=subfont_index)


def register(fonts: FontSet) -> tuple[str, str]:
    """Register the faces with ReportLab under names unique to the files; return (body, heading) names."""
    names = []
    for role, f in ((BODY, fonts.body), (HEADING, fonts.heading)):
        name = f"{role}-{abs(hash((str(f.path), f.subfont_index))) % 10**8}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_tt_font(name, str(f.path), f.subfont_index))
        names.append(name)
    return names[0], names[1]


def missing_characters(text: str, font_name: str) -> list[str]:
    """Printable characters of `text` that the registered font has no glyph for, in order of appearance."""
    cmap = pdfmetrics.getFont(font_name).face.charToGlyph
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in seen and not ch.isspace() and ord(ch) not in cmap:
            seen[ch] = None
    return list(seen)
