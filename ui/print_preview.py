"""Print preview and printing of the real packet: the exported PDF's pages rendered with PDFium.

Qt's own PDF module is not in the Essentials wheel, so pages are rasterised with pypdfium2 at the
printer's resolution (capped) and painted onto the QPrinter, one PDF page per sheet, centred and scaled
to fit the printable area. The preview rasterises at the screen's resolution (its DPI × device pixel ratio,
what the page shows at on screen) and scales smoothly, so text stays crisp and thin table rules stay drawn;
its window fits the screen's free area (a 1366×768 office screen included). pypdfium2 is imported on first
use, never at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QImage, QPaintEngine, QPainter, QScreen
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from app.base.errors import UserError
from app.base.i18n import _
from app.base.pdfium import document, page_image

#: Rasterising above this resolution only costs memory; 300 dpi is print quality for text and seals.
MAX_DPI = 300
PREVIEW_DPI = 150
#: The preview's size when the screen has room for it (a page's proportions, with the toolbar).
PREVIEW_SIZE = QSize(900, 1000)
#: Kept free around the preview: its title bar and frame above, a margin to the screen's edges.
TITLE_ALLOWANCE, EDGE = 40, 12


def page_count(pdf: bytes) -> int:
    with document(pdf) as doc:
        return len(doc)


def _page_image(doc, n: int, dpi: int) -> QImage:
    pil = page_image(doc, n, dpi / 72).convert("RGB")
    data = pil.tobytes("raw", "RGB")
    image = QImage(data, pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888).copy()
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    return image


def render_pages(pdf: bytes, dpi: int = PREVIEW_DPI, first: int = 0, last: int | None = None) -> list[QImage]:
    """Pages first..last (0-based, inclusive) of `pdf` as images at `dpi`."""
    with document(pdf) as doc:
        stop = len(doc) - 1 if last is None else min(last, len(doc) - 1)
        return [_page_image(doc, n, dpi) for n in range(first, stop + 1)]


def paint_pdf(printer: QPrinter, pdf: bytes, dpi: int | None = None) -> int:
    """Paint the pages the printer's range asks for; returns how many sheets were painted.
    `dpi`: rasterise at this resolution (the preview's screen) instead of the printer's."""
    total = page_count(pdf)
    first, last = 0, total - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(0, printer.fromPage() - 1)
        last = min(total - 1, (printer.toPage() or total) - 1)
    dpi = dpi or min(MAX_DPI, max(72, printer.resolution()))
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(_("the printer cannot be opened"), printer.printerName() or "printer")
    # scaled smoothly: nearest-pixel scaling makes jagged text and drops one-pixel table rules
    painter.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform | QPainter.RenderHint.Antialiasing)
    painted = 0
    try:
        with document(pdf) as doc:
            for n in range(first, last + 1):
                if painted:
                    printer.newPage()
                image = _page_image(doc, n, dpi)
                area = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
                area.moveTo(0, 0)
                size = image.size().toSizeF().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRectF(area.x() + (area.width() - size.width()) / 2,
                                area.y() + (area.height() - size.height()) / 2, size.width(), size.height())
                painter.drawImage(target, image)
                painted += 1
    finally:
        painter.end()
    return painted


def _printer(title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(False)
    return printer


def screen_dpi(screen: QScreen) -> int:
    """The resolution a page shows at on `screen`, in device pixels: its DPI × its device pixel ratio."""
    return max(72, round(screen.logicalDotsPerInch() * screen.devicePixelRatio()))


def fit_on_screen(preferred: QSize, area: QRect) -> QRect:
    """Where a window of (at most) `preferred` size goes in the screen's free `area`: centred, and small
    enough that its title bar and bottom edge are both on the screen."""
    width = min(preferred.width(), area.width() - 2 * EDGE)
    height = min(preferred.height(), area.height() - TITLE_ALLOWANCE - EDGE)
    x = area.x() + (area.width() - width) // 2
    y = area.y() + TITLE_ALLOWANCE + max(0, (area.height() - TITLE_ALLOWANCE - EDGE - height) // 2)
    return QRect(x, y, width, height)


def show_preview(pdf: bytes, title: str, parent: QWidget | None = None) -> QPrintPreviewDialog:
    """A print preview of the packet; the caller shows it (open() or exec()). Its Print button prints."""
    printer = _printer(title)
    dialog = QPrintPreviewDialog(printer, parent)
    setattr(dialog, "printer_ref", printer)  # noqa: B010 - the dialog does not own the printer; keep it alive
    dialog.setWindowTitle(_("Print preview — {title}").format(title=title))
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()

    def paint(target: QPrinter) -> None:
        # The preview records pages with a picture engine and shows them on this screen; its Print button
        # paints the same printer with the printer's own engine, at the printer's resolution.
        previewing = target.paintEngine() is not None and target.paintEngine().type() == QPaintEngine.Type.Picture
        paint_pdf(target, pdf, screen_dpi(dialog.screen() or screen) if previewing else None)

    dialog.paintRequested.connect(paint)
    dialog.setGeometry(fit_on_screen(PREVIEW_SIZE, screen.availableGeometry()))
    fit_width = dialog.findChild(QAction, "fitWidthAction")  # Qt's own toolbar button, so it shows checked
    if fit_width is not None:  # on a low screen a whole page is too small to read: fit its width instead
        fit_width.trigger()
    return dialog


def print_with_dialog(pdf: bytes, title: str, parent: QWidget | None = None) -> bool:
    """The system print dialog, then print; False when the user cancelled."""
    printer = _printer(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, page_count(pdf))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    paint_pdf(printer, pdf)
    return True
