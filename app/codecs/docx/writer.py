"""The packet as an editable Word document, in the PDF packet's order: title page, parties and preamble, the
clauses with their numbers, （以下无正文）, the signing page, the annexes (the cost table as a Word table whose
header row repeats on every page).

A cost table has the PDF's columns and rows (app.codecs.pdf.cost_table decides both): sections in bold with
their subtotals, 按实结算 rows, discount and VAT columns only when used, 合计（暂定） or the ceiling line.

Clause texts are rendered exactly as the PDF renders them (app.codecs.pdf.story.render: fill-ins filled,
blank ones as 【　　】). Paragraph styles say what each paragraph is (CD Article, CD Clause Title, CD Numbered,
CD Body …), so a clerk can restyle the document in Word, and intake reads a clause's title back as a title.
"""

from __future__ import annotations

import io
import unicodedata

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from app.codecs.docx.fonts import HEI, SONG, add_font_table_entries, set_default_fonts, set_run_fonts
from app.codecs.pdf.annexes import annex_heading
from app.codecs.pdf.cost_table import COST_HEADER, COST_WIDTHS_MM, ROUNDING_NOTE, columns_for
from app.codecs.pdf.cost_table import _row_values as row_values
from app.codecs.pdf.cost_table import _total_values as total_values
from app.codecs.pdf.pages import DRAFT_MARK, footer_text
from app.codecs.pdf.signing_page import LABELS, date_line
from app.codecs.pdf.story import NO_MORE_TEXT, filled, render
from app.domain import Annex, Contract, CostRow, CostTable, TotalKind
from app.domain.cost_table import format_rate
from app.values.money import format_amount, rmb_upper

BODY_PT = 12
LINE_PT = 21
CELL_PT = 9
#: A table with discount or VAT columns is set smaller, so its numbers fit the portrait page.
SMALL_CELL_PT = 7.5
#: How far a row's item moves right per level, so rows read as nested under their section.
LEVEL_INDENT_PT = 6
SECTION_SHADE = "F2F2F2"
#: How the text columns of a measured table share the width the numbers leave (the item's title, indented by
#: its level, needs the most).
TEXT_WEIGHTS = {"item": 32, "spec": 24, "remark": 20}
#: The width a table has on a landscape A4 page, between the packet's margins.
LANDSCAPE_WIDTH_MM = 297 - 28 - 26
#: The lines above a table stating the rates its rows inherit (intake reads them back).
TABLE_DISCOUNT_LABEL = "全表折扣率"
TABLE_VAT_LABEL = "全表增值税税率"
#: Paragraph styles: name → (font, size, bold, alignment, first-line indent in characters, space before, after).
STYLES = {
    "CD Body": (SONG, BODY_PT, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, 0, 0),
    "CD Numbered": (SONG, BODY_PT, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 0, 0, 0),
    "CD Article": (HEI, BODY_PT, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 8, 2),
    "CD Clause Title": (HEI, BODY_PT, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0, 0),
    "CD Cover": (SONG, BODY_PT, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0, 0),
    "CD Title": (HEI, 18, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 0, 0),
    "CD Cover Date": (SONG, 15, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 0, 0),
    "CD Annex Title": (HEI, 15, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 0, 10),
    "CD No More": (SONG, BODY_PT, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 12, 0),
    "CD Signing Title": (HEI, 15, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0, 18),
    "CD Signing": (SONG, 13, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0, 0),
    "CD Cell": (SONG, CELL_PT, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0, 0),
    "CD Cell Head": (HEI, CELL_PT, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 0, 0),
    "CD Cell Small": (SONG, SMALL_CELL_PT, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0, 0),
    "CD Cell Head Small": (HEI, SMALL_CELL_PT, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 0, 0),
}


def _styles(document) -> None:
    set_default_fonts(document)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    set_run_fonts(normal.element.get_or_add_rPr(), SONG)
    for name, (font, size, bold, align, indent, before, after) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        set_run_fonts(style.element.get_or_add_rPr(), font)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(indent * size) if indent else None
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = Pt(max(LINE_PT, size * 1.6)) if size >= BODY_PT else Pt(size * 1.35)
        fmt.widow_control = True
        if name in ("CD Article", "CD Clause Title", "CD Annex Title", "CD Signing Title"):
            fmt.keep_with_next = True


