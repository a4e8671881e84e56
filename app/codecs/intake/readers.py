"""Reading a contract file (.docx, .txt, text PDF) into a `SourceDoc`, refusing what cannot be read with one line.

The format is told by the file's first bytes, not its name: an old binary Word file (.doc) or an encrypted
Word file, a zip, a PDF, RTF, else text. Every reader is bounded: the file size first, then the zip members
(app.codecs.intake.container), the PDF's page count and the length of the text taken from it.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _
from app.codecs.intake.document import Block, Place, SourceDoc, SourceKind
from app.codecs.intake.textcodec import decode_text

#: No contract text comes near this; a 200 MB file is refused before a byte of it is read.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 1_000
#: Characters of text taken in all (about a thousand pages); past this the file is refused rather than cut.
MAX_TEXT_CHARS = 2_000_000
#: A PDF with fewer visible characters than this per page holds pictures of pages, not text.
MIN_PDF_CHARS_PER_PAGE = 10

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
RTF_MAGIC = b"{\\rtf"

#: Page furniture of PDF packets: 第 3 页 共 11 页, - 3 -, 3 / 11, Page 3.
_PAGE_NUMBER = re.compile(r"^\s*(第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?|[-—–]\s*\d+\s*[-—–]|\d+\s*/\s*\d+|page\s*\d+(\s*of\s*\d+)?)\s*$",
                          re.IGNORECASE)


def read_document(path: str | Path) -> SourceDoc:
    """The file as blocks; UserError (exit code 2) naming the file and the problem when it cannot be read."""
    file = Path(path)
    where = file.name
    try:
        size = file.stat().st_size
        if file.is_dir():
            raise UserError(_("is a folder, not a file"), str(file))
        if size > MAX_FILE_BYTES:
            raise UserError(_("the file is larger than {mb} MB; a contract text is far smaller, so it is not read").format(
                mb=MAX_FILE_BYTES // (1024 * 1024)), where)
        with file.open("rb") as fh:
            head = fh.read(1024)
    except FileNotFoundError as exc:
        raise UserError(_("no such file"), str(file)) from exc
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(file)) from exc
    if size == 0:
        raise UserError(_("the file is empty"), where)
    if head.startswith(OLE_MAGIC):
        raise UserError(_("this is an old Word .doc file (or a password-protected one); open it in Word or WPS, "
                          "save it as .docx without a password and read that"), where)
    if head.startswith(ZIP_MAGIC):
        return read_docx(file)
    if PDF_MAGIC in head:
        return read_pdf(file)
    if head.lstrip().startswith(RTF_MAGIC):
        raise UserError(_("this is an RTF file; open it in Word or WPS, save it as .docx and read that"), where)
    return read_text(file)


def _too_long(where: str) -> UserError:
    return UserError(_("the file holds more than {n} characters of text; that is not a contract").format(
        n=f"{MAX_TEXT_CHARS:,}"), where)


# ---------------------------------------------------------------- text


def text_blocks(text: str, doc: SourceDoc) -> SourceDoc:
    """One block per non-blank line; blank lines and form feeds only mark a gap before the next line."""
    gap = False
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        pieces = line.split("\f")
        if len(pieces) > 1:
            gap = True
        line = "".join(pieces).rstrip()
        if not line.strip():
            gap = True
            continue
        doc.blocks.append(Block(text=line, place=Place(line=number), gap_before=gap,
                                indented=line[:1] in (" ", "\u3000", "\t")))
        gap = False
    return doc


def read_text(file: Path) -> SourceDoc:
    where = file.name
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(file)) from exc
    text, encoding = decode_text(data, where)
    if len(text) > MAX_TEXT_CHARS:
        raise _too_long(where)
    doc = SourceDoc(kind=SourceKind.TEXT, name=file.name, encoding=encoding)
    return text_blocks(text, doc).finish()


# ---------------------------------------------------------------- Word


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _table_rows(table) -> list[list[str]]:
    """The table's rows as text, a cell per grid column; a cell merged across columns is read once, in its first
    column, the columns it covers left empty (python-docx repeats it per column), so every figure stays under
    its header (合计 merged over 序号…单价 keeps its amount in the 金额 column)."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous: object = None
        for cell in row.cells:
            if cell._tc is previous:
                cells.append("")
                continue
            previous = cell._tc
            cells.append(_cell_text(cell).replace("\t", " "))
        rows.append(cells)
    return rows


