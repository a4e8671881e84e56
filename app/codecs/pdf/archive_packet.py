"""The archive packet: one PDF to hand to the archive office with everything produced around a contract.

A cover sheet (the contract's particulars, how each step went, and what the office's settings want in the archive
that is still missing), a 卷内目录 (the file list with each file's pages), then the files in a set order: the
counterparty's licence, the legality review opinion, the approval sheet and meeting minutes, the contract packet as
ContractDesk prints it, the scanned signed original, correspondence and other files — each kind in the order it
was attached. PDFs are merged (without their links or scripts), images become a page each; Word and Excel files
cannot be printed faithfully here, so the list names them with their SHA-256 and notes that they are kept as files.
The files' pages are numbered in the top right corner from 1, as archives number them; the cover and the list
are not numbered.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate, Table, TableStyle

from app.base.clock import local_time
from app.base.errors import UserError
from app.base.i18n import _, ngettext
from app.codecs.pdf.cost_table import HEADER_FILL
from app.codecs.pdf.fonts import FontPreference, choose_fonts, register, windows_fonts_folder
from app.codecs.pdf.glyphs import printed_texts, refuse_missing_glyphs
from app.codecs.pdf.paragraph import ChineseParagraph
from app.domain.attachment import AttachmentInfo
from app.domain.kinds import AttachmentKind
from app.rules.lifecycle.standing import Standing
from app.rules.lifecycle.steps import Step, StepState
from app.rules.scan_compare import ScanComparison
from app.values.file_types import FileType
from app.values.money import format_amount, rmb_upper

MARGIN = 18 * mm
IMAGE_MARGIN = 10 * mm
NUMBER_SIZE = 11
#: Where the contract packet goes among the attachments: after these kinds, before the rest.
BEFORE_PACKET = (AttachmentKind.COUNTERPARTY_LICENCE, AttachmentKind.REVIEW_OPINION, AttachmentKind.APPROVAL_SHEET,
                 AttachmentKind.MINUTES)


@dataclass(frozen=True)
class ArchiveFile:
    info: AttachmentInfo
    data: bytes


@dataclass(frozen=True)
class PacketEntry:
    """A line of the 卷内目录. `pages` is (first, last) in the archive's numbering; None for a file kept as a file."""

    no: int
    title: str
    kind: str
    date: str
    pages: tuple[int, int] | None
    note: str
    sha256: str = ""

    @property
    def pages_text(self) -> str:
        if self.pages is None:
            return "—"
        first, last = self.pages
        return str(first) if first == last else f"{first}–{last}"


@dataclass
class ArchivePacket:
    pdf: bytes
    entries: list[PacketEntry]
    missing: tuple[AttachmentKind, ...]
    numbered_pages: int
    front_pages: int
    comparisons: list[ScanComparison]


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    section: ParagraphStyle
    cell: ParagraphStyle
    small: ParagraphStyle
    head: ParagraphStyle
    warning: ParagraphStyle


def _styles(body: str, heading: str) -> _Styles:
    cell = ParagraphStyle("archive-cell", fontName=body, fontSize=9.5, leading=13, wordWrap="CJK")
    return _Styles(
        title=ParagraphStyle("archive-title", fontName=heading, fontSize=22, leading=30, alignment=TA_CENTER,
                             spaceAfter=4 * mm),
        subtitle=ParagraphStyle("archive-subtitle", fontName=body, fontSize=12, leading=17, alignment=TA_CENTER,
                                spaceAfter=6 * mm, wordWrap="CJK"),
        section=ParagraphStyle("archive-section", fontName=heading, fontSize=12, leading=17, spaceBefore=5 * mm,
                               spaceAfter=2 * mm),
        cell=cell,
        small=ParagraphStyle("archive-small", parent=cell, fontSize=7, leading=9),
        head=ParagraphStyle("archive-head", parent=cell, fontName=heading, alignment=TA_CENTER),
        warning=ParagraphStyle("archive-warning", parent=cell, fontName=heading, fontSize=10.5, leading=15,
                               textColor=colors.HexColor("#b00020")),
    )


