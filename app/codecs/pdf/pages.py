"""What every page carries: the registry number, 第 X 页 共 Y 页 and, if asked, its strip of the cross-page seal.

The total Y is known only when the whole packet is laid out, and attached PDF annexes add pages ReportLab
never sees, so the canvas keeps each page's drawing and adds the decorations when it saves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.base.errors import UserError
from app.codecs.pdf.seals import CrossPageSeal
from app.codecs.pdf.styles import MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP

HEADER_SIZE = 9
FOOTER_SIZE = 10.5
#: What every page of a packet that has not passed the check says (app.review.obstacles): the packet is a
#: Chinese document, so the mark is Chinese whatever the interface language.
DRAFT_MARK = "草稿·未通过校验"
DRAFT_COLOUR = (0.7, 0.1, 0.1)


class Cancelled(UserError):
    """The caller's cancel check said stop; nothing is written."""


@dataclass
class Layout:
    """Facts found while laying out, shared between the story's markers and the canvas."""

    number: str
    body_font: str
    inserts: list[tuple[int, int]] = field(default_factory=list)  # (after ReportLab page, attached page count)
    attachments: list = field(default_factory=list)  # annexes.AttachedPdf, in document order
    signing_page: int | None = None  # ReportLab page number (1-based) of the signing page
    rl_pages: int = 0
    seal: CrossPageSeal | None = None
    on_page: Callable[[int], None] | None = None  # called with the count of pages laid out so far
    #: Mark every page as a draft that has not passed the check (DRAFT_MARK).
    draft: bool = False

    @property
    def total_pages(self) -> int:
        return self.rl_pages + sum(n for _, n in self.inserts)

    def printed_number(self, rl_page: int) -> int:
        return rl_page + sum(n for after, n in self.inserts if after < rl_page)


def footer_text(page: int, total: int) -> str:
    return f"第 {page} 页 共 {total} 页"


def decorate(canvas: Canvas, layout: Layout, page: int, width: float, height: float) -> None:
    """Header, footer and seal strip for printed page `page` (1-based); the title page has no header or footer.
    A draft that has not passed the check says so at the top right of every page, the title page too."""
    canvas.saveState()
    if layout.draft:
        canvas.setFont(layout.body_font, FOOTER_SIZE)
        canvas.setFillColorRGB(*DRAFT_COLOUR)
        canvas.drawRightString(width - MARGIN_RIGHT, height - MARGIN_TOP + 12 * mm, DRAFT_MARK)
        canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(layout.body_font, FOOTER_SIZE)
    if page > 1:
        canvas.setFont(layout.body_font, HEADER_SIZE)
        canvas.drawString(MARGIN_LEFT, height - MARGIN_TOP + 12 * mm, layout.number)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_LEFT, height - MARGIN_TOP + 10 * mm, width - MARGIN_RIGHT, height - MARGIN_TOP + 10 * mm)
        canvas.setFont(layout.body_font, FOOTER_SIZE)
        canvas.drawCentredString(width / 2, 18 * mm, footer_text(page, layout.total_pages))
    if layout.seal is not None:
        layout.seal.draw_strip(canvas, page - 1, layout.total_pages, width, height)
    canvas.restoreState()


def canvas_maker(layout: Layout):
    """A Canvas class for `doc.build(canvasmaker=…)` that defers page decorations to save time."""

    class PacketCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            kwargs["initialFontName"] = layout.body_font
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self.setFont(layout.body_font, 12)  # never leave the canvas on Helvetica

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()
            self.setFont(layout.body_font, 12)
            if layout.on_page:
                layout.on_page(len(self._pages))

        def save(self) -> None:
            layout.rl_pages = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                decorate(self, layout, layout.printed_number(number), *self._pagesize)
                Canvas.showPage(self)
            Canvas.save(self)

    return PacketCanvas


class Marker(Flowable):
    """A zero-size flowable that records the page it lands on."""

    def __init__(self, record: Callable[[int], None]) -> None:
        super().__init__()
        self._record = record
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self) -> None:
        self._record(self.canv.getPageNumber())
