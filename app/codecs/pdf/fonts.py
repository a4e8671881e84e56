"""Which TrueType faces print the packet, and registering them with ReportLab.

The bundled Noto Serif CJK SC (converted to TrueType outlines) works everywhere; on Windows the installed
SimSun (body) and SimHei (headings) are preferred when present, or FangSong or FangSong_GB2312 for the body if
asked. Windows faces are found by family name in the registry (HKLM and HKCU ``…\\Windows NT\\CurrentVersion\\Fonts``),
since 仿宋_GB2312 comes under many file names, then by their usual file names. AUTO falls back to the bundled face
quietly (`face_name` lets the export dialog say which face will print); an explicit Windows face that is not
installed is refused (UserError) rather than silently replaced, so the user learns the packet would not look as
asked. Fonts are embedded as subsets, so the printed packet looks the same on any machine. ReportLab draws a
character its font lacks as a blank without complaint, so `missing_characters` lets the exporter refuse such text.
"""

from __future__ import annotations

import importlib
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.base.paths import windows_fonts_folder, windows_user_fonts_folder
from app.base.resources import bundled_font

log = logging.getLogger(__name__)

BODY = "CDBody"
HEADING = "CDHeading"


class FontPreference(StrEnum):
    """AUTO uses SimSun/SimHei where Windows has them, else the bundled face; the Windows faces must be installed."""

    AUTO = "auto"
    BUNDLED = "bundled"
    WINDOWS_SONG = "simsun"
    WINDOWS_FANGSONG = "fangsong"
    WINDOWS_FANGSONG_GB2312 = "fangsong_gb2312"


@dataclass(frozen=True)
class SystemFace:
    """A Windows face: the family names it is registered under, and the file names it usually has (used when
    the registry does not list it); `label` is its name for messages (translatable: 宋体, 仿宋, 仿宋_GB2312)."""

    families: tuple[str, ...]
    files: tuple[str, ...]
    label: str


SIMSUN = SystemFace(("SimSun", "宋体"), ("simsun.ttc",), N_("SimSun"))
SIMHEI = SystemFace(("SimHei", "黑体"), ("simhei.ttf",), N_("SimHei"))
FANGSONG = SystemFace(("FangSong", "仿宋"), ("simfang.ttf",), N_("FangSong"))
#: The usual face of official documents (党政机关公文格式, GB/T 9704), never shipped with Windows and installed
#: under many file names: found by its family name in the registry, the file names are a last resort.
FANGSONG_GB2312 = SystemFace(("FangSong_GB2312", "仿宋_GB2312"), ("仿宋_GB2312.ttf", "FS_GB2312.ttf"),
                             N_("FangSong_GB2312"))
SIMSUN_FILE, SIMHEI_FILE, FANGSONG_FILE = SIMSUN.files[0], SIMHEI.files[0], FANGSONG.files[0]

#: The body face each explicit Windows preference needs.
_SYSTEM_FACES: dict[FontPreference, SystemFace] = {
    FontPreference.WINDOWS_SONG: SIMSUN,
    FontPreference.WINDOWS_FANGSONG: FANGSONG,
    FontPreference.WINDOWS_FANGSONG_GB2312: FANGSONG_GB2312,
}

#: Where Windows lists its installed fonts: HKLM for all users, HKCU for fonts installed for one user.
FONTS_KEY = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"


def read_font_registry() -> list[tuple[str, str]]:
    """(value name, file) pairs of the installed fonts, HKLM then HKCU: ("SimSun & NSimSun (TrueType)", "simsun.ttc").
    A file is relative to %WINDIR%\\Fonts or a full path (per-user fonts). Empty off Windows."""
    try:
        winreg: Any = importlib.import_module("winreg")  # Windows only; Any, so type checks pass elsewhere too
    except ImportError:
        return []
    entries: list[tuple[str, str]] = []
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            key = winreg.OpenKey(hive, FONTS_KEY)
        except OSError:
            continue
        with key:
            index = 0
            while True:
                try:
                    name, data, _kind = winreg.EnumValue(key, index)
                except OSError:  # no more values
                    break
                if isinstance(data, str) and data:
                    entries.append((name, data))
                index += 1
    return entries


def registry_families(value_name: str) -> list[str]:
    """The family names in a registry entry's name: "SimSun & NSimSun (TrueType)" → ["SimSun", "NSimSun"]."""
    bare = re.sub(r"\s*\([^)]*\)\s*$", "", value_name)
    return [part.strip() for part in bare.split("&") if part.strip()]


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
    return FontSet(FontFile(bundled_font()), FontFile(bundled_font(bold=True)))


