"""Print preview and printing of the real packet: the exported PDF's pages rendered with PDFium.

Qt's own PDF module is not in the Essentials wheel, so pages are rasterised with pypdfium2 at the
printer's resolution (capped) and painted onto the QPrinter, one PDF page per sheet, centred and scaled
to fit the printable area. pypdfium2 is imported on first use, never at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from app.base.errors import UserError
from app.base.i18n import _

#: Rasterising above this resolution only costs memory; 300 dpi is print quality for text and seals.
MAX_DPI = 300
PREVIEW_DPI = 150


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def _open(pdf: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise UserError(_("the PDF cannot be read: {error}").format(error=exc), "pdf") from exc


def _page_image(doc, n: int, dpi: int) -> QImage:
    page = doc[n]
    try:
        pil = page.render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        page.close()
    data = pil.tobytes("raw", "RGB")
    image = QImage(data, pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888).copy()
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    return image


def render_pages(pdf: bytes, dpi: int = PREVIEW_DPI, first: int = 0, last: int | None = None) -> list[QImage]:
    """Pages first..last (0-based, inclusive) of `pdf` as images at `dpi`."""
    doc = _open(pdf)
    try:
        stop = len(doc) - 1 if last is None else min(last, len(doc) - 1)
        return [_page_image(doc, n, dpi) for n in range(first, stop + 1)]
    finally:
        doc.close()


def paint_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Paint the pages the printer's range asks for; returns how many sheets were painted."""
    total = page_count(pdf)
    first, last = 0, total - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(0, printer.fromPage() - 1)
        last = min(total - 1, (printer.toPage() or total) - 1)
    dpi = min(MAX_DPI, max(72, printer.resolution()))
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(_("the printer cannot be opened"), printer.printerName() or "printer")
    painted = 0
    doc = _open(pdf)
    try:
        for n in range(first, last + 1):
            if painted:
                printer.newPage()
            image = _page_image(doc, n, dpi)
            area = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            area.moveTo(0, 0)
            size = image.size().toSizeF().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(area.x() + (area.width() - size.width()) / 2, area.y() + (area.height() - size.height()) / 2,
                            size.width(), size.height())
            painter.drawImage(target, image)
            painted += 1
    finally:
        painter.end()
        doc.close()
    return painted


def _printer(title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(False)
    return printer


def show_preview(pdf: bytes, title: str, parent: QWidget | None = None) -> QPrintPreviewDialog:
    """A print preview of the packet; the caller shows it (open() or exec()). Its Print button prints."""
    printer = _printer(title)
    dialog = QPrintPreviewDialog(printer, parent)
    setattr(dialog, "printer_ref", printer)  # noqa: B010 - the dialog does not own the printer; keep it alive
    dialog.setWindowTitle(_("Print preview — {title}").format(title=title))
    dialog.paintRequested.connect(lambda p: paint_pdf(p, pdf))
    dialog.resize(900, 1000)
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
