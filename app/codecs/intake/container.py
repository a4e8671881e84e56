"""Refusing a hostile or unusable Word file before python-docx unpacks it.

A .docx is a zip of XML parts: its members are counted, their sizes and compression ratios checked (a zip
bomb unpacks kilobytes into gigabytes), and every XML part's prolog is parsed with defusedxml so that a DTD or
entity declaration (the "billion laughs") is refused before lxml sees the part. The same rules as the Excel
import (app.codecs.xlsx_import.check_container), with the Word file's own messages.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _

#: All members unpacked; the text of the longest contract is a few megabytes, pictures add some.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
#: Members larger than 1 MB may not compress better than this (a zip bomb does, by far).
MAX_RATIO = 150
MAX_MEMBERS = 5_000
DOCUMENT_PART = "word/document.xml"


class _StopAtRoot(Exception):
    pass


class _RootTarget:
    def start(self, tag, attrib):
        raise _StopAtRoot

    def close(self):
        return None


def _refuse_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> None:
    """Parse the prolog up to the root element with DTDs forbidden: entities can only be declared there."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    parser = DefusedXMLParser(target=_RootTarget(), forbid_dtd=True)
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(64 * 1024):
                parser.feed(chunk)
    except _StopAtRoot:
        return
    except DefusedXmlException as exc:
        raise UserError(_("the Word file declares XML entities or a DTD ({part}); refused").format(part=info.filename),
                        where) from exc
    except ParseError as exc:
        raise UserError(_("the Word file is damaged: {part} is not valid XML").format(part=info.filename), where) from exc


def check_docx_container(path: Path, where: str) -> None:
    """UserError unless `path` is a zip holding a Word document part, of bounded size, with no DTDs."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise UserError(_("the Word file has more than {n} parts; refused").format(n=MAX_MEMBERS), where)
            names = {i.filename for i in infos}
            if DOCUMENT_PART not in names:
                if "xl/workbook.xml" in names:
                    raise UserError(_("this is an Excel workbook, not a Word document"), where)
                raise UserError(_("not a Word .docx document (no document part inside)"), where)
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise UserError(_("the Word file unpacks to more than {mb} MB; refused").format(
                    mb=MAX_UNPACKED_BYTES // (1024 * 1024)), where)
            for info in infos:
                if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise UserError(_("the Word file part {part} is compressed suspiciously well (a zip bomb?); refused")
                                    .format(part=info.filename), where)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    _refuse_dtd(archive, info, where)
    except zipfile.BadZipFile as exc:
        raise UserError(_("the Word file is damaged (not a readable zip file)"), where) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error, OSError) as exc:
        raise UserError(_("the Word file is damaged or uses an unsupported compression"), where) from exc
