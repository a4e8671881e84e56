"""Which files may be kept with a contract, and whether a file is what its name says.

A clerk attaches PDFs, scans and photos (PNG, JPEG), and Word and Excel files (.docx, .xlsx and the older .doc,
.xls). The kind is taken from the name and must match the file's own first bytes: a "scan.pdf" that is really
an executable, or a Word file renamed .xlsx, is refused by name, because the archive and the system viewer
would otherwise be handed something else than the list says. PDFs must open (and not be encrypted: the archive
packet merges their pages) and images must decode; a file over the size limit is refused before it is read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from app.base.errors import UserError
from app.base.i18n import _

#: The largest file kept with a contract: a 100-page scan at 300 dpi fits; a film does not.
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
MAX_ATTACHMENT_MB = MAX_ATTACHMENT_BYTES // (1024 * 1024)
#: The most pages of an attached PDF (the same bound as a PDF annex).
MAX_PAGES = 2000
#: The longest file name kept.
MAX_NAME = 200
#: The PDF header may follow up to 1 KiB of other bytes (ISO 32000-1, 7.5.2, as readers accept it).
PDF_HEADER_WINDOW = 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileType(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"
    DOCX = "docx"
    XLSX = "xlsx"
    DOC = "doc"
    XLS = "xls"
    TEXT = "txt"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def label(self) -> str:
        return {
            FileType.PDF: "PDF", FileType.PNG: "PNG", FileType.JPEG: "JPEG",
            FileType.DOCX: _("Word document"), FileType.DOC: _("Word document"),
            FileType.XLSX: _("Excel workbook"), FileType.XLS: _("Excel workbook"),
            FileType.TEXT: _("text file"),
        }[self]

    @property
    def merges(self) -> bool:
        """Whether the archive packet can hold its pages (PDFs and images); Word and Excel stay files."""
        return self in (FileType.PDF, FileType.PNG, FileType.JPEG)


MEDIA_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileType.DOC: "application/msword",
    FileType.XLS: "application/vnd.ms-excel",
    FileType.TEXT: "text/plain",
}
TYPE_OF_MEDIA = {media: kind for kind, media in MEDIA_TYPES.items()}
EXTENSIONS = {
    ".pdf": FileType.PDF, ".png": FileType.PNG, ".jpg": FileType.JPEG, ".jpeg": FileType.JPEG,
    ".docx": FileType.DOCX, ".xlsx": FileType.XLSX, ".doc": FileType.DOC, ".xls": FileType.XLS,
    ".txt": FileType.TEXT,
}
#: For file dialogs: every name a clerk may attach.
PATTERNS = " ".join(f"*{ext}" for ext in EXTENSIONS)


@dataclass(frozen=True)
class FileFacts:
    """What a checked file is: its type and, for PDFs and images, how many pages it makes."""

    name: str
    type: FileType
    pages: int | None


def size_text(size: int) -> str:
    """1.2 MB, 340 KB, 12 bytes."""
    if size >= 1024 * 1024:
        return _("{n} MB").format(n=f"{size / (1024 * 1024):.1f}")
    if size >= 1024:
        return _("{n} KB").format(n=f"{size / 1024:.0f}")
    return _("{n} bytes").format(n=size)


def clean_name(name: str) -> str:
    """The file's own name (no folders), or a UserError: empty, too long, or characters that cannot be stored."""
    from app.values.text_checks import unstorable_char

    base = PurePath(name.replace("\\", "/")).name.strip()
    if not base:
        raise UserError(_("the file has no name"), "file")
    if unstorable_char(base) is not None or any(ord(ch) < 32 for ch in base):
        raise UserError(_("the file name has characters that cannot be stored"), "file")
    if len(base) > MAX_NAME:
        raise UserError(_("the file name is longer than {n} characters").format(n=MAX_NAME), "file")
    return base


def type_of_name(name: str) -> FileType:
    """The type the name says, or a UserError naming the file and the types that may be attached."""
    kind = EXTENSIONS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise UserError(_("only PDF, PNG, JPEG, Word (.docx, .doc), Excel (.xlsx, .xls) and text (.txt) files can be attached"),
                        name)
    return kind


def _zip_type(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return FileType.DOCX
    if "xl/workbook.xml" in names:
        return FileType.XLSX
    return None


def _ole_type(data: bytes) -> FileType | None:
    """An old Word or Excel file: an OLE2 compound file holding a WordDocument or Workbook (Book) stream."""
    if "WordDocument".encode("utf-16-le") in data:
        return FileType.DOC
    if "Workbook".encode("utf-16-le") in data or "Book\0".encode("utf-16-le") in data:
        return FileType.XLS
    return None


def sniff(data: bytes) -> FileType | None:
    """The file's type by its own bytes; None when it is none of the types that may be attached."""
    from app.values.images import image_format

    image = image_format(data)
    if image == "PNG":
        return FileType.PNG
    if image == "JPEG":
        return FileType.JPEG
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return FileType.PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data.startswith(OLE_MAGIC):
        return _ole_type(data)
    if _is_text(data):
        return FileType.TEXT
    return None


def _is_text(data: bytes) -> bool:
    """Plain text as a clerk's draft comes (UTF-8, with or without its mark, or GB18030): no control characters
    but tabs, line and page breaks."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text)
    return False


def pdf_pages(data: bytes, where: str) -> int:
    """How many pages a PDF has; a UserError when it cannot be read, is encrypted or is out of bounds."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UserError(_("the PDF is encrypted; attach an unencrypted copy"), where)
        count = len(reader.pages)
    except UserError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UserError(_("the PDF cannot be read (it may be damaged)"), where) from exc
    if count == 0 or count > MAX_PAGES:
        raise UserError(_("the PDF has {n} pages; from 1 to {most} can be attached").format(n=count, most=MAX_PAGES),
                        where)
    return count


def check_size(size: int, where: str) -> None:
    if size == 0:
        raise UserError(_("the file is empty"), where)
    if size > MAX_ATTACHMENT_BYTES:
        raise UserError(_("the file is {size}; files up to {limit} MB can be attached").format(
            size=size_text(size), limit=MAX_ATTACHMENT_MB), where)


def check_file(name: str, data: bytes) -> FileFacts:
    """Check a file before it is kept: its size, that its bytes are what its name says, that it opens."""
    from app.values.images import open_image

    name = clean_name(name)
    declared = type_of_name(name)
    check_size(len(data), name)
    actual = sniff(data)
    if actual is not declared:
        if actual is None:
            raise UserError(_("the file's content is not of type {kind}, whatever its name says").format(
                kind=declared.label), name)
        raise UserError(_("the file's content is of type {actual}, not {kind} as its name says").format(
            actual=actual.label, kind=declared.label), name)
    if declared is FileType.PDF:
        return FileFacts(name, declared, pdf_pages(data, name))
    if declared in (FileType.PNG, FileType.JPEG):
        open_image(data, name)
        return FileFacts(name, declared, 1)
    return FileFacts(name, declared, None)
