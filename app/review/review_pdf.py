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

from app.base.clock import local_time
from app.base.fileio import atomic_path
from app.base.i18n import _
from app.codecs.pdf.fonts import choose_fonts, register, windows_fonts_folder
from app.codecs.pdf.paragraph import ChineseParagraph
from app.codecs.pdf.styles import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    make_styles,
)
from app.domain import Contract
from app.domain.comment import Comment
from app.review.diff import ContractDiff, Span
from app.review.report import annex_lines, marked
from app.rules.field_text import describe_target, field_name, field_value

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
        story.append(_p(f"[{x.uid[:8]}] {describe_target(x.target_kind, x.target)} — {x.author}, {local_time(x.created_at)[:10]}", s.subheading))
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
