"""The contract's parts in the source: the head (numbers, title, parties, preamble), the clause tree, the signing
page and the annexes that follow it.

The clause tree follows the numbering styles as they appear: a style seen for the first time nests under the
clause before it, a style seen before closes the clauses below it (第一条 → 1.1 → 1.1.1, then 1.2 is a
sibling of 1.1 again; 一、 → （一） → 1.). Dotted numbers nest by their depth. Every line of the body lands in
some clause, so no text is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.codecs.intake.document import Span
from app.codecs.intake.lines import Item, Line, TableItem
from app.codecs.intake.patterns import END_MARKERS, LABEL, SIGNING_TITLE, Heading, heading_at, heading_is_title

#: Word paragraph styles that mark a heading (the clause's title) or our own numbered-text style.
TITLE_STYLES = re.compile(r"^(heading|标题|title|cd clause title|cd article)", re.IGNORECASE)
TEXT_STYLE = "CD Numbered"
ANNEX_HEADING = re.compile(r"^\s*附件\s*(?P<no>[0-9０-９]+|[一二三四五六七八九十]+)\s*(?:[:：、.．]\s*(?P<title>.*)|\s+(?P<title2>.+)|\s*)$")
_SEAL = re.compile(r"(盖章|公章|签章|印章)")


@dataclass
class ClauseDraft:
    heading: Line | None
    no: str = ""
    style: tuple = ()
    title: str = ""
    title_span: Span | None = None
    items: list[Item] = field(default_factory=list)
    children: list[ClauseDraft] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class AnnexDraft:
    no: str
    title: str
    heading: Line
    items: list[Item] = field(default_factory=list)


@dataclass
class Layout:
    head: list[Item] = field(default_factory=list)
    clauses: list[ClauseDraft] = field(default_factory=list)
    signing: list[Item] = field(default_factory=list)
    annexes: list[AnnexDraft] = field(default_factory=list)
    end_marker: Line | None = None

    def all_clauses(self):
        for clause in self.clauses:
            yield from clause.walk()


def is_signing_line(text: str) -> bool:
    m = LABEL.match(text)
    return bool(m and _SEAL.search(m.group("label")) and len(m.group("label")) <= 16)


def _is_end(item: Item) -> bool:
    if isinstance(item, TableItem):  # a signing block set out as a table (甲方（盖章） | 乙方（盖章）)
        return any(is_signing_line(line) for row in item.rows for cell in row for line in cell.split("\n"))
    text = item.text.strip()
    return text in END_MARKERS or bool(SIGNING_TITLE.match(text)) or is_signing_line(text)


#: Our own Word styles for text that is never a clause heading, whatever it starts with ("1、…" inside a clause).
PLAIN_STYLES = {"CD Body", "CD Cover", "CD Cover Date", "CD Title", "CD No More", "CD Cell", "CD Cell Head"}


def _heading(line: Line) -> Heading | None:
    if line.block.style in PLAIN_STYLES:
        return None
    return heading_at(line.text)


def _is_title(line: Line, rest: str) -> bool:
    style = line.block.style
    if style == TEXT_STYLE:
        return False
    if style and TITLE_STYLES.match(style):
        return True
    return heading_is_title(rest)


def split(items: list[Item]) -> Layout:
    layout = Layout()
    start = next((i for i, it in enumerate(items) if isinstance(it, Line) and _heading(it) and not _is_end(it)), None)
    if start is None:
        # No numbered clauses: the head runs to the first paragraph that is not a label, the rest is one clause.
        start = len(items)
        for i, it in enumerate(items):
            if _is_end(it):
                start = i
                break
            if isinstance(it, Line) and len(it.text) > 60 and not LABEL.match(it.text):
                start = i + 1
                break
    layout.head = items[:start]
    end = next((i for i in range(start, len(items)) if _is_end(items[i])), len(items))
    body = items[start:end]
    if body:
        layout.clauses = _tree(body)
    tail = items[end:]
    if tail and isinstance(tail[0], Line) and tail[0].text.strip() in END_MARKERS:
        layout.end_marker = tail[0]
        tail = tail[1:]
    current: AnnexDraft | None = None
    for item in tail:
        if isinstance(item, Line):
            m = ANNEX_HEADING.match(item.text)
            if m:
                current = AnnexDraft(no=m.group("no"), title=(m.group("title") or m.group("title2") or "").strip(),
                                     heading=item)
                layout.annexes.append(current)
                continue
        if current is None:
            layout.signing.append(item)
        else:
            current.items.append(item)
    return layout


def _tree(body: list[Item]) -> list[ClauseDraft]:
    root = ClauseDraft(heading=None)
    stack: list[ClauseDraft] = [root]
    for item in body:
        heading = _heading(item) if isinstance(item, Line) else None
        if heading is None or not isinstance(item, Line):
            if len(stack) == 1:  # text before the first number (no numbered clauses at all)
                draft = ClauseDraft(heading=None)
                root.children.append(draft)
                stack.append(draft)
            stack[-1].items.append(item)
            continue
        depth = next((k for k in range(len(stack) - 1, 0, -1) if stack[k].style == heading.style), None)
        if depth is not None:
            del stack[depth:]
        elif heading.style[0] == "dot":
            # 1.2 after 1.1.3: close the deeper dotted clauses even though their style differs
            while len(stack) > 1 and stack[-1].style[:1] == ("dot",) and stack[-1].style[1] > heading.style[1]:
                stack.pop()
        draft = ClauseDraft(heading=item, no=heading.no, style=heading.style)
        rest = item.text[heading.end:]
        if _is_title(item, rest):
            title = rest.strip()
            draft.title = title
            if title:
                start = heading.end + (len(rest) - len(rest.lstrip()))
                draft.title_span = item.span(start, start + len(title))
        elif rest.strip():
            start = heading.end + (len(rest) - len(rest.lstrip()))
            draft.items.append(item.tail(start))
        stack[-1].children.append(draft)
        stack.append(draft)
    return root.children


def table_lines(table: TableItem) -> list[Line]:
    """Each cell's lines as logical lines (a signing block or the head's fields set out in a table)."""
    out: list[Line] = []
    for row, spans in zip(table.rows, table.spans, strict=False):
        for cell, span in zip(row, spans, strict=False):
            pos = 0
            for piece in cell.split("\n"):
                text = piece.strip()
                if text:
                    lead = piece.index(text)
                    out.append(Line(text, [(0, span.start + pos + lead)], table.block, [table.block]))
                pos += len(piece) + 1
    return out
