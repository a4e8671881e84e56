"""Logical lines: the source's paragraphs put back together, each character still mapped to the flat text.

A text file or a PDF breaks paragraphs where the page or the scan did ("甲、乙双方如违反" … five blank lines …
"上述规定则构成违约"). A line is joined to the one before when that one is not finished: an open 【, no
closing punctuation (text files), or a PDF line that runs to the right margin; never onto a clause heading,
a "label：value" line, a date line or an indented PDF line. Word paragraphs are taken as they are.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from app.codecs.intake.document import Block, SourceDoc, SourceKind, Span
from app.codecs.intake.patterns import DATE_LINE, END_MARKERS, LABEL, heading_at, heading_is_title

#: A line ending with one of these is finished (text files).
TERMINAL = "。；：！？!?;:】」』"
#: A PDF line at least this share of the document's full line width ran on to the next.
FULL_WIDTH_SHARE = 0.9
_ANNEX_LINE = re.compile(r"^\s*附件\s*[0-9０-９一二三四五六七八九十]+")


@dataclass
class Line:
    """A logical line; `pieces` maps its text back to the flat text: (start in this text, start in the flat text)."""

    text: str
    pieces: list[tuple[int, int]]
    block: Block
    blocks: list[Block] = field(default_factory=list)

    def flat(self, index: int) -> int:
        starts = [p[0] for p in self.pieces]
        k = max(bisect.bisect_right(starts, index) - 1, 0)
        own, flat = self.pieces[k]
        return flat + (index - own)

    def span(self, start: int, end: int) -> Span:
        if end <= start:
            at = self.flat(start)
            return Span(at, at)
        return Span(self.flat(start), self.flat(end - 1) + 1)

    def local(self, flat: int) -> int | None:
        """The index in this line of flat-text offset `flat`, or None when it is not part of the line."""
        for k, (own, start) in enumerate(self.pieces):
            length = (self.pieces[k + 1][0] if k + 1 < len(self.pieces) else len(self.text)) - own
            if start <= flat < start + length or (flat == start + length and k + 1 == len(self.pieces)):
                return own + (flat - start)
        return None

    @property
    def whole(self) -> Span:
        return self.span(0, len(self.text))

    def tail(self, start: int) -> Line:
        """The line from `start` on (a clause heading's text after its number)."""
        kept: list[tuple[int, int]] = []
        for own, flat in self.pieces:
            if own <= start:
                kept = [(0, flat + (start - own))]
            else:
                kept.append((own - start, flat))
        return Line(self.text[start:], kept, self.block, self.blocks)


@dataclass
class TableItem:
    """A table in reading order: a Word table, or consecutive tab- or pipe-separated text lines."""

    rows: list[list[str]]
    spans: list[list[Span]]
    block: Block


Item = Line | TableItem


def _visual_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _breaks_before(block: Block, kind: SourceKind) -> bool:
    """A line that starts something new. In a PDF a "label：" start is not enough ("但不限于：…" runs on from the
    line before): there the indentation and the line widths tell paragraphs apart."""
    text = block.text.strip()
    label = LABEL.match(text) and kind is not SourceKind.PDF
    return bool(heading_at(text) or label or DATE_LINE.match(text) or _ANNEX_LINE.match(text) or text in END_MARKERS)


def _finished(prev: Line, kind: SourceKind, full: int) -> bool:
    text = prev.text.rstrip()
    if not text:
        return True
    heading = heading_at(text)
    if heading and heading_is_title(text[heading.end:]):
        return True
    if kind is SourceKind.PDF:
        last = prev.blocks[-1].text.rstrip()
        return _visual_width(last) < FULL_WIDTH_SHARE * full
    if LABEL.match(text):
        return True
    return text[-1] in TERMINAL


def _joins(prev: Line, block: Block, kind: SourceKind, full: int) -> bool:
    if prev.text.count("【") > prev.text.count("】"):
        return True
    if kind is SourceKind.DOCX:
        return False
    if _breaks_before(block, kind) or (block.indented and kind is SourceKind.PDF):
        return False
    if kind is SourceKind.TEXT and block.indented:
        return False
    return not _finished(prev, kind, full)


_SPLIT = re.compile(r"\t|\s*[|｜]\s*")


def _cells(text: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of a tab- or pipe-separated line, outer pipes dropped."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _SPLIT.finditer(text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    if "|" in text or "｜" in text:
        if bounds and not text[bounds[0][0]:bounds[0][1]].strip():
            bounds = bounds[1:]
        if bounds and not text[bounds[-1][0]:bounds[-1][1]].strip():
            bounds = bounds[:-1]
    return bounds


def _is_separator_row(text: str) -> bool:
    return bool(re.fullmatch(r"[\s|｜:：\-—=+]+", text))


def _text_tables(blocks: list[Block]) -> list[Block | TableItem]:
    """Runs of two or more lines split into three or more cells by tabs or pipes become tables."""
    out: list[Block | TableItem] = []
    run: list[Block] = []

    def flush() -> None:
        rows = [b for b in run if not _is_separator_row(b.text)]
        if len(rows) >= 2:
            table_rows: list[list[str]] = []
            spans: list[list[Span]] = []
            for b in rows:
                bounds = _cells(b.text)
                cells, cell_spans = [], []
                for s, e in bounds:
                    raw = b.text[s:e]
                    lead = len(raw) - len(raw.lstrip())
                    value = raw.strip()
                    cells.append(value)
                    cell_spans.append(Span(b.offset + s + lead, b.offset + s + lead + len(value)))
                table_rows.append(cells)
                spans.append(cell_spans)
            out.append(TableItem(table_rows, spans, rows[0]))
        else:
            out.extend(run)
        run.clear()

    for block in blocks:
        if block.rows is None and (block.text.count("\t") >= 2 or block.text.count("|") + block.text.count("｜") >= 3):
            run.append(block)
            continue
        if run:
            flush()
        out.append(block)
    if run:
        flush()
    return out


def _word_table(block: Block) -> TableItem:
    assert block.rows is not None
    spans = []
    for r, row in enumerate(block.rows):
        spans.append([Span(block.cell_offset(r, c), block.cell_offset(r, c) + len(cell)) for c, cell in enumerate(row)])
    return TableItem([list(r) for r in block.rows], spans, block)


def logical_items(doc: SourceDoc) -> list[Item]:
    """The document as logical lines and tables, in reading order."""
    widths = sorted(_visual_width(b.text) for b in doc.blocks if b.rows is None)
    full = widths[int(0.95 * (len(widths) - 1))] if widths else 0
    items: list[Item] = []
    for entry in _text_tables(doc.blocks) if doc.kind is not SourceKind.DOCX else doc.blocks:
        if isinstance(entry, TableItem):
            items.append(entry)
            continue
        block = entry
        if block.rows is not None:
            items.append(_word_table(block))
            continue
        text = block.text
        if doc.kind is SourceKind.PDF:
            stripped = text.lstrip()
            lead = len(text) - len(stripped)
        else:
            lead = 0
        prev = items[-1] if items else None
        if isinstance(prev, Line) and _joins(prev, block, doc.kind, full):
            piece = text[lead:] if doc.kind is SourceKind.PDF else text.strip()
            start = text.index(piece) if piece else 0
            prev.pieces.append((len(prev.text), block.offset + start))
            prev.text += piece
            prev.blocks.append(block)
            continue
        body = text.strip()
        start = text.index(body) if body else 0
        items.append(Line(body, [(0, block.offset + start)], block, [block]))
    return items
