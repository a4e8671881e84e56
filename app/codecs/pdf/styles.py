"""Page geometry and paragraph styles, in the spirit of GB/T 9704: A4, 37/35/28/26 mm margins, 16 pt body
(三号) on a 28 pt line, 22 pt (二号) title; smaller sizes here because contracts carry much more text."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm
MARGIN_BOTTOM = 35 * mm
MARGIN_LEFT = 28 * mm
MARGIN_RIGHT = 26 * mm
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM - 12  # less the frame's 6 pt paddings
BODY_SIZE = 12  # 小四
LEADING = 21
SEAL_DIAMETER = 42 * mm  # a round official seal is about 42 mm across
SIGNATURE_HEIGHT = 14 * mm
#: Where the visible digital-signature box goes on the signing page (x1, y1, x2, y2), below both party blocks.
SIGNATURE_BOX = (
    PAGE_WIDTH - MARGIN_RIGHT - 85 * mm,
    MARGIN_BOTTOM + 4 * mm,
    PAGE_WIDTH - MARGIN_RIGHT,
    MARGIN_BOTTOM + 30 * mm,
)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    numbered: ParagraphStyle
    article: ParagraphStyle
    subheading: ParagraphStyle
    title: ParagraphStyle
    cover_line: ParagraphStyle
    cover_date: ParagraphStyle
    annex_title: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    no_more: ParagraphStyle
    signing_title: ParagraphStyle


def make_styles(body_font: str, heading_font: str) -> Styles:
    """Every style names our fonts: a style left on Helvetica would put a non-embedded font in the PDF."""
    base = ParagraphStyle(
        "cd-body",
        fontName=body_font,
        fontSize=BODY_SIZE,
        leading=LEADING,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
        firstLineIndent=2 * BODY_SIZE,
        spaceAfter=0,
    )
    numbered = ParagraphStyle("cd-numbered", parent=base, firstLineIndent=0)
    cell = ParagraphStyle("cd-cell", parent=base, fontSize=9, leading=12, firstLineIndent=0, alignment=TA_LEFT)
    return Styles(
        body=base,
        numbered=numbered,
        article=ParagraphStyle("cd-article", parent=numbered, fontName=heading_font, spaceBefore=8, spaceAfter=2),
        subheading=ParagraphStyle("cd-sub", parent=numbered, fontName=heading_font),
        title=ParagraphStyle(
            "cd-title",
            parent=numbered,
            fontName=heading_font,
            fontSize=18,
            leading=32,
            alignment=TA_CENTER,
        ),
        cover_line=ParagraphStyle("cd-cover", parent=numbered, fontSize=12, leading=22, alignment=TA_LEFT),
        cover_date=ParagraphStyle("cd-cover-date", parent=numbered, fontSize=15, leading=24, alignment=TA_CENTER),
        annex_title=ParagraphStyle(
            "cd-annex",
            parent=numbered,
            fontName=heading_font,
            fontSize=15,
            leading=26,
            alignment=TA_CENTER,
            spaceAfter=10,
        ),
        cell=cell,
        cell_right=ParagraphStyle("cd-cell-r", parent=cell, alignment=2),
        cell_head=ParagraphStyle("cd-cell-h", parent=cell, fontName=heading_font, alignment=TA_CENTER),
        no_more=ParagraphStyle("cd-nomore", parent=numbered, alignment=TA_CENTER, spaceBefore=12),
        signing_title=ParagraphStyle(
            "cd-signing",
            parent=numbered,
            fontName=heading_font,
            fontSize=15,
            leading=26,
            spaceAfter=18,
        ),
    )
