"""PDFium, one caller at a time, and the two things the app asks of it: a document opened, a page rendered.

PDFium (through pypdfium2) is not thread-safe, not even for two different documents: two threads in it at once can
crash the process. The window renders the signing page's preview on a worker thread (ui.signing_tab) while print
preview, printing, the print check or the self-test may render on another, so `document` holds `lock` from opening
the document to closing it. Every use of PDFium goes through here; pypdfium2 is imported on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.base.errors import UserError
from app.base.i18n import _

#: Held while a document is open: reentrant, so that code holding a document may open another.
lock = threading.RLock()


@contextmanager
def document(data: bytes) -> Iterator[Any]:
    """The PDF `data` open in PDFium (a pypdfium2 PdfDocument), the lock held until it is closed; UserError when
    PDFium cannot read it."""
    import pypdfium2

    with lock:
        try:
            doc = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            raise UserError(_("the PDF cannot be read: {error}").format(error=exc), "pdf") from exc
        try:
            yield doc
        finally:
            doc.close()


def page_image(doc: Any, index: int, scale: float) -> Any:
    """Page `index` (0-based) of an open `document`, rendered at `scale` (1 = 72 dpi), as a PIL image."""
    page = doc[index]
    try:
        return page.render(scale=scale).to_pil()
    finally:
        page.close()
