"""The packet as an editable Word document, in the PDF packet's order: title page, parties and preamble, the
clauses with their numbers, （以下无正文）, the signing page, the annexes (the cost table as a Word table whose
header row repeats on every page).

Clause texts are rendered exactly as the PDF renders them (app.export.pdf.story.render: fill-ins filled,
blank ones as 【　　】). Paragraph styles say what each paragraph is (CD Article, CD Clause Title, CD Numbered,
CD Body …), so a clerk can restyle the document in Word, and intake reads a clause's title back as a title.
"""

from __future__ import annotations

import io

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from app.domain import Annex, Contract, CostRow, table_total
from app.export.docx.fonts import HEI, SONG, add_font_table_entries, set_default_fonts, set_run_fonts
from app.export.pdf.annexes import annex_heading
from app.export.pdf.cost_table import COST_HEADER, COST_WIDTHS_MM, quantity_text
from app.export.pdf.pages import DRAFT_MARK, footer_text
from app.export.pdf.signing_page import LABELS, date_line
from app.export.pdf.story import NO_MORE_TEXT, filled, render
from app.money import format_amount, rmb_upper

BODY_PT = 12
LINE_PT = 21
CELL_PT = 9
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

    def para(self, text: str, style: str):
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            paragraph.add_run(text)
        return paragraph

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

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
        """One Word table: the header row repeats on each page, a row per cost row, 合计 and 合计金额（大写）."""
        table = self.doc.add_table(rows=1, cols=len(COST_HEADER))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        for cell, text in zip(header.cells, COST_HEADER, strict=True):
            _cell_text(cell, text, "CD Cell Head")
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        body = [
            [str(i), r.item, r.spec, r.unit, quantity_text(r.quantity), format_amount(r.unit_price), format_amount(r.amount),
             r.remark]
            for i, r in enumerate(rows, start=1)
        ]
        for values in body:
            cells = table.add_row().cells
            for k, (cell, text) in enumerate(zip(cells, values, strict=True)):
                paragraph = _cell_text(cell, text, "CD Cell")
                if k in (4, 5, 6):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                elif k in (0, 3):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        total = table_total(rows)
        sum_row = table.add_row().cells
        merged = sum_row[0].merge(sum_row[5])
        _cell_text(merged, "合计", "CD Cell").alignment = WD_ALIGN_PARAGRAPH.CENTER
        _cell_text(sum_row[6], "¥" + format_amount(total), "CD Cell").alignment = WD_ALIGN_PARAGRAPH.RIGHT
        upper_row = table.add_row().cells
        _cell_text(upper_row[0].merge(upper_row[-1]), f"合计金额（大写）：人民币{rmb_upper(total)}", "CD Cell")
        for row in table.rows:
            for cell, width in zip(row.cells, COST_WIDTHS_MM, strict=False):
                cell.width = Mm(width)

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

