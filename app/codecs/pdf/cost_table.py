"""The cost table (费用明细表) as a ruled table that repeats its header on every page, with the total in digits
and in uppercase.

A flat table prints as it always has (序号, 项目, 规格/内容, 单位, 数量, 单价, 金额, 备注). A table with sections
prints each section's number and title in bold with its subtotal; a row settled on actual quantities shows
按实结算 where its quantity and amount would be; discount columns (基准单价, 折扣率, 折扣单价) and VAT columns
(不含税金额, 税率, 税额, 含税金额) appear only when the table uses them. A page never ends on a section title:
the title moves to the next page with its first row.

Columns are sized from what they hold: every number is measured in the font it is printed in, and a numeric
column gets the width of its widest value (the totals included) before the text columns share the rest. When
the numbers need more than the page is wide, the table is set in a smaller size (down to `MIN_FONT_SIZE`); if
even that is not enough, numbers wrap inside their cells. Nothing ever runs past its cell.

ReportLab's own Table re-measures every remaining row each time it splits at a page end, which is quadratic
in the row count (20 s for 5,000 rows). `PagedTable` measures each row once and hands ReportLab one small
table per page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from app.codecs.pdf.paragraph import ChineseParagraph, escape_markup
from app.codecs.pdf.styles import FRAME_HEIGHT, Styles
from app.domain import CostRow, CostTable, TableFigures, TotalKind
from app.domain.cost_table import format_rate
from app.values.money import format_amount, rmb_upper

#: The columns of a flat table, as they have always printed.
COST_HEADER = ("序号", "项目", "规格/内容", "单位", "数量", "单价（元）", "金额（元）", "备注")
COST_WIDTHS_MM = (10, 21, 33, 9, 10, 21, 24, 23)  # 151 mm: the frame's width less its paddings
TABLE_WIDTH = sum(COST_WIDTHS_MM) * mm
PAD_X = 3  # left and right cell padding, points
PAD_Y = 3  # top and bottom cell padding, points
#: Text columns whose values print whole on one line when they can: the row's number and its unit.
WHOLE = ("no", "unit")
HEADER_FILL = colors.Color(0.92, 0.92, 0.92)
SECTION_FILL = colors.Color(0.97, 0.97, 0.97)
#: Font sizes tried, largest first, until the numbers fit the page's width.
FONT_SIZES = (9, 8.5, 8, 7.5, 7, 6.5)
MIN_FONT_SIZE = FONT_SIZES[-1]
#: Extra left padding per level, so rows read as nested under their section.
INDENT = 3
SETTLED = "按实结算"
#: Printed under a table whose figures are derived (sections, discounts or VAT): the rounding rule.
ROUNDING_NOTE = "注：金额、折扣单价、税额均按行四舍五入到分，小计、合计为各行金额之和。"

Cell: TypeAlias = ChineseParagraph | str


@dataclass(frozen=True)
class Column:
    """A printed column: `key` names what it shows; numeric columns are right-aligned and never narrower than
    their widest value; `weight` shares out the width left to text columns."""

    key: str
    title: str
    numeric: bool = False
    center: bool = False
    weight: float = 0.0
    min_mm: float = 8.0


def quantity_text(value: Decimal | None) -> str:
    return SETTLED if value is None else f"{value.normalize():f}"


def columns_for(f: TableFigures) -> list[Column]:
    """The columns a table needs: the flat set, plus discount and VAT columns only when the table uses them."""
    discount, vat = f.uses_discount, f.uses_vat
    cols = [
        Column("no", "序号", center=True, weight=10, min_mm=7),
        Column("item", "项目", weight=21, min_mm=15),
        Column("spec", "规格/内容", weight=33, min_mm=12),
        Column("unit", "单位", center=True, weight=9, min_mm=7),
        Column("quantity", "数量", numeric=True),
        Column("unit_price", "基准单价（元）" if discount else "单价（元）", numeric=True),
    ]
    if discount:
        cols += [Column("discount", "折扣率", numeric=True), Column("discounted", "折扣单价（元）", numeric=True)]
    cols.append(Column("net", "不含税金额（元）" if vat else "金额（元）", numeric=True))
    if vat:
        cols += [Column("vat_rate", "税率", numeric=True), Column("tax", "税额（元）", numeric=True),
                 Column("gross", "含税金额（元）", numeric=True)]
    cols.append(Column("remark", "备注", weight=23, min_mm=10))
    return cols


def _money(value: Decimal | None) -> str:
    return "" if value is None else format_amount(value)


def _row_values(row: CostRow, figures, index: int, numbered: bool) -> dict[str, str]:
    """The printed text of each column for one row."""
    x = figures
    own_discount = row.discount if row.is_section else x.discount
    own_vat = row.vat_rate if row.is_section else x.vat_rate
    values = {
        "no": row.no if numbered else str(index),
        "item": row.item,
        "spec": row.spec,
        "unit": row.unit,
        "quantity": "" if row.is_section else quantity_text(row.quantity),
        "unit_price": "" if row.is_section else format_amount(row.unit_price),
        "discount": format_rate(own_discount) if own_discount is not None else "",
        "discounted": "" if row.is_section or x.unit_price is None else format_amount(x.unit_price),
        "net": _money(x.net) if x.net is not None else (SETTLED if row.is_section or row.quantity is None else ""),
        "vat_rate": format_rate(own_vat) if own_vat is not None else "",
        "tax": _money(x.tax),
        "gross": _money(x.gross),
        "remark": row.remark,
    }
    if row.is_section and x.net is None:
        values["tax"] = values["gross"] = ""
    return values


def _total_values(f: TableFigures) -> dict[str, str]:
    """The 合计 row's figures; the table's total (the last of them) with ¥."""
    if not f.uses_vat:
        return {"net": "¥" + format_amount(f.net)}
    return {"net": format_amount(f.net), "tax": format_amount(f.tax), "gross": "¥" + format_amount(f.gross)}


def _styles(s: Styles, size: float) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """The cell, bold cell and header styles at `size` points."""
    if size == s.cell.fontSize:
        return s.cell, ParagraphStyle("cd-cell-b", parent=s.cell, fontName=s.cell_head.fontName), s.cell_head
    leading = round(size * 4 / 3, 1)
    cell = ParagraphStyle(f"cd-cell-{size}", parent=s.cell, fontSize=size, leading=leading)
    return (cell, ParagraphStyle(f"cd-cell-b-{size}", parent=cell, fontName=s.cell_head.fontName),
            ParagraphStyle(f"cd-cell-h-{size}", parent=s.cell_head, fontSize=size, leading=leading))


def _widths(cols: list[Column], texts: dict[str, list[tuple[str, bool]]], size: float, body: str, bold: str,
            flat: bool) -> tuple[list[float], bool]:
    """Column widths in points, and whether they fit the frame with every number on one line.

    A numeric column is as wide as its widest value (bold values measured in the bold face) plus padding,
    never narrower than a flat table's default; the text columns share what is left by their weights, never
    below their minimum."""
    need: dict[str, float] = {}
    for col in cols:
        if col.numeric or col.key in WHOLE:
            widest = max((stringWidth(t, bold if b else body, size) for t, b in texts.get(col.key, ())), default=0.0)
            if col.key in WHOLE:  # a unit of up to four characters on one line (人·月 had printed 人· over 月)
                widest = min(widest, stringWidth("人·工·月", body, size))
            need[col.key] = widest + 2 * PAD_X + 1
    defaults = dict(zip([c.key for c in columns_for_flat()], [w * mm for w in COST_WIDTHS_MM], strict=True)) if flat else {}
    widths: dict[str, float] = {}
    for col in cols:
        if col.numeric:
            title = stringWidth(col.title.split("（")[0], bold, size) + 2 * PAD_X + 1  # 单价 over （元）, never 单/价
            widths[col.key] = max(need[col.key], defaults.get(col.key, 0.0), title)
    text_cols = [c for c in cols if not c.numeric]
    for col in cols:
        if col.numeric and texts.get(col.key + ":words"):
            widths[col.key] = max(widths[col.key], stringWidth(SETTLED[:2], bold, size) + 2 * PAD_X + 1)
    room = TABLE_WIDTH - sum(widths.values())
    weight = sum(c.weight for c in text_cols)
    for col in text_cols:
        widths[col.key] = room * col.weight / weight
    # 序号 and 单位 among the text columns still fit their values on one line (a unit of up to four characters)
    for key in WHOLE:
        if key in need and widths[key] < need[key]:
            extra = need[key] - widths[key]
            widths[key] = need[key]
            others = [c for c in text_cols if c.key not in WHOLE]
            for col in others:
                widths[col.key] -= extra * col.weight / sum(c.weight for c in others)
    fits = all(widths[c.key] >= c.min_mm * mm - 0.01 for c in text_cols)
    return [widths[c.key] for c in cols], fits


def columns_for_flat() -> list[Column]:
    return [c for c in columns_for(TableFigures([], Decimal(0), Decimal(0), Decimal(0), False, False, False, False, False))]


def _pieces(text: str) -> list[str]:
    """Where a number may wrap: after each thousands comma (117,901,224,887.65 → 117, 901, 224, 887.65)."""
    parts = text.split(",")
    return [p + "," for p in parts[:-1]] + [parts[-1]]


def _fit(cols: list[Column], texts: dict[str, list[tuple[str, bool]]], s: Styles, flat: bool) -> tuple[float, list[float], bool]:
    """(font size, widths, numbers fit on one line): the largest size at which everything fits; at the
    smallest size, the text columns at their minimum and each numeric column at least as wide as its widest
    piece between thousands commas (its numbers wrap there), sharing the rest by what they lack."""
    body, bold = s.cell.fontName, s.cell_head.fontName
    for size in FONT_SIZES:
        widths, fits = _widths(cols, texts, size, body, bold, flat)
        if fits:
            return size, widths, True
    size = MIN_FONT_SIZE
    pad = 2 * PAD_X + 1

    def width(t: str, b: bool) -> float:
        return stringWidth(t, bold if b else body, size)

    text_cols = [c for c in cols if not c.numeric]
    numeric = [c for c in cols if c.numeric]
    full = {c.key: max((width(t, b) for t, b in texts.get(c.key, ())), default=0.0) + pad for c in numeric}
    least = {c.key: max((width(p, b) for t, b in texts.get(c.key, ()) for p in _pieces(t)), default=0.0) + pad
             for c in numeric}
    for c in numeric:
        if texts.get(c.key + ":words"):
            least[c.key] = max(least[c.key], width(SETTLED[:2], True) + pad)
            full[c.key] = max(full[c.key], least[c.key])
    by_key = {c.key: c.min_mm * mm for c in text_cols}
    room = TABLE_WIDTH - sum(by_key.values()) - sum(least.values())
    if room < 0:  # not even the pieces fit beside the text columns' minimum: the text columns give way
        scale = max(0.0, 1 + room / sum(by_key.values()))
        by_key = {k: w * scale for k, w in by_key.items()}
        room = 0.0
    lacking = sum(full[k] - least[k] for k in full) or 1.0
    for c in numeric:
        by_key[c.key] = least[c.key] + min(room, lacking) * (full[c.key] - least[c.key]) / lacking
    return size, [by_key[c.key] for c in cols], False


def _number_cell(text: str, style: ParagraphStyle, width: float) -> tuple[Cell, float]:
    """A number in a column too narrow for it: wrapped after thousands commas, never inside a group."""
    room = width - 2 * PAD_X
    if stringWidth(text, style.fontName, style.fontSize) <= room:
        return text, style.leading
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        if line and stringWidth(line + piece, style.fontName, style.fontSize) > room:
            lines.append(line)
            line = piece
        else:
            line += piece
    lines.append(line)
    para = ChineseParagraph("<br/>".join(escape_markup(x) for x in lines), style)
    return para, para.wrap(room, 10**6)[1]


def _grid_style(s: Styles, cols: list[Column], size: float, leading: float) -> list[tuple]:
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), s.cell.fontName, size, leading),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    for i, col in enumerate(cols):
        if col.center:
            style.append(("ALIGN", (i, 0), (i, -1), "CENTER"))
        elif col.numeric:
            style.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    return style


#: Per-row style commands, given the row's index in the printed table (the header is row 0).
RowStyle = Callable[[int], list[tuple]]


class PagedTable(Flowable):
    """Rows with known heights; split() takes as many as fit under a repeated header, and never leaves a
    section title (`keep_with_next`) as the last row of a page."""

    def __init__(
        self,
        header: list[Cell],
        rows: list[list[Cell]],
        heights: list[float],
        widths: list[float],
        header_height: float,
        style: list[tuple],
        row_styles: list[RowStyle | None] | None = None,
        keep_with_next: list[bool] | None = None,
    ) -> None:
        super().__init__()
        self.header, self.rows, self.heights = header, rows, heights
        self.widths, self.header_height, self.style = widths, header_height, style
        self.row_styles = row_styles or [None] * len(rows)
        self.keep_with_next = keep_with_next or [False] * len(rows)
        self.width = sum(widths)

    def wrap(self, available_width, available_height):
        self.height = self.header_height + sum(self.heights)
        return self.width, self.height

    def _commands(self, start: int, count: int) -> list[tuple]:
        out: list[tuple] = []
        for k in range(count):
            styler = self.row_styles[start + k]
            if styler is not None:
                out += styler(k + 1)
        return out

    def _table(self, start: int, count: int) -> Table:
        rows, heights = self.rows[start:start + count], self.heights[start:start + count]
        table = Table(
            [self.header, *rows], colWidths=self.widths, rowHeights=[self.header_height, *heights], hAlign="LEFT"
        )
        table.setStyle(TableStyle([*self.style, ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                                   *self._commands(start, count)]))
        return table

    def split(self, available_width, available_height):
        room = available_height - self.header_height
        used, count = 0.0, 0
        for h in self.heights:
            if used + h > room:
                break
            used += h
            count += 1
        if 0 < count < len(self.rows):
            # a section title never ends a page: it goes over with its first row (nested titles with it)
            kept = count
            while kept > 0 and self.keep_with_next[kept - 1]:
                kept -= 1
            if kept > 0:
                count = kept
            elif available_height < FRAME_HEIGHT - 1:
                return []  # only titles would fit here: all of them start the next page

        if count == 0:
            if self.heights and self.header_height + self.heights[0] > FRAME_HEIGHT:
                # One row taller than a page: let ReportLab split inside it.
                big = Table(
                    [self.header, self.rows[0]], colWidths=self.widths, repeatRows=1, splitInRow=1, hAlign="LEFT"
                )
                big.setStyle(TableStyle([*self.style, *self._commands(0, 1)]))
                return [big, self._rest(1)]
            return []
        if count == len(self.rows):
            return [self._table(0, count)]
        return [self._table(0, count), self._rest(count)]

    def _rest(self, start: int) -> PagedTable:
        return PagedTable(
            self.header, self.rows[start:], self.heights[start:], self.widths, self.header_height, self.style,
            self.row_styles[start:], self.keep_with_next[start:],
        )

    def draw(self) -> None:
        table = self._table(0, len(self.rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def _cell(text: str, style, width: float, indent: float = 0.0) -> tuple[Cell, float]:
    """Plain strings cost far less than Paragraphs to lay out; only text too wide for its column gets one."""
    room = width - 2 * PAD_X - indent
    if stringWidth(text, style.fontName, style.fontSize) <= room:
        return text, style.leading
    para = ChineseParagraph(escape_markup(text), style)
    return para, para.wrap(room, 10**6)[1]


def _section_style(bold: str, size: float, leading: float, span_to: int) -> RowStyle:
    def commands(r: int) -> list[tuple]:
        return [("FONT", (0, r), (-1, r), bold, size, leading), ("BACKGROUND", (0, r), (-1, r), SECTION_FILL),
                ("SPAN", (1, r), (span_to, r))]
    return commands


def _indent_style(column: int, level: int) -> RowStyle:
    def commands(r: int) -> list[tuple]:
        return [("LEFTPADDING", (column, r), (column, r), PAD_X + INDENT * level)]
    return commands


def _both(a: RowStyle, b: RowStyle) -> RowStyle:
    return lambda r: [*a(r), *b(r)]


def cost_table(rows: list[CostRow], s: Styles, *, contract_total: Decimal | None = None) -> list[Flowable]:
    """The table's flowables: the paged rows, then the totals kept together. `contract_total` is printed as
    the ceiling of a table whose total is a ceiling (上限)."""
    table = CostTable.of(rows)
    f = table.figures()
    flat = not (f.has_sections or f.uses_discount or f.uses_vat or f.numbered or f.has_settled)
    cols = columns_for(f)
    keys = [c.key for c in cols]
    values = [_row_values(row, x, i, f.numbered) for i, (row, x) in enumerate(zip(table, f.rows, strict=True), start=1)]
    totals = _total_values(f)
    # the numbers each column must hold on one line; 按实结算 may wrap (noted under "<key>:words")
    texts: dict[str, list[tuple[str, bool]]] = {k: [] for k in keys}
    measured = [c.key for c in cols if c.numeric or c.key in WHOLE]
    for row, v in zip(table, values, strict=True):
        for k in measured:
            if v[k] == SETTLED:
                texts.setdefault(k + ":words", []).append((v[k], row.is_section))
            else:
                texts[k].append((v[k], row.is_section))
    for k, total_text in totals.items():
        if k in texts:
            texts[k].append((total_text, False))
    size, widths, numbers_fit = _fit(cols, texts, s, flat)
    cell, bold_cell, head = _styles(s, size)
    right = ParagraphStyle(f"{cell.name}-r", parent=cell, alignment=2)
    bold_right = ParagraphStyle(f"{bold_cell.name}-r", parent=bold_cell, alignment=2)
    leading = cell.leading
    heads = [ChineseParagraph(c.title, head) for c in cols]
    header_height = max(p.wrap(w - 2 * PAD_X, 10**6)[1] for p, w in zip(heads, widths, strict=True)) + 2 * PAD_Y
    item_col, span_to = keys.index("item"), keys.index("quantity")
    data: list[list[Cell]] = []
    heights: list[float] = []
    row_styles: list[RowStyle | None] = []
    keep: list[bool] = []
    for row, v in zip(table, values, strict=True):
        line: list[Cell] = []
        height = leading
        for i, col in enumerate(cols):
            text = v[col.key]
            if col.numeric:
                style = bold_right if row.is_section else right
            else:
                style = bold_cell if row.is_section else cell
            if row.is_section and i == item_col:
                # the title spans 项目 to 数量
                text_cell, h = _cell(text, style, sum(widths[item_col:span_to + 1]), INDENT * row.level)
            elif row.is_section and item_col < i <= span_to:
                text_cell, h = "", 0.0
            elif col.numeric and numbers_fit and text != SETTLED:
                text_cell, h = text, leading
            elif text == SETTLED and stringWidth(text, style.fontName, style.fontSize) > widths[i] - 2 * PAD_X:
                para = ChineseParagraph(f"{SETTLED[:2]}<br/>{SETTLED[2:]}", style)  # 按实 / 结算, never 按实结 / 算
                text_cell, h = para, para.wrap(widths[i] - 2 * PAD_X, 10**6)[1]
            elif col.numeric:
                text_cell, h = _number_cell(text, style, widths[i])
            else:
                text_cell, h = _cell(text, style, widths[i], INDENT * row.level if i == item_col else 0.0)
            line.append(text_cell)
            height = max(height, h)
        data.append(line)
        heights.append(height + 2 * PAD_Y)
        styler: RowStyle | None = None
        if row.is_section:
            styler = _section_style(bold_cell.fontName, size, leading, span_to)
        if row.level:
            indent = _indent_style(item_col, row.level)
            styler = indent if styler is None else _both(styler, indent)
        row_styles.append(styler)
        keep.append(row.is_section)
    style = _grid_style(s, cols, size, leading)
    paged = PagedTable(list(heads), data, heights, widths, header_height, style, row_styles, keep)
    return [paged, KeepTogether([_totals(table, f, cols, widths, style, cell, right, contract_total, numbers_fit)])]


def _totals(table: CostTable, f: TableFigures, cols: list[Column], widths: list[float], style: list[tuple],
            cell: ParagraphStyle, right: ParagraphStyle, contract_total: Decimal | None, numbers_fit: bool) -> Table:
    """合计 (合计（暂定） for an estimate) with the amount columns and the total in uppercase; for a ceiling the
    ceiling in digits and words (a table with nothing priced prints only that); a note on rounding under a
    table whose figures are derived."""
    keys = [c.key for c in cols]
    n = len(cols)
    first_money = keys.index("net")
    estimate = table.total_kind is TotalKind.ESTIMATE
    ceiling = table.total_kind is TotalKind.CEILING and contract_total is not None
    priced = any(x.net is not None for row, x in zip(table, f.rows, strict=True) if not row.is_section)
    label = "合计（暂定）" if estimate else "合计"
    line: list[Cell] = [label] + [""] * (n - 1)
    for k, v in _total_values(f).items():
        if k in keys:
            i = keys.index(k)
            line[i] = v if numbers_fit else _number_cell(v, right, widths[i])[0]
    words = "暂定金额（大写）：人民币" if estimate else "合计金额（大写）：人民币"
    lines: list[list[Cell]] = []
    if priced or not ceiling:
        lines = [line, [ChineseParagraph(escape_markup(words + rmb_upper(f.total)), cell)] + [""] * (n - 1)]
    if ceiling:
        assert contract_total is not None
        lines.append([ChineseParagraph(escape_markup(
            f"合同金额上限：¥{format_amount(contract_total)}（大写：人民币{rmb_upper(contract_total)}），按实结算，"
            f"结算金额不超过上限"), cell)] + [""] * (n - 1))
    if not (len(cols) == len(COST_HEADER) and not (f.has_sections or f.has_settled)):
        lines.append([ChineseParagraph(escape_markup(ROUNDING_NOTE), cell)] + [""] * (n - 1))
    totals = Table(lines, colWidths=widths, hAlign="LEFT")
    commands = list(style)
    start = 0
    if lines[0] is line:
        commands += [("SPAN", (0, 0), (first_money - 1, 0)), ("ALIGN", (0, 0), (first_money - 1, 0), "CENTER")]
        start = 1
    for r in range(start, len(lines)):
        commands.append(("SPAN", (0, r), (-1, r)))
    totals.setStyle(TableStyle(commands))
    return totals
