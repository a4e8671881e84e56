"""Which TrueType faces print the packet, and registering them with ReportLab.

The bundled Noto Serif CJK SC (converted to TrueType outlines) works everywhere; on Windows the installed
SimSun (body) and SimHei (headings) are preferred when present, or FangSong for the body if asked. AUTO falls
back to the bundled face quietly; an explicit SimSun or FangSong that is not installed is refused (UserError)
rather than silently replaced, so the user learns the packet would not look as asked. Fonts are embedded as
subsets, so the printed packet looks the same on any machine. ReportLab draws a character its font lacks
as a blank without complaint, so `missing_characters` lets the exporter refuse such text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from app.errors import UserError
from app.i18n import N_, _
from app.paths import resource, windows_fonts_folder, windows_user_fonts_folder

log = logging.getLogger(__name__)

BODY = "CDBody"
HEADING = "CDHeading"
BUNDLED_REGULAR = "NotoSerifCJKsc-Regular.ttf"
BUNDLED_BOLD = "NotoSerifCJKsc-Bold.ttf"


class FontPreference(StrEnum):
    """AUTO uses SimSun/SimHei where Windows has them, else the bundled face; SimSun and FangSong must be installed."""

    AUTO = "auto"
    BUNDLED = "bundled"
    WINDOWS_SONG = "simsun"
    WINDOWS_FANGSONG = "fangsong"


SIMSUN_FILE = "simsun.ttc"
FANGSONG_FILE = "simfang.ttf"
SIMHEI_FILE = "simhei.ttf"

#: The body-font file each Windows preference needs, and its family name for messages (translatable: 宋体, 仿宋).
_SYSTEM_FACES: dict[FontPreference, tuple[str, str]] = {
    FontPreference.WINDOWS_SONG: (SIMSUN_FILE, N_("SimSun")),
    FontPreference.WINDOWS_FANGSONG: (FANGSONG_FILE, N_("FangSong")),
}


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


__all__ = [
    "FontFile", "FontPreference", "FontSet", "bundled_fonts", "choose_fonts", "font_name", "installed_preferences",
    "missing_characters", "not_installed_message", "register", "require_installed", "ttc_face_index",
    "windows_fonts_folder",
]


def _find_in(folder: Path, name: str) -> Path | None:
    """Windows file names are case-insensitive; match them so here too."""
    exact = folder / name
    if exact.is_file():
        return exact
    lowered = name.lower()
    try:
        return next((p for p in folder.iterdir() if p.name.lower() == lowered and p.is_file()), None)
    except OSError:
        return None


def _find(folders: list[Path], name: str) -> Path | None:
    for folder in folders:
        found = _find_in(folder, name)
        if found:
            return found
    return None


def ttc_face_index(path: Path, family: str) -> int:
    """The index of the face named `family` in a .ttc collection (simsun.ttc holds SimSun and NSimSun); 0 if unsure.

    The order of faces in a collection is the vendor's choice, so it is read from the name tables, not assumed.
    """
    if path.suffix.lower() != ".ttc":
        return 0
    try:
        return _ttc_face_index(str(path), family, path.stat().st_mtime_ns)
    except OSError:
        return 0


@lru_cache(maxsize=8)
def _ttc_face_index(path: str, family: str, _mtime: int) -> int:
    """Cached per file version: every export asks again."""
    try:
        from fontTools.ttLib import TTCollection

        with TTCollection(path, lazy=True) as collection:
            for index, face in enumerate(collection.fonts):
                names = {str(rec.toUnicode()).strip().lower() for rec in face["name"].names if rec.nameID in (1, 16)}
                if family.lower() in names:
                    return index
    except Exception as exc:  # a damaged or unusual file: register() will fall back to the bundled face
        log.warning("cannot read the faces of %s: %s", path, exc)
    return 0


def _system_folders(fonts_folder: Path | None) -> list[Path]:
    """The folders searched for Windows fonts: the system one, then the user's own; none off Windows."""
    if fonts_folder is None:
        return []
    return [f for f in (fonts_folder, windows_user_fonts_folder()) if f is not None and f.is_dir()]


