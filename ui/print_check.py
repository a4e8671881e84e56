"""The `selftest` print check: the packet printed through the real print path (QPrinter, the Windows printer
driver, the spooler) onto "Microsoft Print to PDF", which writes a file instead of paper.

The output file is handed to the driver (Qt passes it to StartDoc), so no "Save as" dialog appears. Its name
must not end in .pdf: Qt would then write the PDF itself and bypass the driver this is meant to test.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QApplication

from app.base.i18n import _
from app.ops.selftest import FAILED, OK, PDF_PRINTER, SKIPPED, Step
from ui.print_preview import page_count, paint_pdf

#: How long the spooler may take to hand the driver's file over.
SPOOL_SECONDS = 60


def print_check(pdf: bytes, folder: Path, printer_name: str = PDF_PRINTER) -> Step:
    """Print `pdf` on `printer_name` into a file in `folder`; ok when a PDF with every page comes out."""
    if not isinstance(QApplication.instance(), QApplication):
        QApplication([])
    names = QPrinterInfo.availablePrinterNames()
    if printer_name not in names:
        return Step("print", SKIPPED, _("no printer named {name} here (printers: {names})").format(
            name=printer_name, names=", ".join(names) or "-"))
    target = folder / "printed-by-driver.prn"
    printer = QPrinter(QPrinterInfo.printerInfo(printer_name), QPrinter.PrinterMode.HighResolution)
    printer.setDocName("ContractDesk selftest")
    printer.setOutputFileName(str(target))
    if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat:
        return Step("print", FAILED, _("Qt would write the file itself instead of the printer driver"))
    sheets = paint_pdf(printer, pdf)
    deadline = time.monotonic() + SPOOL_SECONDS
    size = -1
    while time.monotonic() < deadline:
        now = target.stat().st_size if target.exists() else -1
        if now > 0 and now == size:  # the spooler has finished writing
            break
        size = now
        time.sleep(1)
    if not target.exists() or target.stat().st_size == 0:
        return Step("print", FAILED, _("{name} wrote nothing to {file} within {seconds} s").format(
            name=printer_name, file=target, seconds=SPOOL_SECONDS))
    data = target.read_bytes()
    if not data.startswith(b"%PDF"):
        return Step("print", FAILED, _("{file} is not a PDF").format(file=target))
    pages = page_count(data)
    if pages != sheets:
        return Step("print", FAILED, _("{sheets} sheets printed, {pages} pages came out").format(
            sheets=sheets, pages=pages))
    return Step("print", OK, _("{pages} pages printed on {name} ({size} bytes)").format(
        pages=pages, name=printer_name, size=len(data)))
