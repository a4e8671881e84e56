"""A scanned signed original compared with the packet it was printed from: the same number of pages, and — where
the scan has text (a PDF printed to file, or a scan with a text layer) — the contract's number and total in it.

The packet is the contract as it was when its packet last went out (the revision kept at export or printing),
laid out again; a contract never exported is compared as it is now. A page missing from a scan, a scan of
another contract or of an older draft shows up here before the archive gets it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from app.base.i18n import _
from app.domain import Contract
from app.domain.attachment import AttachmentInfo
from app.values.file_types import FileType
from app.values.money import format_amount, rmb_upper

#: Text of fewer characters than this on all pages is a scan without a text layer.
MIN_TEXT = 20


@dataclass(frozen=True)
class ScanComparison:
    attachment: AttachmentInfo
    scan_pages: int
    packet_pages: int
    #: Where the packet came from: "the packet exported on …" or "the contract as it is now".
    packet_source: str
    has_text: bool
    number_found: bool | None = None  # None: the scan has no text to look in
    total_found: bool | None = None

    @property
    def problems(self) -> list[str]:
        """What does not match, one line each (empty: nothing found wrong)."""
        out = []
        if self.scan_pages != self.packet_pages:
            out.append(_("\"{name}\" has {scan} pages; {source} has {packet}").format(
                name=self.attachment.name, scan=self.scan_pages, source=self.packet_source, packet=self.packet_pages))
        if self.number_found is False:
            out.append(_("\"{name}\": the contract number is not found in its text").format(name=self.attachment.name))
        if self.total_found is False:
            out.append(_("\"{name}\": the contract total is not found in its text").format(name=self.attachment.name))
        return out

    @property
    def summary(self) -> str:
        """One line for lists: pages, and what its text showed."""
        pages = _("{scan} pages (packet: {packet})").format(scan=self.scan_pages, packet=self.packet_pages)
        if not self.has_text:
            return pages + _("; no text to check the number and total against (an image scan)")
        found = []
        for ok, label in ((self.number_found, _("number")), (self.total_found, _("total"))):
            found.append((_("{what} found") if ok else _("{what} not found")).format(what=label))
        return pages + _("; ") + _(", ").join(found)


def _folded(text: str) -> str:
    """Width and case folded, whitespace removed: "ＣＭＨＡ－ AY" and "cmha-ay" read alike."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def total_spellings(total: Decimal) -> list[str]:
    """How the total is written in a packet: 4,273,290.00, 4273290.00, 肆佰贰拾柒万叁仟贰佰玖拾元整."""
    out = [format_amount(total), format_amount(total, grouping=False), rmb_upper(total)]
    if total == total.to_integral_value():
        out += [f"{int(total):,}", f"{int(total)}"]
    return [_folded(s) for s in out]


def pdf_text(data: bytes) -> str:
    """The text of a PDF's pages ("" when it has none or cannot be read)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return ""


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def compare_scan(attachment: AttachmentInfo, data: bytes, packet_pdf: bytes, contract: Contract,
                 packet_source: str) -> ScanComparison:
    """Compare one scanned original (a PDF or an image) with the packet's PDF bytes."""
    packet_pages = pdf_page_count(packet_pdf)
    if attachment.type is not FileType.PDF:
        return ScanComparison(attachment, attachment.pages or 1, packet_pages, packet_source, has_text=False)
    text = _folded(pdf_text(data))
    scan_pages = attachment.pages or pdf_page_count(data)
    if len(text) < MIN_TEXT:
        return ScanComparison(attachment, scan_pages, packet_pages, packet_source, has_text=False)
    number = _folded(contract.number) in text
    total = any(s in text for s in total_spellings(contract.total))
    return ScanComparison(attachment, scan_pages, packet_pages, packet_source, True, number, total)
