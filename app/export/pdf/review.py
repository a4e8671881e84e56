"""The review PDF for a paper review meeting: what changed since a revision, and the open comments.

Same embedded fonts as the packet. Removed text is printed red and struck through, added text green
and underlined, so the changes read on paper as they do on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer

from app.domain import Contract
from app.export.pdf.fonts import choose_fonts, register, windows_fonts_folder
from app.export.pdf.paragraph import ChineseParagraph
from app.export.pdf.styles import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    make_styles,
)
from app.fileio import atomic_path
from app.i18n import _
from app.review.clock import local_time
from app.review.diff import ContractDiff, Span
from app.review.model import Comment
from app.review.report import annex_lines, field_name, field_value, marked

REMOVED = '<font color="#b00020"><strike>{}</strike></font>'
ADDED = '<font color="#1b7f2a"><u>{}</u></font>'


@dataclass
class ReviewPacket:
    contract: Contract
    since: str  # how the base revision is named on the page
    diff: ContractDiff
    comments: list[Comment]


def spans_markup(spans: list[Span]) -> str:
    out = []
    for s in spans:
        text = escape(s.text).replace("\n", "<br/>")
        out.append(REMOVED.format(text) if s.kind == "removed" else ADDED.format(text) if s.kind == "added" else text)
    return "".join(out)


def _p(text: str, style) -> ChineseParagraph:
    return ChineseParagraph(escape(text).replace("\n", "<br/>"), style)


def review_story(packet: ReviewPacket, s) -> list[Flowable]:
    c, d = packet.contract, packet.diff
    story: list[Flowable] = [
        _p(_("Review: {number}").format(number=c.number), s.title),
        _p(c.title, s.numbered),
        _p(_("Changes since revision {rev}").format(rev=packet.since), s.numbered),
        Spacer(0, 4 * mm),
    ]
    if d.is_empty:
        story.append(_p(_("no changes"), s.numbered))
    if d.fields:
        story.append(_p(_("Fields"), s.article))
        for f in d.fields:
            old, new = escape(field_value(f.path, f.old)), escape(field_value(f.path, f.new))
            story.append(ChineseParagraph(f"{escape(field_name(f.path))}：{REMOVED.format(old)} → {ADDED.format(new)}", s.numbered))
    if d.clauses:
        story.append(_p(_("Clauses"), s.article))
        for cl in d.clauses:
            story.append(_p(f"{cl.no} {cl.new_title or cl.old_title}".strip(), s.subheading))
            story.append(ChineseParagraph(spans_markup(cl.spans), s.numbered))
    if d.annexes:
        story.append(_p(_("Annexes"), s.article))
        for a in d.annexes:
            lines = annex_lines(a)
            story.append(_p(lines[0], s.subheading))
            if a.spans:
                story.append(ChineseParagraph(spans_markup(a.spans), s.numbered))
            spans_line = "  " + marked(a.spans) if a.spans else None
            for line in lines[1:]:
                if line != spans_line:
                    story.append(_p(line.strip(), s.cell))
    story.append(_p(_("Open comments"), s.article))
    open_comments = [x for x in packet.comments if x.is_open]
    if not open_comments:
        story.append(_p(_("none"), s.numbered))
    for x in open_comments:
        story.append(_p(f"[{x.uid[:8]}] {x.target_text()} — {x.author}, {local_time(x.created_at)[:10]}", s.subheading))
        story.append(_p(x.text, s.numbered))
    return story


def _canvas_class(font: str) -> type[Canvas]:
    """A canvas that stays on the embedded font: a bare one writes Helvetica, not embedded, into every page."""

    class ReviewCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            kwargs["initialFontName"] = font
            super().__init__(*args, **kwargs)
            self.setFont(font, 12)

        def showPage(self) -> None:
            super().showPage()
            self.setFont(font, 12)

    return ReviewCanvas


def export_review_pdf(packet: ReviewPacket, out: Path) -> None:
    """Write the review PDF atomically."""
    import io

    body_font, heading_font = register(choose_fonts(fonts_folder=windows_fonts_folder()))
    styles = make_styles(body_font, heading_font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=_("Review: {number}").format(number=packet.contract.number),
                            subject=packet.contract.number, creator="ContractDesk")
    doc.build(review_story(packet, styles), canvasmaker=_canvas_class(body_font))
    with atomic_path(out) as tmp:
        tmp.write_bytes(buffer.getvalue())


def amendment_flowables(contract: Contract, amendments: list, s) -> list[Flowable]:
    """Amendments appended to the packet: each on a new page with its changes, clauses and annexes."""
    from reportlab.platypus import PageBreak

    from app.export.pdf.cost_table import cost_table
    from app.export.pdf.story import para

    out: list[Flowable] = []
    for a in amendments:
        out += [PageBreak(), para(f"{a.title or _('Amendment')}", s.title), para(a.number, s.cover_line)]
        if a.signed:
            out.append(para(_("signed on {date}").format(date=a.signed.isoformat()), s.cover_line))
        if a.changes:
            out.append(para(_("Changed terms"), s.article))
            for path in sorted(a.changes):
                out.append(para(f"{field_name(path)}：{field_value(path, a.changes[path])}", s.numbered))
        for clause in a.clauses:
            for _depth, sub in clause.walk():
                head = f"{sub.no} {sub.title}".strip()
                out.append(para(f"{head} {sub.text}".strip() if not sub.title else head, s.numbered if not sub.title else s.article))
                if sub.title and sub.text:
                    out.append(para(sub.text, s.numbered))
        for annex in a.annexes:
            out.append(para(_("Annex {no} {title}").format(no=annex.no, title=annex.title).strip(), s.annex_title))
            if annex.table is not None:
                out += cost_table(annex.table, s)
            elif annex.text:
                out.append(para(annex.text, s.body))
    return out
