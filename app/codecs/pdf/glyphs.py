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
from app.domain import Contract
from app.rules.cost_cells import cell_where
from app.rules.fields import FIELDS, get_value, where_label


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


def contract_places(contract: Contract) -> Iterator[tuple[str, str]]:
    """(where, text) for each text of `contract` a clerk typed, in document order: the fields (instalments
    included), the preamble, each clause, each annex (its title, text and cost-table cells). `where` is a place as
    app.rules.fields.where_label names it; a cell is named by its row and column."""
    for pattern in FIELDS:
        paths = ([pattern.replace("[]", f"[{i}]") for i in range(len(contract.payments))] if "[]" in pattern
                 else [pattern])
        for path in paths:
            try:
                value = get_value(contract, path)
            except UserError:
                continue
            if isinstance(value, str):
                yield where_label(path), value
    yield where_label("preamble"), contract.preamble
    for _depth, clause in contract.all_clauses():
        yield where_label(f"clause:{clause.no}"), f"{clause.title}{clause.text}"
    for annex in contract.annexes:
        place = where_label(f"annex:{annex.no}")
        yield place, f"{annex.title}{annex.text or ''}"
        for number, row in enumerate(annex.table or [], 1):
            for column in ("item", "spec", "unit", "remark", "no"):
                yield f"{place}, {cell_where(number, column)}", str(getattr(row, column, "") or "")


def refuse_missing_glyphs(text: str, fonts: Iterable[str], places: Iterable[tuple[str, str]] = ()) -> None:
    """Raise a UserError naming up to ten characters of `text` one of `fonts` cannot print, and where the first of
    them was typed (the first of `places` holding one), so that the clerk can find it."""
    for font in fonts:
        missing = missing_characters(text, font)
        if missing:
            where = next((w for w, t in places if any(ch in t for ch in missing)), _("PDF font"))
            raise UserError(
                _("the PDF font has no glyph for {chars}: they would print as blanks, so type them another way "
                  "(平方米 for ㎡, 不少于 for ≥)").format(
                    chars=" ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:10])
                ),
                where,
            )
