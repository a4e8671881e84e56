"""The contract ledger as a printable PDF: A4 landscape, the header row on every page, totals, then the yearly
statistics. Fonts are the packet's (embedded subsets, Chinese included); text a font cannot print is refused
rather than printed blank.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.base.fileio import atomic_path
from app.base.i18n import N_, _, ngettext
from app.codecs.ledger_xlsx import ledger_caption, ledger_heading
from app.codecs.pdf.cost_table import HEADER_FILL, PagedTable
from app.codecs.pdf.fonts import FontPreference, choose_fonts, register, windows_fonts_folder
from app.codecs.pdf.glyphs import refuse_missing_glyphs
from app.codecs.pdf.pages import footer_text
from app.codecs.pdf.paragraph import ChineseParagraph
from app.codecs.xlsx.layout import TOTAL_LABEL
from app.rules.ledger import LedgerFilter, LedgerRow, YearStatistics, kind_label, statistics
from app.values.money import format_amount

PAGE = landscape(A4)
MARGIN = 12 * mm
HEADER_SPACE = 10 * mm  # above the frame: the ledger's name and date on every page
FOOTER_SPACE = 10 * mm
CELL_SIZE = 7
CELL_LEADING = 9
PAD = 2

#: The printed columns: (key, title msgid, width in mm, alignment). The workbook's year and "due for" columns
#: are folded into the signing date's order and the next-due cell here, to fit the A4 width.
PDF_COLUMNS: tuple[tuple[str, str, float, str], ...] = (
    ("no", N_("No."), 7, "CENTER"),
    ("number", N_("Contract number"), 29, "LEFT"),  # CMHA-AY-202500441 on one line (it broke as 20250|0441)
    ("title", N_("Contract title"), 20, "LEFT"),
    ("counterparty", N_("Counterparty"), 18, "LEFT"),
    ("kind", N_("Contract kind"), 11, "CENTER"),
    ("procurement", N_("Procurement method"), 14, "CENTER"),
    ("amount", N_("Contract amount"), 19, "RIGHT"),
    ("signed_on", N_("Signing date"), 15, "CENTER"),
    ("term", N_("Contract term"), 16, "CENTER"),
    ("paid", N_("Paid to date"), 19, "RIGHT"),
    ("unpaid", N_("Unpaid"), 19, "RIGHT"),
    ("next_due", N_("Next due"), 20, "LEFT"),
    ("overdue", N_("Overdue amount"), 19, "RIGHT"),
    ("stage", N_("Stage"), 12, "CENTER"),
    ("filed_on", N_("Filing date"), 15, "CENTER"),
    ("archived_on", N_("Archiving date"), 15, "CENTER"),
)
MONEY_KEYS = ("amount", "paid", "unpaid", "overdue")


@dataclass(frozen=True)
class _Styles:
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    head: ParagraphStyle
    title: ParagraphStyle
    caption: ParagraphStyle
    section: ParagraphStyle


def _styles(body: str, heading: str) -> _Styles:
    cell = ParagraphStyle("ledger-cell", fontName=body, fontSize=CELL_SIZE, leading=CELL_LEADING, wordWrap="CJK",
                          alignment=TA_LEFT)
    return _Styles(
        cell=cell,
        cell_right=ParagraphStyle("ledger-cell-r", parent=cell, alignment=TA_RIGHT),
        head=ParagraphStyle("ledger-head", parent=cell, fontName=heading, alignment=TA_CENTER),
        title=ParagraphStyle("ledger-title", fontName=heading, fontSize=16, leading=22, alignment=TA_CENTER),
        caption=ParagraphStyle("ledger-caption", fontName=body, fontSize=9, leading=13, alignment=TA_CENTER,
                               spaceAfter=4),
        section=ParagraphStyle("ledger-section", fontName=heading, fontSize=11, leading=16, spaceBefore=8,
                               spaceAfter=4),
    )


def _text(row: LedgerRow, n: int, key: str) -> str:
    if key in MONEY_KEYS:
        return format_amount(getattr(row, key))
    return {
        "no": str(n),
        "number": row.number,
        "title": row.title,
        "counterparty": row.counterparty,
        "kind": kind_label(row.kind),
        "procurement": row.procurement_label,
        "signed_on": row.signed_on.isoformat() if row.signed_on else "",
        "term": row.term_text,
        "next_due": row.next_due_text,
        "stage": row.stage_text,
        "filed_on": row.filed_on.isoformat() if row.filed_on else "",
        "archived_on": row.archived_on.isoformat() if row.archived_on else "",
    }[key]


def _cell(text: str, style: ParagraphStyle, width: float) -> tuple[Flowable | str, float]:
    """A plain string where it fits (much cheaper to lay out), a wrapping paragraph where it does not."""
    if stringWidth(text, style.fontName, style.fontSize) <= width - 2 * PAD:
        return text, style.leading
    para = ChineseParagraph(escape(text), style)
    return para, para.wrap(width - 2 * PAD, 10**6)[1]


def _grid(s: _Styles) -> list[tuple]:
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), s.cell.fontName, CELL_SIZE, CELL_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
    ]
    for i, (_key, _title, _width, align) in enumerate(PDF_COLUMNS):
        style.append(("ALIGN", (i, 0), (i, -1), align))
    return style


def _ledger_table(rows: list[LedgerRow], s: _Styles) -> list[Flowable]:
    widths = [w * mm for _k, _t, w, _a in PDF_COLUMNS]
    heads = [ChineseParagraph(escape(_(title)), s.head) for _k, title, _w, _a in PDF_COLUMNS]
    header_height = max(p.wrap(w - 2 * PAD, 10**6)[1] for p, w in zip(heads, widths, strict=True)) + 2 * PAD
    data, heights = [], []
    for n, row in enumerate(rows, start=1):
        cells, tallest = [], float(CELL_LEADING)
        for (key, _t, _w, _a), width in zip(PDF_COLUMNS, widths, strict=True):
            cell, height = _cell(_text(row, n, key), s.cell_right if key in MONEY_KEYS else s.cell, width)
            cells.append(cell)
            tallest = max(tallest, height)
        data.append(cells)
        heights.append(tallest + 2 * PAD)
    style = _grid(s)
    keys = [k for k, _t, _w, _a in PDF_COLUMNS]
    total_cells: list[object] = [""] * len(keys)
    total_cells[0] = _(TOTAL_LABEL)
    total_cells[keys.index("number")] = ngettext("{n} contract", "{n} contracts", len(rows)).format(n=len(rows))
    for key in MONEY_KEYS:
        total_cells[keys.index(key)] = format_amount(sum((getattr(r, key) for r in rows), Decimal("0.00")))
    totals = Table([total_cells], colWidths=widths, hAlign="LEFT")
    totals.setStyle(TableStyle([*style, ("FONT", (0, 0), (-1, -1), s.head.fontName, CELL_SIZE, CELL_LEADING)]))
    return [PagedTable(list(heads), data, heights, widths, header_height, style), KeepTogether([totals])]


def _statistics(stats: list[YearStatistics], s: _Styles) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), Paragraph(escape(_("Yearly statistics")), s.title)]
    widths = [60 * mm, 25 * mm, 35 * mm]
    for year_stats in stats:
        year = _("Year {year}").format(year=year_stats.year) if year_stats.year else _("year not known")
        out.append(Paragraph(escape(year), s.section))
        tables = []
        for heading, groups in (
            (_("By kind"), [(kind_label(k), t) for k, t in year_stats.by_kind.items()]),
            (_("By stage"), [(st.label, t) for st, t in year_stats.by_stage.items()]),
        ):
            rows = [[heading, _("Contracts"), _("Amount")]]
            rows += [[label, str(t.count), format_amount(t.amount)] for label, t in groups]
            rows.append([_(TOTAL_LABEL), str(year_stats.total.count), format_amount(year_stats.total.amount)])
            table = Table(rows, colWidths=widths, hAlign="LEFT")
            table.setStyle(TableStyle([
                *_grid(s)[:7],
                ("FONT", (0, 0), (-1, 0), s.head.fontName, 9, 12),
                ("FONT", (0, 1), (-1, -1), s.cell.fontName, 9, 12),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]))
            tables.append(table)
        pair = Table([tables], colWidths=[125 * mm, 125 * mm], hAlign="LEFT")
        pair.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), s.cell.fontName, 9, 12),  # else the cells' default, Helvetica, is not embedded
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]))
        out += [KeepTogether([pair]), Spacer(1, 4 * mm)]
    return out


def _strings(rows: list[LedgerRow], stats: list[YearStatistics], heading: str, caption: str) -> str:
    parts = [heading, caption, *(_(t) for _k, t, _w, _a in PDF_COLUMNS)]
    for n, row in enumerate(rows, start=1):
        parts += [_text(row, n, k) for k, _t, _w, _a in PDF_COLUMNS]
    parts += [kind_label(k) for y in stats for k in y.by_kind] + [st.label for y in stats for st in y.by_stage]
    parts += [_("Yearly statistics"), _("By kind"), _("By stage"), _("Contracts"), _("Amount"), _(TOTAL_LABEL),
              _("year not known"), ngettext("{n} contract", "{n} contracts", len(rows)).format(n=len(rows)), "0123456789第页共年"]
    return "".join(parts)


def _canvas(heading: str, today: date, body_font: str):
    """Pages drawn first, numbered when the total is known: the ledger's name above, 第 N 页 共 M 页 below."""

    class LedgerCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            kwargs["initialFontName"] = body_font
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self.setFont(body_font, 9)

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()
            self.setFont(body_font, 9)

        def save(self) -> None:
            total = len(self._pages)
            width, height = self._pagesize
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(body_font, 8)
                self.drawString(MARGIN, height - MARGIN - 4 * mm, heading)
                self.drawRightString(width - MARGIN, height - MARGIN - 4 * mm, today.isoformat())
                self.setFont(body_font, 9)
                self.drawCentredString(width / 2, MARGIN, footer_text(number, total))
                self.restoreState()
                Canvas.showPage(self)
            Canvas.save(self)

    return LedgerCanvas