def _page(section) -> None:
    """A4 with the PDF packet's margins (37/35/28/26 mm)."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(20), Mm(15)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / shown result / end runs."""
    def run_with(*children):
        run = paragraph.add_run()
        for child in children:
            run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(instr)
    run_with(separate)
    paragraph.add_run(shown)
    run_with(end)


def _header_footer(section, number: str, draft: bool = False) -> None:
    """The registry number above and 第 X 页 共 Y 页 below every page but the title page (a different first page);
    a draft that has not passed the check says so above every page, the title page too."""
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.text = f"{number}　　{DRAFT_MARK}" if draft else number
    header.style = "CD Cover"
    if draft:
        first = section.first_page_header.paragraphs[0]
        first.text = DRAFT_MARK
        first.style = "CD Cover"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _sep, rest = footer_text(0, 0).partition("0")  # "第 ", " 页 共 ", " 页" from the PDF's own wording
    middle, _sep, after = rest.partition("0")
    footer.add_run(before)
    _field(footer, "PAGE", "1")
    footer.add_run(middle)
    _field(footer, "NUMPAGES", "1")
    footer.add_run(after)
    for paragraph in (header, footer):
        for run in paragraph.runs:
            run.font.size = Pt(9 if paragraph is header else 10.5)
            set_run_fonts(run._r.get_or_add_rPr(), SONG)


