"""A text box for clause templates that shows each fill-in as one named token (【甲方名称】), never ``{{ … }}``.

Each fill-in is a single object character (U+FFFC) in the document, drawn as a shaded token whose
character format carries the fill-in's stored source. Being one character, a token is stepped over by the
arrow keys, removed whole by Backspace/Delete, and a selection holds it whole or not at all; the document's
own undo covers it like any character. template() rebuilds the stored form from the document, so what was
loaded comes back exactly (line ends excepted: a stored \\r\\n reads back as \\n). Text typed or pasted with
``{{ … }}`` written out becomes a token once it is complete (fill_in_typed(), called when typing pauses).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QEvent, QMimeData, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QInputMethodEvent,
    QKeyEvent,
    QPainter,
    QPyTextObject,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from app.base import i18n
from app.rules.fill_ins import FillIn, display_text, new_fill_in, split_template
from ui.i18n import RetranslateMixin

#: The object type of a token in the document, and the format property holding its stored source.
TOKEN_TYPE = int(QTextFormat.ObjectTypes.UserObject.value) + 17
SOURCE_PROPERTY = int(QTextFormat.Property.UserProperty.value) + 17
OBJECT_CHAR = "\ufffc"
#: Copied selections carry the template too, so a paste into a clause keeps its fill-ins.
TEMPLATE_MIME = "application/x-contractdesk-clause-template"
_PAD = 3.0
_BACKGROUND, _FOREGROUND = QColor("#e7f0fb"), QColor("#0b4f9c")


def _token_format(source: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setObjectType(TOKEN_TYPE)
    fmt.setProperty(SOURCE_PROPERTY, source)
    fmt.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignBaseline)
    return fmt


def _source_of(fmt: QTextFormat) -> str | None:
    if fmt.objectType() != TOKEN_TYPE:
        return None
    value = fmt.property(SOURCE_PROPERTY)
    return value if isinstance(value, str) else None


@functools.lru_cache(maxsize=512)
def _label_in(source: str, _language: str) -> str:
    return display_text(source)


def _label_of(source: str) -> str:
    """The token's label in the current language (asked for at every layout and paint, so kept)."""
    return _label_in(source, i18n.language())


class _TokenPainter(QPyTextObject):
    """Sizes and draws a token: its name (in the current language) on a shaded, rounded background.
    (QPyTextObject, not QObject + QTextObjectInterface: Qt finds the interface of a Python class only so.)"""

    def intrinsicSize(self, doc: QTextDocument, _pos: int, fmt: QTextFormat) -> QSizeF:
        metrics = QFontMetricsF(doc.defaultFont())
        label = _label_of(_source_of(fmt) or "")
        return QSizeF(metrics.horizontalAdvance(label) + 2 * _PAD, metrics.height())

    def drawObject(self, painter: QPainter, rect: QRectF, doc: QTextDocument, _pos: int, fmt: QTextFormat) -> None:
        metrics = QFontMetricsF(doc.defaultFont())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_BACKGROUND)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.setFont(doc.defaultFont())
        painter.setPen(_FOREGROUND)
        painter.drawText(QPointF(rect.left() + _PAD, rect.top() + metrics.ascent()), _label_of(_source_of(fmt) or ""))
        painter.restore()