__all__ = [
    "FontFile", "FontPreference", "FontSet", "SystemFace", "bundled_fonts", "choose_fonts", "face_name", "find_face",
    "font_name", "installed_preferences", "missing_characters", "not_installed_message", "read_font_registry",
    "register", "registry_families", "require_installed", "ttc_face_index", "windows_fonts_folder",
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


def _find(folders: list[Path], *names: str) -> Path | None:
    for name in names:
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

        # The file is opened here: fontTools leaves its own handle open when a damaged collection fails to load.
        with open(path, "rb") as fh, TTCollection(fh, lazy=True) as collection:
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


def _registered_file(data: str, fonts_folder: Path) -> Path | None:
    """The file a registry entry names: a full path (fonts installed for one user), else one in the fonts folder."""
    path = Path(data)
    if not path.is_absolute():
        path = fonts_folder / data
    if path.is_file():
        return path
    return _find_in(path.parent, path.name) if path.parent.is_dir() else None


def find_face(face: SystemFace, fonts_folder: Path | None) -> FontFile | None:
    """Where `face` is installed: by family name in the registry (HKLM, HKCU), else by its usual file names in the
    fonts folders; None when it is not installed or this is not Windows (`fonts_folder` None)."""
    if fonts_folder is None:
        return None
    wanted = {name.casefold() for name in face.families}
    for value_name, data in read_font_registry():
        families = registry_families(value_name)
        match = next((f for f in families if f.casefold() in wanted or f.casefold().removesuffix(" regular") in wanted),
                     None)
        if match is None:
            continue
        path = _registered_file(data, fonts_folder)
        if path is not None:
            return FontFile(path, ttc_face_index(path, match))
    found = _find(_system_folders(fonts_folder), *face.files)
    return FontFile(found, ttc_face_index(found, face.families[0])) if found else None


def font_name(preference: FontPreference) -> str:
    """The translated family name of an explicit Windows preference (SimSun, FangSong); the value otherwise."""
    face = _SYSTEM_FACES.get(FontPreference(preference))
    return _(face.label) if face else str(preference)


def installed_preferences(fonts_folder: Path | None) -> list[FontPreference]:
    """The preferences this machine can honour, in FontPreference order: AUTO and BUNDLED always, the Windows
    faces where installed. `fonts_folder` as for `choose_fonts`."""
    return [p for p in FontPreference if p not in _SYSTEM_FACES or find_face(_SYSTEM_FACES[p], fonts_folder)]


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
    Windows face that is not installed raises UserError instead of printing in another font.
    """
    preference = FontPreference(preference)
    bundled = bundled_fonts()
    if preference == FontPreference.BUNDLED:
        return bundled
    require_installed(preference, fonts_folder)
    if fonts_folder is None:
        return bundled
    body = find_face(_SYSTEM_FACES[preference], fonts_folder) if preference in _SYSTEM_FACES else None
    body = body or find_face(SIMSUN, fonts_folder) or find_face(FANGSONG, fonts_folder)
    if body is None:
        return bundled
    return FontSet(body, find_face(SIMHEI, fonts_folder) or bundled.heading)


def face_name(font: FontFile, language: str = "en") -> str:
    """The name the font file gives its face ("SimSun", "Noto Serif CJK SC Bold"), in Chinese (宋体) when `language`
    is Chinese and the file has a Chinese name; the file's name when it cannot be read."""
    try:
        return _face_name(str(font.path), font.subfont_index, language, font.path.stat().st_mtime_ns)
    except OSError:
        return font.path.stem


@lru_cache(maxsize=32)
def _face_name(path: str, index: int, language: str, _mtime: int) -> str:
    chinese = language.lower().startswith("zh")
    try:
        from fontTools.ttLib import TTFont

        with open(path, "rb") as fh, TTFont(fh, fontNumber=index, lazy=True) as face:  # closed whatever fails
            names: dict[tuple[int, int], str] = {}
            for record in face["name"].names:
                if record.nameID in (1, 4, 16) and record.platformID == 3:
                    names.setdefault((record.nameID, record.langID), str(record.toUnicode()).strip())
    except Exception as exc:  # damaged, or not a font
        log.warning("cannot read the name of %s: %s", path, exc)
        return Path(path).stem
    order = [0x0804, 0x0004, 0x1004, 0x0409] if chinese else [0x0409]
    for lang in order:
        for name_id in (4, 16, 1):  # the full name tells a bold face from its regular sibling
            if (name_id, lang) in names:
                return names[(name_id, lang)]
    return next(iter(names.values()), Path(path).stem)


@lru_cache(maxsize=8)
def _tt_font(name: str, path: str, subfont_index: int) -> TTFont:
    from app.codecs.pdf.font_cache import load_font  # parsed once per font file, not once per process

    return load_font(name, Path(path), subfont_index)


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