class _Writer:
    def __init__(self, contract: Contract, draft: bool = False) -> None:
        self.c = contract
        self.doc = docx.Document()
        _styles(self.doc)
        add_font_table_entries(self.doc)
        _page(self.doc.sections[0])
        _header_footer(self.doc.sections[0], contract.number, draft)
        self.landscape = False

    def para(self, text: str, style: str):
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            paragraph.add_run(text)
        return paragraph

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def new_section(self, *, landscape: bool) -> None:
        """A new page in a new section, landscape or portrait, with the same margins, header and footer."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        self.landscape = landscape

    def title_page(self) -> None:
        c = self.c
        year, _sep, month = c.drafted.partition("-")
        self.para(c.number, "CD Cover")
        self.para(f"甲方合同编号：【{filled(c.party_a_number)}】", "CD Cover")
        self.para(f"乙方合同编号：【{filled(c.party_b_number)}】", "CD Cover")
        for _ in range(6):
            self.doc.add_paragraph(style="CD Cover")
        self.para(c.title, "CD Title")
        for _ in range(5):
            self.doc.add_paragraph(style="CD Cover")
        self.para(f"【{filled(year)}】年【{filled(month)}】月", "CD Cover Date")
        self.page_break()

    def parties(self) -> None:
        for role, label in (("a", "甲方"), ("b", "乙方")):
            party = self.c.party(role)
            self.para(f"{label}：{party.name}", "CD Numbered")
            self.para(f"法定代表人（负责人）：{party.representative}", "CD Numbered")
            last = self.para(f"地址：{party.address}", "CD Numbered")
            last.paragraph_format.space_after = Pt(8)
        if self.c.preamble:
            for line in render(self.c.preamble, self.c, "preamble").split("\n"):
                self.para(line, "CD Body")

    def clauses(self) -> None:
        for depth, clause in self.c.all_clauses():
            text = render(clause.text, self.c, f"clause:{clause.no}") if clause.text else ""
            lines = text.split("\n") if text else []
            if depth == 0:
                self.para(" ".join(p for p in (clause.no, clause.title) if p), "CD Article")
                rest = lines
            elif clause.title:
                self.para(f"{clause.no} {clause.title}", "CD Clause Title")
                rest = lines
            else:
                first, rest = (lines[0], lines[1:]) if lines else ("", [])
                self.para(f"{clause.no} {first}".rstrip(), "CD Numbered")
            for line in rest:
                self.para(line, "CD Body")
        self.para(NO_MORE_TEXT, "CD No More")

    def signing_page(self) -> None:
        self.page_break()
        self.para("签字页：", "CD Signing Title")
        for role in ("a", "b"):
            signing = self.c.signing(role)
            label = LABELS[role]
            caption = signing.seal_caption or f"{label}（盖章）"
            first = self.para(f"{caption}：{self.c.party(role).name}", "CD Signing")
            first.paragraph_format.space_before = Pt(24 if role == "b" else 0)
            self.para(f"{label}代表签字：{signing.signatory}", "CD Signing").paragraph_format.space_before = Pt(36)
            self.para(date_line(self.c, role), "CD Signing").paragraph_format.space_before = Pt(36)

    def annex(self, annex: Annex) -> None:
        wide = annex.table is not None and len(columns_for(CostTable.of(annex.table).figures())) > len(COST_HEADER)
        if wide != self.landscape:
            self.new_section(landscape=wide)  # a table with discount or VAT columns gets a landscape page
        else:
            self.page_break()
        self.para(annex_heading(annex), "CD Annex Title")
        if annex.text:
            for line in render(annex.text, self.c, f"annex:{annex.no}").split("\n"):
                self.para(line, "CD Body")
        if annex.table is not None:
            self.cost_table(annex.table)
        if annex.pdf:
            self.para("（本附件为 PDF 文件，见 PDF 合同文本。）", "CD Body")

    def cost_table(self, rows: list[CostRow]) -> None:
        """One Word table with the PDF's columns, rows and totals; the header row repeats on each page.

        A flat table has the eight columns it always had; a section is set in bold with its subtotal, a row
        settled on actual quantities shows 按实结算, and the discount and VAT columns appear only when the table
        uses them, as in the PDF. The table's own rates are stated above it (全表折扣率, 全表增值税税率), so
        a reader — and intake — knows which rates the rows inherit."""
        table_rows = CostTable.of(rows)
        f = table_rows.figures()
        cols = columns_for(f)
        keys = [c.key for c in cols]
        if table_rows.discount is not None:
            self.para(f"{TABLE_DISCOUNT_LABEL}：{format_rate(table_rows.discount)}", "CD Numbered")
        if table_rows.vat_rate is not None:
            self.para(f"{TABLE_VAT_LABEL}：{format_rate(table_rows.vat_rate)}", "CD Numbered")
        wide = len(cols) > len(COST_HEADER)
        cell_style, head_style = ("CD Cell Small", "CD Cell Head Small") if wide else ("CD Cell", "CD Cell Head")
        table = self.doc.add_table(rows=1, cols=len(cols))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        for cell, col in zip(header.cells, cols, strict=True):
            _cell_text(cell, col.title, head_style)
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        item_col = keys.index("item")
        for index, (row, x) in enumerate(zip(table_rows, f.rows, strict=True), start=1):
            values = row_values(row, x, index, f.numbered)
            cells = table.add_row().cells
            for k, (cell, col) in enumerate(zip(cells, cols, strict=True)):
                paragraph = _cell_text(cell, values[col.key], cell_style)
                if col.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                elif col.center:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if k == item_col and row.level:
                    paragraph.paragraph_format.left_indent = Pt(LEVEL_INDENT_PT * row.level)
                if row.is_section:
                    for run in paragraph.runs:
                        run.bold = True
                    _shade(cell, SECTION_SHADE)
        self._totals(table, table_rows, f, cols, cell_style)
        if [c.title for c in cols] == list(COST_HEADER) and not f.numbered:
            widths: list[float] = [float(w) for w in COST_WIDTHS_MM]
        else:
            shown = [[c.text for c in row.cells] for row in table.rows[1:len(table_rows) + 2]]  # rows and 合计
            size = SMALL_CELL_PT if wide else CELL_PT
            widths = _measured_widths(cols, shown, size, LANDSCAPE_WIDTH_MM if self.landscape else sum(COST_WIDTHS_MM))
        _set_widths(table, widths)

    def _totals(self, table, rows: CostTable, f, cols, style: str) -> None:
        """合计 (合计（暂定） for an estimate) with the amount columns, its 大写, the ceiling line of a ceiling, and
        the rounding note under a table whose figures are derived — the rows the PDF prints."""
        keys = [c.key for c in cols]
        first_money = keys.index("net")
        estimate = rows.total_kind is TotalKind.ESTIMATE
        ceiling = rows.total_kind is TotalKind.CEILING
        priced = any(x.net is not None for row, x in zip(rows, f.rows, strict=True) if not row.is_section)
        if priced or not ceiling:
            sum_row = table.add_row().cells
            merged = sum_row[0].merge(sum_row[first_money - 1])
            _cell_text(merged, "合计（暂定）" if estimate else "合计", style).alignment = WD_ALIGN_PARAGRAPH.CENTER
            for key, text in total_values(f).items():
                if key in keys:
                    _cell_text(sum_row[keys.index(key)], text, style).alignment = WD_ALIGN_PARAGRAPH.RIGHT
            words = "暂定金额（大写）：人民币" if estimate else "合计金额（大写）：人民币"
            upper_row = table.add_row().cells
            _cell_text(upper_row[0].merge(upper_row[-1]), words + rmb_upper(f.total), style)
        if ceiling:
            total = self.c.total
            line = table.add_row().cells
            _cell_text(line[0].merge(line[-1]), f"合同金额上限：¥{format_amount(total)}（大写：人民币{rmb_upper(total)}），"
                                                 "按实结算，结算金额不超过上限", style)
        if not (len(cols) == len(COST_HEADER) and not (f.has_sections or f.has_settled)):
            note = table.add_row().cells
            _cell_text(note[0].merge(note[-1]), ROUNDING_NOTE, style)

    def build(self) -> bytes:
        self.title_page()
        self.parties()
        self.clauses()
        self.signing_page()
        for annex in self.c.annexes:
            self.annex(annex)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def _text_width_pt(text: str, size: float) -> float:
    """A line's width estimated from its characters: a full-width character is an em, anything else about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text) * size