def _p(text: str, style: ParagraphStyle) -> ChineseParagraph:
    return ChineseParagraph(escape(text).replace("\n", "<br/>"), style)


def _grid(s: _Styles, header: bool = True) -> list[tuple]:
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), s.cell.fontName, 9.5, 13),  # else the cells' default, Helvetica, is not embedded
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    return style


def _day(iso: str) -> str:
    return local_time(iso)[:10] if iso else ""


# ------------------------------------------------------------------ files and pages


def _ordered(files: Sequence[ArchiveFile]) -> tuple[list[ArchiveFile], list[ArchiveFile]]:
    """The files before the contract packet and those after it, each in kind order, then as attached."""
    rank = {k: i for i, k in enumerate(AttachmentKind)}
    ordered = sorted(files, key=lambda f: (rank[f.info.kind], f.info.added_at, f.info.id))
    return [f for f in ordered if f.info.kind in BEFORE_PACKET], [f for f in ordered if f.info.kind not in BEFORE_PACKET]


def _image_page(data: bytes, name: str, body_font: str) -> bytes:
    """A one-page PDF showing the image whole, upright, on A4 (landscape for a wide image)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from app.codecs.pdf.seals import open_image

    image = open_image(data, name)
    flat = image.convert("RGB") if image.mode != "RGBA" else _on_white(image)
    size = landscape(A4) if flat.width > flat.height else A4
    room_w, room_h = size[0] - 2 * IMAGE_MARGIN, size[1] - 2 * IMAGE_MARGIN
    scale = min(room_w / flat.width, room_h / flat.height)
    width, height = flat.width * scale, flat.height * scale
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size, initialFontName=body_font)
    if data.startswith(b"\xff\xd8\xff") and _orientation(data) in (None, 1):
        picture = ImageReader(io.BytesIO(data))  # the JPEG as it is, not re-encoded
    else:
        buffer = io.BytesIO()
        flat.save(buffer, format="JPEG" if data.startswith(b"\xff\xd8\xff") else "PNG", quality=90)
        buffer.seek(0)
        picture = ImageReader(buffer)
    canvas.drawImage(picture, (size[0] - width) / 2, (size[1] - height) / 2, width, height)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _on_white(image):
    from PIL import Image

    base = Image.new("RGB", image.size, "white")
    base.paste(image, mask=image.split()[-1])
    return base


def _orientation(data: bytes) -> int | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as img:
            return img.getexif().get(0x0112)
    except (OSError, ValueError, SyntaxError):
        return None


def _pages_of(file: ArchiveFile, body_font: str):
    """The pypdf pages a file puts in the packet ([] for Word and Excel files)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    kind = file.info.type
    if not kind.merges:
        return []
    data = file.data if kind is FileType.PDF else _image_page(file.data, file.info.name, body_font)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UserError(_("the PDF is encrypted; attach an unencrypted copy"), file.info.name)
        return list(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UserError(_("the PDF cannot be read (it may be damaged)"), file.info.name) from exc


# ------------------------------------------------------------------ the cover and the list


def _facts(st: Standing, entries: list[PacketEntry], numbered: int, today: date, compiled_by: str) -> list[tuple[str, str]]:
    c, r, lc = st.contract, st.record, st.lifecycle
    reg, arch = lc.view(Step.REGISTRATION), lc.view(Step.ARCHIVING)
    filings = "；".join(f"{f.office} {f.on.isoformat()}" for f in lc.filings if f.office) or ""
    term = ""
    if r.term_start or r.term_end:
        term = f"{r.term_start.isoformat() if r.term_start else ''} — {r.term_end.isoformat() if r.term_end else ''}"
    files = len(entries)
    return [
        (_("Office"), st.settings.office),
        (_("Contract number"), c.number),
        (_("Contract title"), c.title),
        (_("Counterparty"), c.party(st.settings.counterparty_role()).name),
        (_("Contract amount"), f"¥{format_amount(c.total)}（{rmb_upper(c.total)}）"),
        (_("Contract kind"), r.kind.label if r.kind else ""),
        (_("Procurement method"), r.procurement.label if r.procurement else ""),
        (_("Major contract"), _("yes") if lc.major else _("no")),
        (_("Signing date"), c.events.effective.isoformat() if c.events.effective else ""),
        (_("Contract term"), term),
        (_("Registration number"), reg.detail if reg.state is StepState.DONE else ""),
        (_("Filed with"), filings),
        (_("Archive reference"), arch.detail if arch.state is StepState.DONE else ""),
        (_("Files in this packet"), _("{files}, {pages}").format(
            files=ngettext("{n} file", "{n} files", files).format(n=files),
            pages=ngettext("{n} numbered page", "{n} numbered pages", numbered).format(n=numbered))),
        (_("Compiled by"), compiled_by),
        (_("Compiled on"), today.isoformat()),
    ]


def _cover(st: Standing, entries: list[PacketEntry], numbered: int, missing: tuple[AttachmentKind, ...],
           comparisons: Sequence[ScanComparison], s: _Styles, today: date, compiled_by: str) -> list[Flowable]:
    width = A4[0] - 2 * MARGIN
    out: list[Flowable] = [_p(_("Contract archive file"), s.title), _p(st.contract.title, s.subtitle)]
    facts = [[_p(label, s.head), _p(value, s.cell)] for label, value in
             _facts(st, entries, numbered, today, compiled_by)]
    table = Table(facts, colWidths=[40 * mm, width - 40 * mm])
    table.setStyle(TableStyle([*_grid(s, header=False), ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL)]))
    out += [table, _p(_("How the steps went"), s.section)]
    rows = [[_p(t, s.head) for t in (_("Step"), _("Date"), _("State"), _("Details"))]]
    for view in st.lifecycle.steps:
        rows.append([_p(view.step.label, s.cell), _p(view.done_on.isoformat() if view.done_on else "", s.cell),
                     _p(view.status, s.cell), _p(view.detail, s.cell)])
    steps = Table(rows, colWidths=[32 * mm, 24 * mm, 60 * mm, width - 116 * mm], repeatRows=1)
    steps.setStyle(TableStyle(_grid(s)))
    out += [steps, _p(_("What the office's rules want in the archive"), s.section)]
    if missing:
        out.append(_p(_("Missing from this packet: {items}").format(items=_(", ").join(k.label for k in missing)),
                      s.warning))
    else:
        out.append(_p(_("Every file the office's rules want for this contract is in this packet."), s.cell))
    for comparison in comparisons:
        for problem in comparison.problems:
            out.append(_p(_("Check the scanned original: {problem}").format(problem=problem), s.warning))
    return out


