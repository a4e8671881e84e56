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
from app.base.i18n import N_, _
from app.codecs.office_zip import PartRules, check_parts

#: All members unpacked; the text of the longest contract is a few megabytes, pictures add some.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_MEMBERS = 5_000
DOCUMENT_PART = "word/document.xml"


_RULES = PartRules(
    max_unpacked_bytes=MAX_UNPACKED_BYTES,
    xml_suffixes=(".xml", ".rels"),
    too_large=N_("the Word file unpacks to more than {mb} MB; refused"),
    bomb=N_("the Word file part {part} is compressed suspiciously well (a zip bomb?); refused"),
    entities=N_("the Word file declares XML entities or a DTD ({part}); refused"),
    not_xml=N_("the Word file is damaged: {part} is not valid XML"),
)


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
            check_parts(archive, infos, _RULES, where)
    except zipfile.BadZipFile as exc:
        raise UserError(_("the Word file is damaged (not a readable zip file)"), where) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error, OSError) as exc:
        raise UserError(_("the Word file is damaged or uses an unsupported compression"), where) from exc
