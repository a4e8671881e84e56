"""One sheet of the Excel packet, printed the way a clerk expects: ruled tables, text that wraps inside rows tall
enough to show it, columns as wide as what they hold, A4 at full size (landscape when the columns need it), a print
area and the header row repeated on every page.

openpyxl writes the sheet's frame (column widths, panes, page setup); its rows are `SheetRows` spliced in after
saving. Styles are registered through openpyxl (one throwaway cell each) so their ids are valid in the workbook.
"""

from __future__ import annotations

import math
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import Outline, PageSetupProperties

from app.codecs.xlsx.layout import safe_sheet_name
from app.codecs.xlsx.sheetdata import SheetRows

MONEY_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
QUANTITY_FORMAT = "#,##0.00##"
RATE_FORMAT = "0.##%"
DATE_FORMAT = "yyyy-mm-dd"
#: Footer as the printed contract numbers its pages (&P page, &N pages).
PAGE_FOOTER = "第 &P 页 共 &N 页"
#: Points per line of 11-point text (Excel's default row is 15 points).
LINE_HEIGHT = 15.0
#: Column-width units (characters of "0") that print across A4 at 100 % with half-inch side margins.
PORTRAIT_WIDTH = 92
LANDSCAPE_WIDTH = 136
SIDE_MARGIN = 0.5  # inches

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")


#: Wide characters (East Asian Width W or F): CJK ideographs and punctuation, kana, hangul, full-width forms.
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]")


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet cell: wide (CJK, full-width) characters count two."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def text_lines(text: str, width: float) -> int:
    """Lines `text` takes when wrapped in a column `width` units wide (a little generous: a Chinese character is
    slightly wider than two digits in most fonts, and a clipped line is worse than a spare one)."""
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(display_width(line) * 1.08 / usable)) for line in text.split("\n"))


class Sheet:
    """A sheet whose rows are rendered as XML (`rows`) and spliced in after saving."""

    def __init__(self, wb: Workbook, title: str, taken: set[str]) -> None:
        name = safe_sheet_name(title, taken)
        taken.add(name)
        self.ws = wb.create_sheet(name)
        self.rows = SheetRows()
        self.widths: list[float] = []
        self.wrapped: set[int] = set()
        self._styles: dict[tuple, int] = {}

    def style(self, *, fmt: str | None = None, bold: bool = False, size: float | None = None, wrap: bool = False,
              align: str | None = None, border: bool = False, header: bool = False, section: bool = False) -> int:
        """The style id for a combination (registered once per sheet)."""
        key = (fmt, bold, size, wrap, align, border, header, section)
        if key not in self._styles:
            cell = WriteOnlyCell(self.ws, value="-")
            if bold or size:
                cell.font = Font(bold=bold, size=size) if size else Font(bold=bold)
            cell.alignment = Alignment(horizontal=align, vertical="center" if header else "top", wrap_text=wrap or None)
            if border:
                cell.border = _BORDER
            if header:
                cell.fill = _HEADER_FILL
            elif section:
                cell.fill = _SECTION_FILL
            if fmt:
                cell.number_format = fmt
            self._styles[key] = cell.style_id
        return self._styles[key]

    def letter(self, col: int) -> str:
        return self.rows.letter(col)

    def set_widths(self, widths: list[float], wrapped: set[int] | None = None) -> None:
        """Column widths in characters; `wrapped` columns hold text that wraps (row heights follow them)."""
        self.widths = widths
        self.wrapped = wrapped or set()
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = round(width, 1)

    def height(self, texts: dict[int, str]) -> float | None:
        """The row height that shows every wrapped cell's text whole; None when one line is enough."""
        lines = 1
        for col, text in texts.items():
            # a text of n characters is at most 2n wide: most cells are known to fit without measuring
            if text and col in self.wrapped and (len(text) * 2.2 > self.widths[col] - 1.5 or "\n" in text):
                lines = max(lines, text_lines(text, self.widths[col]))
        return None if lines == 1 else lines * LINE_HEIGHT

    def print_setup(self, *, title_rows: str | None, columns: int, last_row: int, outline: bool = False) -> None:
        """A4: portrait when the columns fit across at full size, else landscape (the widest text columns were
        narrowed to fit landscape at full size). The print area is the sheet's content; `title_rows` repeat."""
        ws = self.ws
        total = sum(self.widths)
        ws.page_setup.paperSize = "9"  # A4 (ECMA-376 paper size code)
        ws.page_setup.orientation = "portrait" if total <= PORTRAIT_WIDTH else "landscape"
        ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
        # The columns are sized to print at full size; fitting to the page's width only shrinks a program whose
        # fonts run wider than Excel's (a substitute for Calibri) a little, instead of moving the last column
        # onto a page of its own. Never taller than one page wide: fitToHeight 0.
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        if outline:
            ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=True)
        if title_rows:
            ws.print_title_rows = title_rows
        ws.print_area = f"A1:{get_column_letter(max(columns, 1))}{max(last_row, 1)}"
        ws.oddFooter.center.text = PAGE_FOOTER
        ws.evenFooter.center.text = PAGE_FOOTER


def fit_widths(widths: list[float], shrinkable: dict[int, float], limit: float) -> list[float]:
    """Narrow the wrapping text columns (index → narrowest width), widest first, so the sheet prints within
    `limit` units: every shrinkable column wider than some cap is cut to it (never below its minimum). What
    cannot be narrowed stays, and the page is then scaled to fit."""
    if sum(widths) <= limit or not shrinkable:
        return widths
    fixed = sum(w for i, w in enumerate(widths) if i not in shrinkable)
    room = limit - fixed

    def used(cap: float) -> float:
        return sum(min(widths[i], max(cap, least)) for i, least in shrinkable.items())

    low, high = 0.0, max(widths[i] for i in shrinkable)
    for _ in range(40):  # bisect the cap: used(cap) grows with it
        mid = (low + high) / 2
        if used(mid) > room:
            high = mid
        else:
            low = mid
    return [min(w, max(low, shrinkable[i])) if i in shrinkable else w for i, w in enumerate(widths)]
