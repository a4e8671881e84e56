"""The packet as a ReportLab story: title page, parties and preamble, clauses, signing page, annexes.

Every text that comes from a template is rendered here; a template that cannot render becomes a UserError
naming the clause, never a crash or a half-printed packet.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from app.base.errors import UserError
from app.base.i18n import _
from app.codecs.pdf.annexes import annex_flowables
from app.codecs.pdf.pages import Layout, Marker
from app.codecs.pdf.paragraph import ChineseParagraph, escape_markup
from app.codecs.pdf.signing_page import SigningBlock
from app.codecs.pdf.styles import Styles
from app.domain import Contract
from app.rules.templating import BLANK, TemplateProblem, render_contract_text

NO_MORE_TEXT = "（以下无正文）"


def para(text: str, style) -> ChineseParagraph:
    """A paragraph of plain text: markup characters are escaped, so clause text prints as written."""
    return ChineseParagraph(escape_markup(text), style)


def render(source: str, contract: Contract, where: str) -> str:
    try:
        return render_contract_text(source, contract).text
    except TemplateProblem as exc:
        raise UserError(_("the text cannot be filled in: {problem}").format(problem=exc.message), where) from exc


def filled(value: str) -> str:
    return value if value.strip() else BLANK


def title_page(contract: Contract, s: Styles) -> list[Flowable]:
    drafted_year, _sep, drafted_month = contract.drafted.partition("-")
    return [
        para(contract.number, s.cover_line),
        Spacer(0, 6 * mm),
        para(f"甲方合同编号：【{filled(contract.party_a_number)}】", s.cover_line),
        para(f"乙方合同编号：【{filled(contract.party_b_number)}】", s.cover_line),
        Spacer(0, 45 * mm),
        para(contract.title, s.title),
        Spacer(0, 40 * mm),
        para(f"【{filled(drafted_year)}】年【{filled(drafted_month)}】月", s.cover_date),
        PageBreak(),
    ]


def parties_block(contract: Contract, s: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for role, label in (("a", "甲方"), ("b", "乙方")):
        party = contract.party(role)
        out += [
            para(f"{label}：{party.name}", s.numbered),
            para(f"法定代表人（负责人）：{party.representative}", s.numbered),
            para(f"地址：{party.address}", s.numbered),
            Spacer(0, 4 * mm),
        ]
    return out


def clause_flowables(contract: Contract, s: Styles) -> list[Flowable]:
    """Article headings in the heading face; "1.2 text" on one paragraph; "1.1 title" then its paragraphs."""
    out: list[Flowable] = []
    for depth, clause in contract.all_clauses():
        where = f"clause:{clause.no}"
        text = render(clause.text, contract, where) if clause.text else ""
        lines = text.split("\n") if text else []
        if depth == 0:
            heading = " ".join(p for p in (clause.no, clause.title) if p)
            out.append(CondPageBreak(4 * s.body.leading))
            out.append(para(heading, s.article))
            out += [para(line, s.body) for line in lines]
        elif clause.title:
            out.append(para(f"{clause.no} {clause.title}", s.subheading))
            out += [para(line, s.body) for line in lines]
        else:
            first, rest = (lines[0], lines[1:]) if lines else ("", [])
            out.append(para(f"{clause.no} {first}".rstrip(), s.numbered))
            out += [para(line, s.body) for line in rest]
    return out


def signing_page(contract: Contract, s: Styles, layout: Layout) -> list[Flowable]:
    def record(page: int) -> None:
        layout.signing_page = page

    return [
        PageBreak(),
        Marker(record),
        para("签字页：", s.signing_title),
        SigningBlock(contract, "a", s),
        Spacer(0, 10 * mm),
        SigningBlock(contract, "b", s),
    ]


def build_story(contract: Contract, s: Styles, layout: Layout, *, annexes: bool) -> list[Flowable]:
    story = title_page(contract, s)
    story += parties_block(contract, s)
    if contract.preamble:  # one paragraph per line, as the clauses print (an imported head keeps its lines)
        story += [para(line, s.body) for line in render(contract.preamble, contract, "preamble").split("\n")]
    story += clause_flowables(contract, s)
    story.append(KeepTogether([para(NO_MORE_TEXT, s.no_more)]))
    story += signing_page(contract, s, layout)
    if annexes:
        for annex in contract.annexes:
            story += annex_flowables(contract, annex, s, layout)
    return story
