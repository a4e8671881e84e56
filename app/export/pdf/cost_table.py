"""The cost table (费用明细表) as a ruled table that repeats its header on every page, with the total in digits
and in uppercase.

ReportLab's own Table re-measures every remaining row each time it splits at a page end, which is quadratic
in the row count (20 s for 5,000 rows). `PagedTable` measures each row once and hands ReportLab one small
table per page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeAlias
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from app.domain import CostRow, table_total
from app.export.pdf.paragraph import ChineseParagraph
from app.export.pdf.styles import FRAME_HEIGHT, Styles
from app.money import format_amount, rmb_upper

COST_HEADER = ("序号", "项目", "规格/内容", "单位", "数量", "单价（元）", "金额（元）", "备注")
COST_WIDTHS_MM = (10, 21, 33, 9, 10, 21, 24, 23)  # 151 mm: the frame's width less its paddings
PAD_X = 3  # left and right cell padding, points
PAD_Y = 3  # top and bottom cell padding, points
HEADER_FILL = colors.Color(0.92, 0.92, 0.92)

Cell: TypeAlias = ChineseParagraph | str


def quantity_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _grid_style(s: Styles) -> list[tuple]:
    return [
        ("FONT", (0, 0), (-1, -1), s.cell.fontName, s.cell.fontSize, s.cell.leading),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (3, 0), (3, -1), "CENTER"),
        ("ALIGN", (4, 0), (6, -1), "RIGHT"),
    ]


class PagedTable(Flowable):
    """Rows with known heights; split() takes as many as fit under a repeated header."""

    def __init__(
        self,
        header: list[Cell],
        rows: list[list[Cell]],
        heights: list[float],
        widths: list[float],
        header_height: float,
        style: list[tuple],
    ) -> None:
        super().__init__()
        self.header, self.rows, self.heights = header, rows, heights
        self.widths, self.header_height, self.style = widths, header_height, style
        self.width = sum(widths)

    def wrap(self, available_width, available_height):
        self.height = self.header_height + sum(self.heights)
        return self.width, self.height

    def _table(self, rows: list[list[Cell]], heights: list[float]) -> Table:
        table = Table(
            [self.header, *rows], colWidths=self.widths, rowHeights=[self.header_height, *heights], hAlign="LEFT"
        )
        table.setStyle(TableStyle([*self.style, ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]))
        return table

    def split(self, available_width, available_height):
        room = available_height - self.header_height
        used, count = 0.0, 0
        for h in self.heights:
            if used + h > room:
                break
            used += h
            count += 1
        if count == 0:
            if self.heights and self.header_height + self.heights[0] > FRAME_HEIGHT:
                # One row taller than a page: let ReportLab split inside it.
                big = Table(
                    [self.header, self.rows[0]], colWidths=self.widths, repeatRows=1, splitInRow=1, hAlign="LEFT"
                )
                big.setStyle(TableStyle(self.style))
                return [big, self._rest(1)]
            return []
        if count == len(self.rows):
            return [self._table(self.rows, self.heights)]
        return [self._table(self.rows[:count], self.heights[:count]), self._rest(count)]

    def _rest(self, start: int) -> PagedTable:
        return PagedTable(
            self.header, self.rows[start:], self.heights[start:], self.widths, self.header_height, self.style
        )

    def draw(self) -> None:
        table = self._table(self.rows, self.heights)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def _cell(text: str, style, width: float) -> tuple[Cell, float]:
    """Plain strings cost far less than Paragraphs to lay out; only text too wide for its column gets one."""
    if stringWidth(text, style.fontName, style.fontSize) <= width - 2 * PAD_X:
        return text, style.leading
    para = ChineseParagraph(escape(text), style)
    return para, para.wrap(width - 2 * PAD_X, 10**6)[1]


def cost_table(rows: list[CostRow], s: Styles) -> list[Flowable]:
    widths = [w * mm for w in COST_WIDTHS_MM]
    heads = [ChineseParagraph(h, s.cell_head) for h in COST_HEADER]
    header_height = max(p.wrap(w - 2 * PAD_X, 10**6)[1] for p, w in zip(heads, widths, strict=True)) + 2 * PAD_Y
    header: list[Cell] = list(heads)
    data: list[list[Cell]] = []
    heights: list[float] = []
    for i, row in enumerate(rows, start=1):
        item, h1 = _cell(row.item, s.cell, widths[1])
        spec, h2 = _cell(row.spec, s.cell, widths[2])
        remark, h7 = _cell(row.remark, s.cell, widths[7])
        data.append(
            [
                str(i),
                item,
                spec,
                row.unit,
                quantity_text(row.quantity),
                format_amount(row.unit_price),
                format_amount(row.amount),
                remark,
            ]
        )
        heights.append(max(h1, h2, h7, s.cell.leading) + 2 * PAD_Y)
    style = _grid_style(s)
    total = table_total(rows)
    totals = Table(
        [
            ["合计", "", "", "", "", "", "¥" + format_amount(total), ""],
            [ChineseParagraph(escape(f"合计金额（大写）：人民币{rmb_upper(total)}"), s.cell)] + [""] * 7,
        ],
        colWidths=widths,
        hAlign="LEFT",
    )
    totals.setStyle(
        TableStyle([*style, ("SPAN", (0, 0), (5, 0)), ("ALIGN", (0, 0), (5, 0), "CENTER"), ("SPAN", (0, 1), (-1, 1))])
    )
    return [PagedTable(header, data, heights, widths, header_height, style), KeepTogether([totals])]
