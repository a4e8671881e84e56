"""Reading a workbook's sheets row by row, as values, straight from its XML.

The import needs what openpyxl's read-only mode does not hand out through its public API: each cell's saved
result *and* its formula in one pass, which rows and columns are hidden, and each row's outline level (how an
exported table marks its sections). So the reader walks the sheet XML itself with a streaming parser: one
row's elements at a time, discarded as soon as the row is read, values kept as plain Python objects (no
per-cell objects), numbers read exactly as Decimal from their text. Memory stays flat whatever the row count.

The file has already passed `check_container` (size, zip bombs, no DTD or entity declarations in any XML
part), so the standard library parser cannot be made to expand entities here.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Generator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _C, _V, _F, _IS, _T, _R, _RPH = (f"{MAIN}{t}" for t in ("row", "c", "v", "f", "is", "t", "r", "rPh"))
_COL, _SHEETDATA, _DIMENSION = f"{MAIN}col", f"{MAIN}sheetData", f"{MAIN}dimension"
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_LETTERS = re.compile(r"[A-Z]{1,3}")
#: Built-in number formats that show a date or a time (ECMA-376 part 1, 18.8.30).
_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)


class DateValue(float):
    """A number shown as a date or time (a date typed into a quantity column is not a quantity)."""


class ErrorValue(str):
    """An error a formula saved (#DIV/0!, #REF! …)."""


@dataclass(frozen=True)
class SheetInfo:
    title: str
    part: str
    hidden: bool


@dataclass(slots=True)
class SheetRow:
    """One row: its number, the values by 0-based column (a formula's saved result), the formulas by column,
    whether it is hidden, and its outline level."""

    number: int
    values: list
    formulas: dict[int, str] = field(default_factory=dict)
    hidden: bool = False
    outline: int = 0


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class Book:
    """An open .xlsx: its sheets in order, shared strings and date styles; `rows(sheet)` streams a sheet."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.sheets = self._sheets()
        self.shared = self._shared_strings()
        self.date_styles = self._date_styles()

    def _xml(self, name: str) -> Element | None:
        try:
            with self.archive.open(name) as fh:
                from xml.etree.ElementTree import parse

                return parse(fh).getroot()
        except KeyError:
            return None

    def _sheets(self) -> list[SheetInfo]:
        root = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        if root is None:
            return []
        targets = {}
        if rels is not None:
            for rel in rels.iter(f"{PKG_REL}Relationship"):
                target = rel.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                targets[rel.get("Id")] = path
        out = []
        for sheet in root.iter(f"{MAIN}sheet"):
            part = targets.get(sheet.get(f"{REL}id"))
            if part and part in self.archive.NameToInfo:
                out.append(SheetInfo(sheet.get("name", ""), part, sheet.get("state", "visible") != "visible"))
        return out

    def _shared_strings(self) -> list[str]:
        strings: list[str] = []
        try:
            fh = self.archive.open("xl/sharedStrings.xml")
        except KeyError:
            return strings
        with fh:
            for _event, el in iterparse(fh):
                if el.tag == f"{MAIN}si":
                    strings.append(_text_of(el))
                    el.clear()
        return strings

    def _date_styles(self) -> frozenset[int]:
        root = self._xml("xl/styles.xml")
        if root is None:
            return frozenset()
        custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{MAIN}numFmt")}
        xfs = root.find(f"{MAIN}cellXfs")
        dates = set()
        for i, xf in enumerate(xfs if xfs is not None else ()):
            fmt = int(xf.get("numFmtId", "0"))
            code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", custom.get(fmt, ""))
            if fmt in _DATE_FORMAT_IDS or (fmt in custom and _DATE_CODE.search(code)):
                dates.add(i)
        return frozenset(dates)

    def sheet(self, title: str) -> SheetInfo:
        return next(s for s in self.sheets if s.title == title)

    def hidden_columns(self, sheet: SheetInfo) -> set[int]:
        """0-based indexes of the columns the sheet hides (or shows zero wide)."""
        hidden: set[int] = set()
        with self.archive.open(sheet.part) as fh:
            for _event, el in iterparse(fh, events=("end",)):
                if el.tag == _COL and (el.get("hidden") in ("1", "true") or el.get("width") in ("0", "0.0")):
                    first, last = int(el.get("min", "1")), int(el.get("max", "1"))
                    hidden.update(range(first - 1, min(last, 16384)))
                elif el.tag == _SHEETDATA or el.tag == _ROW:
                    break
        return hidden

    def dimension_rows(self, sheet: SheetInfo) -> int | None:
        """The last row the sheet says it uses (its <dimension>), when it says so before its rows."""
        with self.archive.open(sheet.part) as fh:
            for _event, el in iterparse(fh, events=("end",)):
                if el.tag == _DIMENSION:
                    m = _REF.search(el.get("ref", "").split(":")[-1])
                    return int(m.group(2)) if m else None
                if el.tag in (_SHEETDATA, _ROW):
                    return None
        return None

    def rows(self, sheet: SheetInfo, first: int = 1, last: int | None = None,
             wanted: set[int] | None = None) -> Generator[SheetRow, None, None]:
        """The sheet's rows that hold a cell, in order (rows from `first` to `last`; only the `wanted` columns,
        when given, are read)."""
        shared, dates = self.shared, self.date_styles
        masters: dict[str, tuple[int, int, str]] = {}  # shared formulas: si → (row, column, text)
        columns: dict[str, int] = {}  # column letters → index, worked out once each
        counter = 0
        with self.archive.open(sheet.part) as fh:
            for _event, el in iterparse(fh):
                if el.tag != _ROW:
                    continue
                r = el.get("r")
                counter = int(r) if r and r.isdigit() else counter + 1
                if counter < first:
                    el.clear()
                    continue
                if last is not None and counter > last:
                    break
                values: list = []
                formulas: dict[int, str] = {}
                col = -1
                for c in el:
                    ref = c.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        col = columns.get(letters, -1)
                        if col < 0:
                            col = columns[letters] = column_index(letters) if _LETTERS.fullmatch(letters) else 16384
                    else:
                        col += 1
                    if col >= 16384 or (wanted is not None and col not in wanted) or c.tag != _C:
                        continue
                    value = _cell_value(c, shared, dates)
                    f = c.find(_F)
                    if f is not None:
                        formulas[col] = _formula(f, counter, col, masters)
                    if value is not None or f is not None:
                        if col >= len(values):
                            values.extend([None] * (col + 1 - len(values)))
                        values[col] = value
                if values or formulas:
                    hidden = el.get("hidden") in ("1", "true") or (
                        el.get("customHeight") in ("1", "true") and el.get("ht") in ("0", "0.0"))
                    outline = el.get("outlineLevel")
                    yield SheetRow(counter, values, formulas, hidden, int(outline) if outline and outline.isdigit() else 0)
                el.clear()  # a read row leaves only an empty element behind


def _text_of(el: Element) -> str:
    """The text of a rich or plain string (<si> or <is>), without phonetic runs (<rPh>)."""
    direct = el.find(_T)
    if direct is not None and len(el) == 1:
        return direct.text or ""
    parts = []
    for child in el:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            parts.append(t.text or "" if t is not None else "")
    return "".join(parts)


def _cell_value(c: Element, shared: list[str], dates: frozenset[int]):
    kind = c.get("t", "n")
    if kind == "inlineStr":
        inline = c.find(_IS)
        return _text_of(inline) if inline is not None else None
    v = c.find(_V)
    raw = v.text if v is not None else None
    if raw is None:
        return None
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            return None
    if kind in ("str", "d"):
        return raw
    if kind == "b":
        return raw in ("1", "true")
    if kind == "e":
        return ErrorValue(raw)
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        return raw
    style = c.get("s")
    if style and style.isdigit() and int(style) in dates:
        return DateValue(number)
    return number


def _formula(f: Element, row: int, col: int, masters: dict[str, tuple[int, int, str]]) -> str:
    """A cell's formula as Excel shows it ("=…"); a shared formula's other cells are translated from its first
    cell, array formulas shown as {=…}."""
    text = f.text or ""
    kind = f.get("t")
    if kind == "shared":
        si = f.get("si", "")
        if text:
            masters[si] = (row, col, text)
        elif si in masters:
            from openpyxl.formula.translate import Translator
            from openpyxl.utils import get_column_letter

            r0, c0, master = masters[si]
            origin = f"{get_column_letter(c0 + 1)}{r0}"
            try:
                text = Translator("=" + master, origin).translate_formula(f"{get_column_letter(col + 1)}{row}")[1:]
            except Exception:  # a formula the translator cannot parse: shown as its first cell's
                text = master
    if kind == "array":
        return f"{{={text}}}"
    if kind == "dataTable":
        return "{=TABLE()}"
    return "=" + text