def _measured_widths(cols, shown: list[list[str]], size: float, total_mm: float) -> list[float]:
    """Column widths in mm over `total_mm`: a number column as wide as its widest value (and the first word of its
    title), so numbers never wrap; the text columns share the rest by their weights."""
    pad_mm = 4.6  # Word's default cell margins, 0.19 cm each side, and a little air
    bold = 1.1  # a section's figures are bold
    widths: dict[int, float] = {}
    for i, col in enumerate(cols):
        if col.numeric or col.key in ("no", "unit"):
            values = [row[i] for row in shown if i < len(row) and row[i]]
            title = col.title.split("（")[0]
            widest = max([_text_width_pt(v, size) * bold for v in values] + [_text_width_pt(title[:4], size)])
            widths[i] = widest * 25.4 / 72 + pad_mm
    text_cols = [i for i, c in enumerate(cols) if i not in widths]
    room = total_mm - sum(widths.values())
    weights = {i: TEXT_WEIGHTS.get(cols[i].key, cols[i].weight) for i in text_cols}
    weight = sum(weights.values()) or 1.0
    least = 12.0 * len(text_cols)
    if room < least:  # even the numbers do not fit: everything shrinks alike, numbers may wrap
        scale = (total_mm - least) / sum(widths.values())
        widths = {i: w * scale for i, w in widths.items()}
        room = least
    for i in text_cols:
        widths[i] = room * weights[i] / weight
    return [widths[i] for i in range(len(cols))]


def _set_widths(table, widths_mm: list[float]) -> None:
    """Fixed column widths, in the table grid (which LibreOffice and WPS follow) and on every cell (Word)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_text(cell, text: str, style: str):
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    for k, piece in enumerate(text.split("\n")):
        if k:
            paragraph = cell.add_paragraph(style=style)
        if piece:
            paragraph.add_run(piece)
    return cell.paragraphs[0]


def render_docx(contract: Contract, draft: bool = False) -> bytes:
    """The packet as .docx bytes; UserError (naming the clause) for a clause template that cannot be filled in.
    `draft`: marked 草稿·未通过校验 on every page (a contract that has not passed the check)."""
    return _Writer(contract, draft).build()

