"""The source text of an intake, with what was read, guessed or not recognised marked in colour, and one span at a
time shown (selected and scrolled into view) when the clerk picks a field or a finding.

Spans index the text in code points (Python); Qt's text positions count UTF-16 units, so a character outside the
Basic Multilingual Plane (a rare ideograph of CJK Extension B) counts twice there: `Utf16` converts.
"""

from __future__ import annotations

import bisect

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from app.intake.document import Span

#: Background of each kind of span. Light enough for black text to read; told apart also by the legend's words.
COLOURS = {
    "found": QColor("#e4eefc"),  # read from a labelled place
    "guessed": QColor("#fff0a6"),  # inferred: check it
    "unplaced": QColor("#ffc9c9"),  # not recognised: kept as text, or listed as not placed
    "current": QColor("#ffb45c"),  # the field or finding picked in the lists
}


#: How a tab between two cells of a table row is shown: a full-width bar reads as a column rule.
CELL_SEPARATOR = "｜"


class Utf16:
    """Code-point offsets of a text as Qt's UTF-16 positions."""

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []

    def __call__(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index) if self._astral else index


class SourceView(QPlainTextEdit):
    """Read-only source text; `mark(kind, spans)` tints spans, `show_span(span)` picks one and scrolls to it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setObjectName("intakeSource")
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._pos = Utf16("")
        self._marks: list[QTextEdit.ExtraSelection] = []
        self._current: QTextEdit.ExtraSelection | None = None
        self.shown: Span | None = None

    def set_source(self, text: str) -> None:
        """Show `text`; a tab between table cells shows as ｜ (one character for one, so every span still fits)."""
        self._pos = Utf16(text)
        self.setPlainText(text.replace("\t", CELL_SEPARATOR))
        self._marks = []
        self._current = None
        self.shown = None
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

    def mark(self, kind: str, spans: list[Span]) -> None:
        """Tint `spans` in the colour of `kind` (a key of COLOURS); later marks are drawn over earlier ones."""
        self._marks += [self._selection(span, COLOURS[kind]) for span in spans if span.end > span.start]
        self._apply()

    def _apply(self) -> None:
        self.setExtraSelections(self._marks + ([self._current] if self._current is not None else []))

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
