"""The source text of an intake, with what was read, guessed or not recognised marked in colour, and one span at a
time shown (selected and scrolled into view) when the clerk picks a field or a finding.

The tints are painted by a syntax highlighter line by line as lines are laid out, from a per-line list made once,
so a text of a thousand pages with thousands of marked places opens without freezing the window (one extra
selection per place costs a second per thousand there). Spans index the text in code points (Python); Qt's text
positions count UTF-16 units, so a character outside the Basic Multilingual Plane (a rare ideograph of CJK
Extension B) counts twice there: `Utf16` converts.
"""

from __future__ import annotations

import bisect
import re

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from app.codecs.intake.document import Span

#: Background of each kind of span. Light enough for black text to read; told apart also by the legend's words.
COLOURS = {
    "found": QColor("#e4eefc"),  # read from a labelled place
    "guessed": QColor("#fff0a6"),  # inferred: check it
    "unplaced": QColor("#ffc9c9"),  # not recognised: kept as text, or listed as not placed
    "current": QColor("#ffb45c"),  # the field or finding picked in the lists
}


#: How a tab between two cells of a table row is shown: a full-width bar reads as a column rule.
CELL_SEPARATOR = "｜"


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class Utf16:
    """Code-point offsets of a text as Qt's UTF-16 positions."""

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []

    def __call__(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index) if self._astral else index


class _Tints(QSyntaxHighlighter):
    """Paints each line's marked ranges: `lines[n]` is a list of (start, length, format) in that line."""

    def __init__(self, document) -> None:
        super().__init__(document)
        self.lines: dict[int, list[tuple[int, int, QTextCharFormat]]] = {}

    def highlightBlock(self, text: str) -> None:
        for start, length, fmt in self.lines.get(self.currentBlock().blockNumber(), ()):
            self.setFormat(start, length, fmt)


class SourceView(QPlainTextEdit):
    """Read-only source text; `mark(kind, spans)` tints spans, `show_span(span)` picks one and scrolls to it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setObjectName("intakeSource")
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._pos = Utf16("")
        self._text = ""
        self._line_starts: list[int] = [0]
        self._current: QTextEdit.ExtraSelection | None = None
        self._tints = _Tints(self.document())
        self.shown: Span | None = None

    def set_source(self, text: str) -> None:
        """Show `text`; a tab between table cells shows as ｜ (one character for one, so every span still fits)."""
        self._pos = Utf16(text)
        self._text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._tints.lines = {}
        self._current = None
        self.shown = None
        self.setPlainText(text.replace("\t", CELL_SEPARATOR))
        self._apply()

    def _selection(self, span: Span, colour: QColor) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._pos(span.start))
        cursor.setPosition(self._pos(span.end), QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setBackground(colour)
        selection.cursor, selection.format = cursor, fmt
        return selection

    def mark(self, marks: dict[str, list[Span]]) -> None:
        """Tint the spans of each kind (a key of COLOURS), later kinds drawn over earlier ones, in one pass."""
        for kind, spans in marks.items():
            self._add(COLOURS[kind], spans)
        self._tints.rehighlight()

    def _add(self, colour: QColor, spans: list[Span]) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(colour)
        starts = self._line_starts
        for span in spans:
            if span.end <= span.start:
                continue
            line = bisect.bisect_right(starts, span.start) - 1
            while line < len(starts) and starts[line] < span.end:
                begin = max(span.start, starts[line])
                stop = min(span.end, starts[line + 1] - 1 if line + 1 < len(starts) else len(self._text))
                if stop > begin:  # positions within the line, in UTF-16 units
                    local = self._pos(begin) - self._pos(starts[line])
                    self._tints.lines.setdefault(line, []).append((local, self._pos(stop) - self._pos(begin), fmt))
                line += 1

    def colour_at(self, index: int) -> QColor | None:
        """The tint painted at code point `index` of the text (what the clerk sees there), or None."""
        line = bisect.bisect_right(self._line_starts, index) - 1
        block = self.document().findBlockByNumber(line)
        local = self._pos(index) - self._pos(self._line_starts[line])
        colour = None
        for fr in block.layout().formats():
            if fr.start <= local < fr.start + fr.length and fr.format.background().style() != 0:
                colour = fr.format.background().color()
        return colour

    def _apply(self) -> None:
        self.setExtraSelections([self._current] if self._current is not None else [])

    def show_span(self, span: Span | None) -> None:
        """Select `span` in the current colour and scroll it into the middle of the view (None: clear)."""
        self.shown = span
        if span is None:
            self._current = None
            self._apply()
            return
        self._current = self._selection(span, COLOURS["current"])
        self._apply()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._pos(span.end))
        cursor.setPosition(self._pos(span.start), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()

    def selected_text(self) -> str:
        """The text of the span shown, as displayed (Qt holds paragraph breaks as U+2029; cells are ｜-separated)."""
        return self.textCursor().selectedText().replace("\u2029", "\n")
