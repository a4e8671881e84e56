"""The printable PDF packet: contract, signing page and annexes, optionally cross-page sealed and PAdES-signed.

`export_pdf` lays the packet out with ReportLab, merges attached PDF annexes with pypdf, signs last with
pyHanko, and writes the result atomically: a failure or a cancel leaves nothing at the target path.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, SimpleDocTemplate

from app.base.fileio import atomic_path
from app.base.i18n import _
from app.codecs.pdf.annexes import merge_attachments
from app.codecs.pdf.fonts import FontPreference, choose_fonts, register, windows_fonts_folder
from app.codecs.pdf.glyphs import contract_places, printed_texts, refuse_missing_glyphs
from app.codecs.pdf.pages import Cancelled, Layout, canvas_maker
from app.codecs.pdf.seals import CrossPageSeal
from app.codecs.pdf.story import build_story
from app.codecs.pdf.styles import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SIGNATURE_BOX,
    make_styles,
)
from app.domain import Contract

__all__ = ["Cancelled", "FontPreference", "PdfOptions", "export_pdf", "render_pdf"]


@dataclass
class PdfOptions:
    """What to put in the packet and how. `progress(done, total)` is called as pages are laid out;
    `cancelled()` returning True stops the export with `Cancelled` and writes nothing."""

    annexes: bool = True
    cross_page_seal: Path | None = None
    sign_with: Path | None = None
    #: The password of `sign_with`, asked by the caller (the core never asks).
    password: bytes = b""
    font_preference: FontPreference = FontPreference.AUTO
    fonts_folder: Path | None = None  # system fonts folder; None means %WINDIR%\Fonts where there is one
    progress: Callable[[int, int], None] | None = None
    cancelled: Callable[[], bool] | None = None
    #: Amendments (app.domain.amendment.Amendment) to append after the annexes, each from a new page.
    amendments: list = field(default_factory=list)
    #: Mark every page "草稿·未通过校验": a packet of a contract that has not passed the check (app.ops.export).
    draft_mark: bool = False

    #: The contract's digest and audit-chain head (app.store.anchor.Anchor), written into the document
    #: information so `audit --verify --against` can check the database against the packet.
    anchor: Any = None


def _check_glyphs(story: list[Flowable], contract: Contract, fonts: tuple[str, str]) -> None:
    refuse_missing_glyphs("".join(printed_texts(story)) + contract.number, fonts, contract_places(contract))


def render_pdf(contract: Contract, options: PdfOptions | None = None) -> bytes:
    """The packet as PDF bytes (signed if asked); nothing is written."""
    opts = options or PdfOptions()
    fonts = choose_fonts(opts.font_preference, opts.fonts_folder or windows_fonts_folder())
    body_font, heading_font = register(fonts)
    styles = make_styles(body_font, heading_font)
    layout = Layout(
        number=contract.number,
        body_font=body_font,
        seal=CrossPageSeal(opts.cross_page_seal) if opts.cross_page_seal else None,
        draft=opts.draft_mark,
    )
    story = build_story(contract, styles, layout, annexes=opts.annexes)
    if opts.amendments:
        from app.codecs.pdf.amendments import amendment_flowables

        story += amendment_flowables(contract, opts.amendments, styles)
    _check_glyphs(story, contract, (body_font, heading_font))

    steps = len(story) + 2

    def on_page(pages: int) -> None:
        if opts.cancelled and opts.cancelled():
            raise Cancelled(_("the export was cancelled"), "export")

    layout.on_page = on_page

    class PacketTemplate(SimpleDocTemplate):
        _done = 0

        def afterFlowable(self, flowable) -> None:
            self._done += 1
            if opts.progress:
                opts.progress(min(self._done, steps - 2), steps)

    buffer = io.BytesIO()
    doc = PacketTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=contract.title,
        subject=contract.number,
        creator="ContractDesk",
        author=contract.party_b.name if contract.payee == "b" else contract.party_a.name,
    )
    maker = canvas_maker(layout)
    if opts.anchor is not None:
        from app.codecs.anchor import PDF_KEYS
        from app.codecs.pdf.metadata import with_information

        maker = with_information(maker, {PDF_KEYS[part]: value for part, value in opts.anchor.properties().items()})
    doc.build(story, canvasmaker=maker)
    if layout.attachments:
        merged = io.BytesIO()
        buffer.seek(0)
        merge_attachments(buffer, layout, merged)
        buffer = merged
    if opts.progress:
        opts.progress(steps - 1, steps)
    if opts.cancelled and opts.cancelled():
        raise Cancelled(_("the export was cancelled"), "export")
    data = buffer.getvalue()
    if opts.sign_with:
        from app.codecs.signing.pdf import sign_pdf

        data = sign_pdf(
            data,
            opts.sign_with,
            opts.password,
            page=(layout.signing_page or 1) - 1,
            box=SIGNATURE_BOX,
            stamp_font=fonts.stamp_ttf,
            reason=f"{contract.number}",
        )
    if opts.progress:
        opts.progress(steps, steps)
    return data


def export_pdf(contract: Contract, out: Path, options: PdfOptions | None = None) -> None:
    """Write the packet to `out` atomically (temporary file, fsync, rename)."""
    data = render_pdf(contract, options)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