class FillInEdit(RetranslateMixin, QTextEdit):
    """Clause text with fill-in tokens: set_template() / template() in the stored form, insert_fill_in()."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)  # Tab moves on, as in every other field; a clause has no tab stops
        self._painter = _TokenPainter(self)
        self.document().documentLayout().registerHandler(TOKEN_TYPE, self._painter)
        #: Says what a fill-in prints for the open contract (its tooltip); set by the clause editor.
        self.describe: Callable[[str], str] | None = None
        # Each token is one object character in the document, which Qt's accessible text reports as U+FFFC: a
        # screen reader is given the whole text with each token by its name as the field's description.
        self.textChanged.connect(self._describe_for_screen_readers)

    # ------------------------------------------------------------------ the stored form

    def set_template(self, text: str) -> None:
        """Show a stored clause text; the editor's own undo history starts afresh."""
        self.clear()
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        self._insert_parts(cursor, split_template(text))
        cursor.endEditBlock()
        self.document().clearUndoRedoStacks()
        self.document().setModified(False)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def template(self) -> str:
        """The text in its stored form: every token as the fill-in source it stands for."""
        return self._template_between(0, self.document().characterCount() - 1)

    def shown_text(self) -> str:
        """The text as the clerk sees it, each token by its name (also what is copied out and read aloud)."""
        return display_text(self.template())

    def _describe_for_screen_readers(self) -> None:
        self.setAccessibleDescription(self.shown_text())

    def insert_fill_in(self, expression: str) -> None:
        """Insert a fill-in at the cursor (replacing a selection) as one step of the editor's undo."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        self._insert_parts(cursor, [new_fill_in(expression)])
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.setCurrentCharFormat(QTextCharFormat())

    def fill_in_typed(self) -> int:
        """Make tokens of ``{{ … }}`` typed or pasted as text (not one the cursor is still inside); returns
        how many. The template stays the same; only what the clerk sees changes, in one undoable step."""
        doc = self.document()
        raw = self._document_string()
        at = self.textCursor().position()
        matches = []
        for part_start, part in _fill_ins_in(raw):
            end = part_start + len(part.source)
            if OBJECT_CHAR not in part.source and not part_start < at < end:
                matches.append((part_start, end, part))
        if not matches:
            return 0
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        for start, end, part in reversed(matches):
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(OBJECT_CHAR, _token_format(part.source))
        cursor.endEditBlock()
        self.setCurrentCharFormat(QTextCharFormat())
        return len(matches)

    # ------------------------------------------------------------------ building and reading the document

    def _insert_parts(self, cursor: QTextCursor, parts: list) -> None:
        plain = QTextCharFormat()
        for part in parts:
            if isinstance(part, FillIn):
                cursor.insertText(OBJECT_CHAR, _token_format(part.source))
            elif part:
                cursor.insertText(part, plain)
        cursor.setCharFormat(plain)

    def _document_string(self) -> str:
        """The document's characters by position (U+FFFC for a token, \\n between paragraphs)."""
        doc, lines = self.document(), []
        block = doc.begin()
        while block.isValid():
            lines.append(block.text())
            block = block.next()
        return "\n".join(lines)

    def _template_between(self, start: int, end: int) -> str:
        out: list[str] = []
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                lo, hi = max(start, fragment.position()), min(end, fragment.position() + fragment.length())
                if lo < hi:
                    text = fragment.text()[lo - fragment.position():hi - fragment.position()]
                    source = _source_of(fragment.charFormat())
                    out.append(text if source is None else text.replace(OBJECT_CHAR, source))
                it += 1
            separator = block.position() + block.length() - 1
            block = block.next()
            if block.isValid() and start <= separator < end:
                out.append("\n")
        return "".join(out)

    def _token_at(self, position: int) -> str | None:
        """The source of the token right after `position`, if there is one there."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
        return _source_of(cursor.charFormat()) if cursor.selectedText() == OBJECT_CHAR else None

    # ------------------------------------------------------------------ typing, pasting, copying

    def _plain_typing(self) -> None:
        """Text typed right after a token must not take the token's format."""
        if self.textCursor().charFormat().objectType() == TOKEN_TYPE:
            self.setCurrentCharFormat(QTextCharFormat())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            # Shift+Enter would put a line separator (U+2028) in the clause; a clause line is a new line
            event = QKeyEvent(event.type(), event.key(), Qt.KeyboardModifier.NoModifier, event.text())
        self._plain_typing()
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        self._plain_typing()
        super().inputMethodEvent(event)

    def createMimeDataFromSelection(self) -> QMimeData:
        cursor = self.textCursor()
        template = self._template_between(cursor.selectionStart(), cursor.selectionEnd())
        data = QMimeData()
        data.setText(display_text(template))  # for other programs: the names a clerk reads
        data.setData(TEMPLATE_MIME, template.encode("utf-8"))
        return data

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasFormat(TEMPLATE_MIME) or source.hasText()

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasFormat(TEMPLATE_MIME):
            text = bytes(source.data(TEMPLATE_MIME).data()).decode("utf-8", "replace")
        elif source.hasText():
            text = source.text()
        else:
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        self._insert_parts(cursor, split_template(text))
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # ------------------------------------------------------------------ tooltips and language

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            source = self._token_under(event.pos())
            if source is not None:
                QToolTip.showText(event.globalPos(), self.token_tooltip(source), self.viewport())
                return True
        return super().viewportEvent(event)

    def _token_under(self, pos) -> str | None:
        """The source of the token under the mouse at `pos` (viewport coordinates), if any."""
        caret = self.cursorForPosition(pos).position()
        for position in (caret, caret - 1):  # the nearest caret is on the token's left or right edge
            source = self._token_at(position) if position >= 0 else None
            if source is None:
                continue
            left = self.cursorRect(_cursor_at(self.document(), position)).left()
            right = self.cursorRect(_cursor_at(self.document(), position + 1)).left()
            if left <= pos.x() <= right:
                return source
        return None

    def token_tooltip(self, source: str) -> str:
        """The token's name and what it prints for the open contract."""
        name = display_text(source)
        value = self.describe(source) if self.describe is not None else ""
        return f"{name}: {value}" if value else name

    def retranslate_ui(self) -> None:
        """Token names are in the window's language: lay them out and describe them again."""
        doc = self.document()
        doc.markContentsDirty(0, doc.characterCount())
        self.viewport().update()
        self._describe_for_screen_readers()


def _cursor_at(doc: QTextDocument, position: int) -> QTextCursor:
    cursor = QTextCursor(doc)
    cursor.setPosition(position)
    return cursor


def _fill_ins_in(text: str):
    """(position, fill-in) of each complete ``{{ … }}`` written out in `text`."""
    pos = 0
    for part in split_template(text):
        if isinstance(part, FillIn):
            yield pos, part
            pos += len(part.source)
        else:
            pos += len(part)

