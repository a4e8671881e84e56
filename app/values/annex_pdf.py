"""A PDF a clerk attaches to a text annex: the size limit and the header check, before it is stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import _

MAX_PDF_BYTES = 20 * 1024 * 1024


def pdf_note(data: bytes | None) -> str | None:
    if data is None:
        return None
    return f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}"


def check_pdf(data: bytes, where: str) -> None:
    if len(data) > MAX_PDF_BYTES:
        raise UserError(
            _("the PDF is larger than {mb} MB").format(mb=MAX_PDF_BYTES // (1024 * 1024)),
            where,
        )
    if not data.lstrip()[:5] == b"%PDF-":
        raise UserError(_("not a PDF file"), where)


def read_pdf_file(path: Path) -> bytes:
    """Read a PDF a clerk picked, refusing a file that is too large or not a PDF before reading it all."""
    try:
        size = path.stat().st_size
        if size > MAX_PDF_BYTES:
            raise UserError(_("the PDF is larger than {mb} MB").format(mb=MAX_PDF_BYTES // (1024 * 1024)), path.name)
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(path)) from exc
    check_pdf(data, path.name)
    return data
