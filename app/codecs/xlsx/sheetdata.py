"""Sheet rows rendered straight to SpreadsheetML, spliced into the saved workbook.

openpyxl builds a Python object per cell, which makes a 20,000-row table take several seconds; the
rows here are plain strings (one f-string per cell), with the styles still registered through
openpyxl so the style ids are valid. The sheet itself (columns, panes, print setup) is written by
openpyxl with an empty `<sheetData/>` that `splice` replaces.

Every formula is written with its computed result (`<f>` and `<v>`), which openpyxl cannot do: a program
that recalculates (Excel, LibreOffice, WPS) computes it again on opening (the workbook asks for a full
calculation on load), and one that does not (phone and chat previews, file viewers, pandas) still shows
the figures instead of blank cells.
"""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

EMPTY_SHEET_DATA = (b"<sheetData />", b"<sheetData/>", b"<sheetData></sheetData>")


class SheetRows:
    """Rows of one sheet as SpreadsheetML; `style` ids come from openpyxl cells (`cell.style_id`)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.count = 0
        self._letters = [get_column_letter(i) for i in range(1, 27)]

    def letter(self, col: int) -> str:
        """Column letter of a 0-based column index."""
        return self._letters[col] if col < len(self._letters) else get_column_letter(col + 1)

    @staticmethod
    def text(ref: str, value: str | None, style: int = 0) -> str:
        """An inline string cell: user text is never a formula, whatever it starts with."""
        value = ILLEGAL_CHARACTERS_RE.sub("", value or "")
        if not value:
            return ""
        s = f' s="{style}"' if style else ""
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'

    @staticmethod
    def number(ref: str, value: Decimal | int | None, style: int = 0) -> str:
        """A number cell; nothing for None (an empty cell)."""
        if value is None:
            return ""
        s = f' s="{style}"' if style else ""
        shown = str(value) if isinstance(value, int) else f"{value:f}"
        return f'<c r="{ref}"{s}><v>{shown}</v></c>'

    @staticmethod
    def formula(ref: str, formula: str, style: int = 0, value: Decimal | int | str | None = None) -> str:
        """`formula` without the leading "=", stored with its result `value` (a number, a text, or None for
        an empty text result)."""
        s = f' s="{style}"' if style else ""
        f = escape(formula)
        if isinstance(value, str) or value is None:
            text = escape(ILLEGAL_CHARACTERS_RE.sub("", value or ""))
            return f'<c r="{ref}"{s} t="str"><f>{f}</f><v>{text}</v></c>'
        shown = str(value) if isinstance(value, int) else f"{value:f}"
        return f'<c r="{ref}"{s}><f>{f}</f><v>{shown}</v></c>'

    @staticmethod
    def date(ref: str, serial: int, style: int) -> str:
        """A date as its Excel serial number (days since 1899-12-30) in a date-formatted cell."""
        return f'<c r="{ref}" s="{style}"><v>{serial}</v></c>'

    def add(self, cells: list[str], *, outline: int = 0, height: float | None = None) -> int:
        """Append a row of rendered cells (grouped at `outline` level, `height` points tall when the text
        needs more than one line); returns its 1-based row number."""
        self.count += 1
        attrs = f' r="{self.count}"'
        if height is not None:
            attrs += f' ht="{height:g}" customHeight="1"'
        if outline:
            attrs += f' outlineLevel="{outline}"'
        self.parts.append(f'<row{attrs}>{"".join(cells)}</row>')
        return self.count

    @property
    def next_row(self) -> int:
        return self.count + 1

    def dimension(self, columns: int) -> bytes:
        """The used range; readers that stream the sheet (openpyxl read-only) scan it all without one."""
        return f'<dimension ref="A1:{self.letter(max(columns, 1) - 1)}{max(self.count, 1)}"/>'.encode()

    def xml(self) -> bytes:
        return ("<sheetData>" + "".join(self.parts) + "</sheetData>").encode("utf-8")


def splice(path: Path, sheets: dict[str, tuple[SheetRows, int]]) -> None:
    """Replace the empty sheetData of each named part (``xl/worksheets/sheetN.xml``) in the saved file with
    (rows, column count), and add the sheet's dimension."""
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            entry = sheets.get(info.filename)
            if entry is not None:
                rows, columns = entry
                marker = next((m for m in EMPTY_SHEET_DATA if m in data), None)
                if marker is None:
                    raise RuntimeError(f"{info.filename} has rows already; cannot splice")
                data = data.replace(marker, rows.xml(), 1)
                if b"<dimension" not in data and b"<sheetViews" in data:
                    data = data.replace(b"<sheetViews", rows.dimension(columns) + b"<sheetViews", 1)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