def render_ledger_pdf(rows: list[LedgerRow], *, office: str = "", filter: LedgerFilter | None = None, today: date,
                      font_preference: FontPreference = FontPreference.AUTO, fonts_folder: Path | None = None) -> bytes:
    """The ledger (rows kept by `filter`) and its yearly statistics as PDF bytes."""
    filter = filter or LedgerFilter()
    kept = filter.apply(rows)
    stats = statistics(kept)
    fonts = choose_fonts(font_preference, fonts_folder or windows_fonts_folder())
    body, heading_font = register(fonts)
    s = _styles(body, heading_font)
    heading, caption = ledger_heading(office), ledger_caption(filter, today)
    text = _strings(kept, stats, heading, caption)
    refuse_missing_glyphs(text, (body, heading_font))
    story: list[Flowable] = [Paragraph(escape(heading), s.title), Paragraph(escape(caption), s.caption)]
    story += _ledger_table(kept, s)
    story += _statistics(stats, s)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + HEADER_SPACE,
        bottomMargin=MARGIN + FOOTER_SPACE, title=heading, subject=caption, creator="ContractDesk",
    )
    doc.build(story, canvasmaker=_canvas(heading, today, body))
    return buffer.getvalue()


def export_ledger_pdf(rows: list[LedgerRow], out: Path, **options) -> None:
    """Write the ledger PDF atomically (see render_ledger_pdf for the options)."""
    data = render_ledger_pdf(rows, **options)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
