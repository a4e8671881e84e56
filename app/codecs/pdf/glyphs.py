"""That the chosen fonts can print every character of a document: a character without a glyph prints blank, so
the export is refused instead, naming the characters. One check for the packet, the ledger and the archive packet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from reportlab.platypus import KeepTogether, Paragraph, Table

from app.base.errors import UserError
from app.base.i18n import _
from app.codecs.pdf.cost_table import PagedTable
from app.codecs.pdf.fonts import missing_characters
from app.codecs.pdf.paragraph import unescape_markup
from app.codecs.pdf.signing_page import SigningBlock


def printed_texts(flowable: Any) -> Iterator[str]:
    """Every string a flowable (or a table cell: a string, a flowable or a list of them) prints."""
    if isinstance(flowable, Paragraph):
        yield unescape_markup(flowable.text)
    elif isinstance(flowable, str):
        yield flowable
    elif isinstance(flowable, list):
        for part in flowable:
            yield from printed_texts(part)
    elif isinstance(flowable, (Table, PagedTable)):
        rows = flowable._cellvalues if isinstance(flowable, Table) else [flowable.header, *flowable.rows]
        for row in rows:
            for cell in row:
                yield from printed_texts(cell)
    elif isinstance(flowable, KeepTogether):
        yield from printed_texts(flowable._content)
    elif isinstance(flowable, SigningBlock):
        yield from flowable.lines()


def refuse_missing_glyphs(text: str, fonts: Iterable[str]) -> None:
    """Raise a UserError (field "font") naming up to ten characters of `text` one of `fonts` cannot print."""
    for font in fonts:
        missing = missing_characters(text, font)
        if missing:
            raise UserError(
                _("the font has no glyph for {chars}; these characters would print blank").format(
                    chars=" ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:10])
                ),
                "font",
            )