def read_docx(file: Path) -> SourceDoc:
    from app.codecs.intake.container import check_docx_container

    where = file.name
    check_docx_container(file, where)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(file))
        doc = SourceDoc(kind=SourceKind.DOCX, name=file.name)
        paragraph_no = table_no = 0
        total = 0
        gap = False
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                paragraph_no += 1
                text = item.text.replace("\r", "")
                if _has_page_break(item):
                    gap = True
                if not text.strip():
                    gap = True
                    continue
                total += len(text)
                style = item.style.name if item.style is not None else ""
                doc.blocks.append(Block(text=text.rstrip(), place=Place(paragraph=paragraph_no), gap_before=gap,
                                        style=style or ""))
                gap = False
            elif isinstance(item, Table):
                table_no += 1
                rows = [r for r in _table_rows(item) if any(c.strip() for c in r)]
                total += sum(len(c) for r in rows for c in r)
                if rows:
                    doc.blocks.append(Block(text="", place=Place(table=table_no), rows=rows, gap_before=True))
                gap = True
            if total > MAX_TEXT_CHARS:
                raise _too_long(where)
    except UserError:
        raise
    except Exception as exc:  # python-docx raises many kinds on a damaged or foreign package
        raise UserError(_("the Word file is damaged or is not a Word document ({error})").format(
            error=type(exc).__name__), where) from exc
    return doc.finish()


def _has_page_break(paragraph) -> bool:
    from docx.oxml.ns import qn

    return any(br.get(qn("w:type")) == "page" for br in paragraph._p.iter(qn("w:br")))


# ---------------------------------------------------------------- PDF


def _furniture(pages: list[list[str]]) -> set[str]:
    """Lines repeated at the top or bottom of most pages (a running header such as the registry number)."""
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for lines in pages:
        filled = [ln.strip() for ln in lines if ln.strip()]
        for ln in set(filled[:2] + filled[-3:]):
            counts[ln] = counts.get(ln, 0) + 1
    return {ln for ln, n in counts.items() if n >= max(3, int(0.6 * len(pages))) and not _PAGE_NUMBER.match(ln)}


def _strip_furniture(line: str, furniture: set[str]) -> str:
    """The line without a running header that the text extraction glued to it ("…相关经CMHA-AY-202500441")."""
    stripped = line.strip()
    for item in furniture:
        if len(item) >= 6 and stripped != item:
            if stripped.endswith(item):
                return line.rstrip()[: -len(item)]
            if stripped.startswith(item):
                return line.replace(item, "", 1)
    return line


def read_pdf(file: Path) -> SourceDoc:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    where = file.name
    try:
        reader = PdfReader(str(file), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise UserError(_("the PDF is protected by a password; save an unprotected copy and read that"),
                                    where)
            except (PyPdfError, NotImplementedError) as exc:
                raise UserError(_("the PDF is protected by a password; save an unprotected copy and read that"),
                                where) from exc
        count = len(reader.pages)
        if count == 0:
            raise UserError(_("the PDF has no pages"), where)
        if count > MAX_PDF_PAGES:
            raise UserError(_("the PDF has {n} pages; at most {max} are read").format(n=count, max=MAX_PDF_PAGES),
                            where)
        pages: list[list[str]] = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_TEXT_CHARS:
                raise _too_long(where)
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    except UserError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError,
            ArithmeticError, NotImplementedError) as exc:
        raise UserError(_("the PDF is damaged and cannot be read ({error})").format(error=type(exc).__name__),
                        where) from exc
    visible = sum(len(ln.strip()) for lines in pages for ln in lines)
    if visible < MIN_PDF_CHARS_PER_PAGE * len(pages):
        raise UserError(_("the PDF holds no text, only images of pages (a scan?); text recognition (OCR) is not "
                          "done here: ask for the Word file or a text PDF"), where)
    furniture = _furniture(pages)
    doc = SourceDoc(kind=SourceKind.PDF, name=file.name, pages=len(pages))
    for page_no, lines in enumerate(pages, start=1):
        # the first page keeps a repeated line: the packet's registry number heads the title page as content
        repeated = furniture if page_no > 1 else set()
        for line_no, raw in enumerate(lines, start=1):
            line = _strip_furniture(raw, repeated)
            if not line.strip() or _PAGE_NUMBER.match(line) or line.strip() in repeated:
                continue
            doc.blocks.append(Block(text=line.rstrip(), place=Place(page=page_no, line=line_no),
                                    indented=line[:1] in (" ", "\u3000", "\t")))
    return doc.finish()