def _contents(entries: list[PacketEntry], s: _Styles) -> list[Flowable]:
    width = A4[0] - 2 * MARGIN
    rows: list[list[Any]] = [[_p(t, s.head) for t in (_("No."), _("Title"), _("Kind"), _("Date"), _("Pages"),
                                                      _("Remarks"))]]
    for e in entries:
        title = [_p(e.title, s.cell)]
        if e.sha256:
            title.append(_p("SHA-256 " + e.sha256, s.small))
        rows.append([_p(str(e.no), s.cell), title, _p(e.kind, s.cell), _p(e.date, s.cell), _p(e.pages_text, s.cell),
                     _p(e.note, s.cell)])
    # the date column holds 2026-12-07 on one line (at 21 mm it broke as 2026-12-0|7)
    table = Table(rows, colWidths=[10 * mm, 55 * mm, 28 * mm, 24 * mm, 16 * mm, width - 133 * mm], repeatRows=1)
    table.setStyle(TableStyle([*_grid(s), ("ALIGN", (0, 0), (0, -1), "CENTER")]))
    return [PageBreak(), _p(_("File list"), s.title), table]


def _entry_note(file: ArchiveFile, comparisons: dict[int, ScanComparison]) -> str:
    if not file.info.type.merges:
        return _("{kind}, kept as a file (not printed here)").format(kind=file.info.type.label)
    comparison = comparisons.get(file.info.id)
    return comparison.summary if comparison is not None else file.info.note