def font_name(preference: FontPreference) -> str:
    """The translated family name of an explicit Windows preference (SimSun, FangSong); the value otherwise."""
    face = _SYSTEM_FACES.get(FontPreference(preference))
    return _(face[1]) if face else str(preference)


def installed_preferences(fonts_folder: Path | None) -> list[FontPreference]:
    """The preferences this machine can honour, in FontPreference order: AUTO and BUNDLED always, SimSun and
    FangSong where their files are installed. `fonts_folder` as for `choose_fonts`."""
    folders = _system_folders(fonts_folder)
    return [
        p for p in FontPreference
        if p not in _SYSTEM_FACES or (bool(folders) and _find(folders, _SYSTEM_FACES[p][0]) is not None)
    ]


def not_installed_message(preference: FontPreference, available: list[FontPreference]) -> str:
    """Why an explicit preference cannot be used here, and what can be chosen instead."""
    return _("the font {font} is not installed on this computer; available: {choices}").format(
        font=font_name(preference), choices=", ".join(p.value for p in available)
    )


def require_installed(preference: FontPreference, fonts_folder: Path | None, where: str = "font") -> None:
    """UserError (naming the font and the choices this machine has) unless `preference` can be honoured here."""
    available = installed_preferences(fonts_folder)
    if FontPreference(preference) not in available:
        raise UserError(not_installed_message(FontPreference(preference), available), where)


def choose_fonts(preference: FontPreference = FontPreference.AUTO, fonts_folder: Path | None = None) -> FontSet:
    """The faces for body text and headings; `fonts_folder` is the system fonts folder (Windows: %WINDIR%\\Fonts).

    AUTO takes SimSun (else FangSong) with SimHei where installed and the bundled faces otherwise. An explicit
    SimSun or FangSong that is not installed raises UserError instead of printing in another font.
    """
    preference = FontPreference(preference)
    bundled = bundled_fonts()
    if preference == FontPreference.BUNDLED:
        return bundled
    require_installed(preference, fonts_folder)
    folders = _system_folders(fonts_folder)
    if not folders:
        return bundled
    simsun = _find(folders, SIMSUN_FILE)
    simfang = _find(folders, FANGSONG_FILE)
    simhei = _find(folders, SIMHEI_FILE)
    if preference == FontPreference.WINDOWS_FANGSONG and simfang:
        body = FontFile(simfang)
    elif simsun:
        body = FontFile(simsun, ttc_face_index(simsun, "SimSun"))  # not NSimSun, its monospaced sibling
    elif simfang:
        body = FontFile(simfang)
    else:
        return bundled
    return FontSet(body, FontFile(simhei) if simhei else bundled.heading)


@lru_cache(maxsize=8)
def _tt_font(name: str, path: str, subfont_index: int) -> TTFont:
    return TTFont(name, path, subfontIndex=subfont_index)


def register(fonts: FontSet) -> tuple[str, str]:
    """Register the faces with ReportLab under names unique to the files; return (body, heading) names.

    A system font ReportLab cannot read (damaged, or with PostScript outlines) is replaced by the bundled face
    of the same role, so a broken Windows font never stops an export.
    """
    bundled = bundled_fonts()
    names = []
    for role, f, fallback in ((BODY, fonts.body, bundled.body), (HEADING, fonts.heading, bundled.heading)):
        for candidate in (f, fallback):
            name = f"{role}-{abs(hash((str(candidate.path), candidate.subfont_index))) % 10**8}"
            if name in pdfmetrics.getRegisteredFontNames():
                break
            try:
                pdfmetrics.registerFont(_tt_font(name, str(candidate.path), candidate.subfont_index))
                break
            except (TTFError, OSError, ValueError) as exc:
                if candidate == fallback:
                    raise
                log.warning("cannot use the font %s (face %d), using the bundled one: %s", candidate.path, candidate.subfont_index, exc)
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
