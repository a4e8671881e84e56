"""One normalised document for every source format: paragraphs and tables in reading order, with where each
stands in the source file.

The readers (app.codecs.intake.readers) produce a `SourceDoc`; the recognisers never look at the file again. All
blocks are joined into one flat text (`SourceDoc.text`, blocks separated by a newline, table cells by a tab),
so a recognised field can carry a `Span` of that text: the window shows the flat text and highlights the span,
the report says where it stands ("line 12", "page 3, line 5", "paragraph 7", "table 1, row 2").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum

from app.base.i18n import _


class SourceKind(StrEnum):
    TEXT = "txt"
    DOCX = "docx"
    PDF = "pdf"


@dataclass(frozen=True)
class Place:
    """Where a block stands in the source: a line of a text file, a page and line of a PDF, a paragraph or a
    table cell of a Word file. Numbers are 1-based as a clerk counts them."""

    line: int | None = None
    page: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None

    def describe(self) -> str:
        if self.table is not None:
            if self.row is not None and self.column is not None:
                return _("table {table}, row {row}, column {column}").format(table=self.table, row=self.row,
                                                                             column=self.column)
            if self.row is not None:
                return _("table {table}, row {row}").format(table=self.table, row=self.row)
            return _("table {table}").format(table=self.table)
        if self.page is not None and self.line is not None:
            return _("page {page}, line {line}").format(page=self.page, line=self.line)
        if self.paragraph is not None:
            return _("paragraph {n}").format(n=self.paragraph)
        if self.line is not None:
            return _("line {n}").format(n=self.line)
        return ""


@dataclass
class Block:
    """A paragraph (one source line of a text file or PDF, one paragraph of a Word file) or a table.

    `rows` is set for tables (cells as text); `text` is then the rows joined with tabs and newlines.
    `gap_before` says a blank line (or a page break) separated it from the block before: paragraphs that
    run on across a line break in a text file are joined only when there is no gap. `indented` is true for a
    PDF line that starts indented (a paragraph's first line). `style` is a Word paragraph style name.
    """

    text: str
    place: Place
    offset: int = 0
    rows: list[list[str]] | None = None
    gap_before: bool = False
    indented: bool = False
    style: str = ""

    @property
    def is_table(self) -> bool:
        return self.rows is not None

    @property
    def end(self) -> int:
        return self.offset + len(self.text)

    def cell_offset(self, row: int, column: int) -> int:
        """Offset in the flat text of a table cell (0-based row and column)."""
        assert self.rows is not None
        pos = self.offset
        for r in range(row):
            pos += len("\t".join(self.rows[r])) + 1
        return pos + sum(len(c) + 1 for c in self.rows[row][:column])


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of the flat text."""

    start: int
    end: int

    def as_dict(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end}


@dataclass
class SourceDoc:
    """A source file read into blocks; `name` is the file name, `encoding` the text encoding found (text files)."""

    kind: SourceKind
    name: str
    blocks: list[Block] = field(default_factory=list)
    encoding: str = ""
    pages: int = 0
    text: str = ""
    _starts: list[int] = field(default_factory=list, repr=False)

    def finish(self) -> SourceDoc:
        """Lay the blocks out in the flat text; call once after the reader has added every block."""
        parts: list[str] = []
        pos = 0
        self._starts = []
        for block in self.blocks:
            if block.rows is not None:
                block.text = "\n".join("\t".join(row) for row in block.rows)
            block.offset = pos
            self._starts.append(pos)
            parts.append(block.text)
            pos += len(block.text) + 1
        self.text = "\n".join(parts)
        return self

    def block_at(self, offset: int) -> Block | None:
        if not self.blocks:
            return None
        index = bisect.bisect_right(self._starts, offset) - 1
        return self.blocks[max(index, 0)]

    def place_of(self, span: Span | None) -> Place | None:
        """The place of the block where `span` starts; for a table, the row and column of the cell."""
        if span is None:
            return None
        block = self.block_at(span.start)
        if block is None:
            return None
        if block.rows is None:
            return block.place
        rel = span.start - block.offset
        for r, row in enumerate(block.rows):
            width = len("\t".join(row)) + 1
            if rel < width:
                column = "\t".join(row)[:rel].count("\t")
                return Place(table=block.place.table, row=r + 1, column=column + 1)
            rel -= width
        return block.place

    def describe(self, span: Span | None) -> str:
        place = self.place_of(span)
        return place.describe() if place else ""

    def excerpt(self, span: Span | None) -> str:
        return "" if span is None else self.text[span.start:span.end]