def _front(story: list[Flowable], title: str, body_font: str) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=title, creator="ContractDesk",
                            initialFontName=body_font)  # else the pages start in Helvetica, never embedded
    doc.build(story)
    return out.getvalue()


def _stamp(writer, first: int, body_font: str) -> None:
    """Number the pages from `first` on (1, 2, …) in their top right corner, as an archive numbers them."""
    from pypdf import PdfReader, Transformation
    from reportlab.pdfgen.canvas import Canvas

    pages = writer.pages[first:]
    if not pages:
        return
    for page in pages:
        if page.rotation:
            page.transfer_rotation_to_content()
    overlay = io.BytesIO()
    canvas = Canvas(overlay, initialFontName=body_font)
    for n, page in enumerate(pages, start=1):
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        canvas.setPageSize((width, height))
        canvas.setFont(body_font, NUMBER_SIZE)
        canvas.drawRightString(width - 12 * mm, height - 12 * mm, str(n))
        canvas.showPage()
    canvas.save()
    stamps = PdfReader(overlay).pages
    for page, stamp in zip(pages, stamps, strict=True):
        box = page.mediabox
        page.merge_transformed_page(stamp, Transformation().translate(float(box.left), float(box.bottom)))


def build_archive_packet(st: Standing, contract_pdf: bytes, files: Sequence[ArchiveFile], *, today: date,
                         compiled_by: str, comparisons: Sequence[ScanComparison] = (),
                         font_preference: FontPreference = FontPreference.AUTO,
                         fonts_folder: Path | None = None) -> ArchivePacket:
    """The packet's PDF and its file list (see the module's docstring)."""
    from pypdf import PdfReader, PdfWriter

    fonts = choose_fonts(font_preference, fonts_folder or windows_fonts_folder())
    body, heading = register(fonts)
    by_id = {c.attachment.id: c for c in comparisons}
    before, after = _ordered(files)
    entries: list[PacketEntry] = []
    body_pages: list = []

    def add(title: str, kind: str, day: str, pages: list, note: str, sha256: str = "") -> None:
        span = (len(body_pages) + 1, len(body_pages) + len(pages)) if pages else None
        entries.append(PacketEntry(len(entries) + 1, title, kind, day, span, note, sha256))
        body_pages.extend(pages)

    def add_file(file: ArchiveFile) -> None:
        add(file.info.name, file.info.kind.label, _day(file.info.added_at), _pages_of(file, body),
            _entry_note(file, by_id), file.info.sha256)

    for file in before:
        add_file(file)
    signed = st.contract.events.effective
    add(_("Contract text as printed by ContractDesk"), _("contract packet"),
        signed.isoformat() if signed else today.isoformat(), list(PdfReader(io.BytesIO(contract_pdf)).pages), "")
    for file in after:
        add_file(file)

    s = _styles(body, heading)
    missing = st.missing_items
    story = _cover(st, entries, len(body_pages), missing, comparisons, s, today, compiled_by) + _contents(entries, s)
    refuse_missing_glyphs("".join(printed_texts(story)) + "0123456789", (body, heading))
    front = PdfReader(io.BytesIO(_front(story, _("Contract archive file") + " " + st.contract.number, body)))
    writer = PdfWriter()
    for page in front.pages:
        writer.add_page(page)
    for page in body_pages:
        for key in ("/Annots", "/AA"):  # no links or page scripts from an attached file reach the packet
            if key in page:
                del page[key]
        writer.add_page(page)
    _stamp(writer, len(front.pages), body)
    writer.add_metadata({"/Title": _("Contract archive file") + " " + st.contract.number, "/Creator": "ContractDesk"})
    out = io.BytesIO()
    writer.write(out)
    return ArchivePacket(out.getvalue(), entries, missing, len(body_pages), len(front.pages), list(comparisons))
