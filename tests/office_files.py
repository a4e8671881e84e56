"""The test office's ¥80,000 contract in a database, and the files a clerk attaches (PDFs with text, scans, Word)."""

from __future__ import annotations

import io
from datetime import date

from app.domain import Events
from tests import office_scenario as sc


def store_contract(db, *, signed: bool = False, accepted: bool = False) -> str:
    """The scenario's contract stored as drafted (no signatures unless asked), with the test office's settings."""
    from app.ops.office import save_office_settings
    from app.store import contracts

    c = sc.contract()
    c.events = Events(signed_a=sc.SIGNED if signed else None, signed_b=sc.SIGNED if signed else None,
                      accepted=sc.ACCEPTED if accepted else None)
    contracts.save(db, c)
    save_office_settings(db, sc.TEST_OFFICE)
    return c.number


def pdf_bytes(*lines: str, pages: int = 1) -> bytes:
    """A text PDF of `pages` pages, each with `lines` (Chinese set in the bundled font)."""
    from reportlab.pdfgen.canvas import Canvas

    from app.codecs.pdf.fonts import bundled_fonts, register

    body, _heading = register(bundled_fonts())
    out = io.BytesIO()
    canvas = Canvas(out, initialFontName=body)
    for _n in range(pages):
        canvas.setFont(body, 12)
        for i, line in enumerate(lines):
            canvas.drawString(72, 760 - 18 * i, line)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def png_bytes(width: int = 620, height: int = 877) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle((40, 40, width - 40, 120), outline="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), "#dde").save(out, "JPEG")
    return out.getvalue()


def docx_bytes(text: str = "会议纪要") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "往来款"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def day(text: str) -> date:
    return date.fromisoformat(text)
