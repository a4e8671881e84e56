"""Annexes in the packet: text annexes as paragraphs, the cost table as a ruled table whose header repeats on
every page, and attached PDF annexes merged in their place with the page numbering continued."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Spacer

from app.base.errors import UserError
from app.base.i18n import _
from app.codecs.pdf.cost_table import cost_table
from app.codecs.pdf.pages import Layout, Marker, decorate
from app.codecs.pdf.paragraph import ChineseParagraph, escape_markup
from app.codecs.pdf.styles import Styles
from app.domain import Annex, Contract
from app.rules.templating import TemplateProblem, render_contract_text

if TYPE_CHECKING:
    from pypdf import PdfReader

MAX_ANNEX_PAGES = 2000


def annex_heading(annex: Annex) -> str:
    return f"附件{annex.no}：{annex.title}"


@dataclass
class AttachedPdf:
    after_page: int  # ReportLab page the attachment follows
    reader: PdfReader


def _attached_reader(annex: Annex) -> PdfReader:
    from pypdf import PdfReader  # pypdf only for a packet with attached PDFs: a cold export starts sooner
    from pypdf.errors import PyPdfError

    where = f"annex:{annex.no}"
    try:
        reader = PdfReader(io.BytesIO(annex.pdf or b""))
        if reader.is_encrypted:
            raise UserError(_("the attached PDF is encrypted; attach an unencrypted copy"), where)
        count = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise UserError(_("the attached PDF cannot be read"), where) from exc
    if count == 0 or count > MAX_ANNEX_PAGES:
        raise UserError(_("the attached PDF has {n} pages").format(n=count), where)
    return reader


def annex_flowables(contract: Contract, annex: Annex, s: Styles, layout: Layout) -> list[Flowable]:
    """A new page, the annex title (附件3：费用明细表), then its text, table or attached pages."""
    out: list[Flowable] = [PageBreak(), ChineseParagraph(escape_markup(annex_heading(annex)), s.annex_title)]
    if annex.text:
        try:
            text = render_contract_text(annex.text, contract).text
        except TemplateProblem as exc:
            raise UserError(
                _("the text cannot be filled in: {problem}").format(problem=exc.message), f"annex:{annex.no}"
            ) from exc
        out += [ChineseParagraph(escape_markup(line), s.body) for line in text.split("\n")]
    if annex.table is not None:
        out += [Spacer(0, 2 * mm), *cost_table(annex.table, s, contract_total=contract.total)]
    if annex.pdf:
        reader = _attached_reader(annex)

        def record(page: int) -> None:
            layout.attachments.append(AttachedPdf(page, reader))
            layout.inserts.append((page, len(reader.pages)))

        out.append(Marker(record))
    return out


def merge_attachments(packet: io.BytesIO | str, layout: Layout, out) -> None:
    """Insert each attached PDF after its title page and stamp its pages with the header, footer and seal strip."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=packet)
    offset = 0
    for attachment in sorted(layout.attachments, key=lambda a: a.after_page):
        position = attachment.after_page + offset
        for k, page in enumerate(attachment.reader.pages):
            # No links or page actions (JavaScript) from an attached file reach the packet; removed before
            # copying, because objects they reference would otherwise still be written.
            for key in ("/Annots", "/AA"):
                if key in page:
                    del page[key]
            added = writer.insert_page(page, position + k)
            if added.rotation:
                added.transfer_rotation_to_content()  # so the footer lands at the bottom of the page as seen
            box = added.mediabox
            width, height = float(box.width), float(box.height)
            printed = layout.printed_number(attachment.after_page) + 1 + k
            overlay = io.BytesIO()
            canvas = Canvas(overlay, pagesize=(width, height), initialFontName=layout.body_font)
            decorate(canvas, layout, printed, width, height)
            canvas.showPage()
            canvas.save()
            stamp = PdfReader(overlay).pages[0]
            added.merge_transformed_page(stamp, Transformation().translate(float(box.left), float(box.bottom)))
        offset += len(attachment.reader.pages)
    writer.write(out)
