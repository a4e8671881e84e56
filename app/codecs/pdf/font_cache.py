"""Parsed TrueType faces kept across processes, so a PDF from a fresh process does not parse the CJK fonts again.

ReportLab reads a face's tables (character map, widths, glyph offsets) in Python: about 45 ms for each 9.5 MB
Noto Serif CJK face, paid by every `contractdesk export --pdf` and every first export of a session. What that parse
yields is written once to the data folder (cache/fonts/) with `marshal` and read back in about a third of the time;
the font file itself is mapped into memory, not read, because the subset embedded in each PDF is cut from the few
pages of it that hold the glyphs used (reading both 9.5 MB files cost another 15 ms a packet). An entry belongs to
one file at one size and modification time, one ReportLab and one Python: anything else, or an entry that cannot be
read, and the face is parsed as before (and the entry written again). A cache that cannot be written costs nothing.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import mmap
import sys
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from reportlab import Version as REPORTLAB_VERSION
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

log = logging.getLogger(__name__)

#: Bumped when what is stored changes.
FORMAT = 2
#: The face's attributes that are `TTFNameBytes` (bytes with their decoded text), stored as plain bytes.
_NAMES = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
#: Not stored: the file's bytes (mapped again), the scaling function (a lambda; made again from unitsPerEm) and the
#: glyph → characters map, which only ReportLab's text shaping reads (a third of the load time; see _CachedFace).
_NOT_STORED = ("_ttf_data", "_pdfScale", "glyphToChar")


def cache_folder() -> Path | None:
    """cache/fonts in the data folder; None when there is no data folder to write to."""
    from app.base.paths import cache_dir

    return cache_dir("fonts")


def _stamp(path: Path, subfont_index: int) -> str:
    """What the entry must match: the file (path, size, modification time), the face, ReportLab and Python."""
    st = path.stat()
    python = f"{sys.implementation.cache_tag}-marshal{marshal.version}"
    return f"{FORMAT}|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{subfont_index}|{REPORTLAB_VERSION}|{python}"


def _entry(folder: Path, stamp: str) -> Path:
    return folder / (hashlib.sha256(stamp.encode()).hexdigest()[:32] + ".face")


def _scale(units_per_em: int):
    """ReportLab's font-unit to PDF-unit scaling, as TTFontFile.extractInfo makes it."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _mapped(path: Path) -> mmap.mmap:
    """The font file's bytes as ReportLab reads them (slices and single bytes), paged in as the subset needs them."""
    with path.open("rb") as file:
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


class _TableWindow:
    """One table of the mapped font file, read a slice at a time."""

    __slots__ = ("_data", "_length", "_start")

    def __init__(self, data: bytes | mmap.mmap, start: int, length: int) -> None:
        self._data, self._start, self._length = data, start, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, key: slice) -> bytes:
        start, stop, _step = key.indices(self._length)
        return self._data[self._start + start:self._start + max(start, stop)]


class _CachedFace(TTFontFace):
    """A face read from the cache. Its glyphToChar is made from charToGlyph when first asked for, as the parse makes
    it (each glyph's characters in the character map's order). Its glyf table is read a glyph at a time: ReportLab's
    subsetter otherwise copies all of it (9 MB) out of the file for every 256-character subset a packet embeds."""

    def get_table(self, tag: str) -> Any:
        if tag != "glyf":
            return super().get_table(tag)
        start, length = self.get_table_pos(tag)
        return _TableWindow(self._ttf_data, start, length)

    def __getattr__(self, name: str) -> Any:
        if name != "glyphToChar":
            raise AttributeError(name)
        inverse: dict[int, list[int]] = {}
        for char, glyph in self.charToGlyph.items():
            inverse.setdefault(glyph, []).append(char)
        self.glyphToChar = inverse
        return inverse


def _face_from(state: dict[str, Any], data: bytes | mmap.mmap) -> TTFontFace:
    face = _CachedFace.__new__(_CachedFace)
    for key in _NAMES:
        if isinstance(state.get(key), bytes):
            state[key] = TTFNameBytes(state[key])
    face.__dict__.update(state)
    face._ttf_data = data
    face._pdfScale = _scale(face.unitsPerEm)
    return face


def _font_with(name: str, face: TTFontFace) -> TTFont:
    """A TTFont over an already parsed face: what TTFont.__init__ sets, without parsing the file again."""
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    from fnmatch import fnmatch

    font.shapable = not any(fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)
    return font


def _stored(face: TTFontFace) -> bytes:
    state = {k: v for k, v in face.__dict__.items() if k not in _NOT_STORED}
    for key in _NAMES:
        if isinstance(state.get(key), bytes):
            state[key] = bytes(state[key])
    return marshal.dumps(state)


def load_font(name: str, path: Path, subfont_index: int = 0, folder: Path | None = None) -> TTFont:
    """The face of `path` as a ReportLab TTFont named `name`: from the cache when it holds this very file, else parsed
    (and put in the cache). `folder`: where the cache lives (default: `cache_folder()`)."""
    folder = folder if folder is not None else cache_folder()
    if folder is None:
        return TTFont(name, str(path), subfontIndex=subfont_index)
    stamp = _stamp(path, subfont_index)
    entry = _entry(folder, stamp)
    try:
        raw = entry.read_bytes()
        head, _sep, body = raw.partition(b"\n")
        if head.decode("utf-8") == stamp:
            return _font_with(name, _face_from(marshal.loads(body), _mapped(path)))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
        log.info("font cache entry %s not used: %s", entry.name, exc)
    font = TTFont(name, str(path), subfontIndex=subfont_index)
    from app.base.fileio import write_cache_entry

    try:
        problem = write_cache_entry(entry, stamp.encode("utf-8") + b"\n" + _stored(font.face))
    except ValueError as exc:  # a face marshal cannot store
        problem = exc
    if problem is not None:  # the next export parses again
        log.info("font cache not written: %s", problem)
    return font
