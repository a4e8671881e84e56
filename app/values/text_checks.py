"""Characters that do not belong in what a clerk reads or stores: one place decides them.

Identifiers (a contract number, an annex number, a revision or amendment name) must look like what they
are: a trailing zero-width space or a right-to-left override makes two different numbers look alike in
every list. Free text may hold anything printable, but not a lone surrogate or NUL, which no database
can store. What the command line prints passes through `for_terminal`, so text in a record can never
steer the terminal (an ANSI escape in a title clearing the screen, a bidi override reversing a line).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from app.base.errors import UserError
from app.base.i18n import _

#: Code points that render as nothing (Unicode's Default_Ignorable_Code_Point, DerivedCoreProperties.txt)
#: beyond the format (Cf) category: Hangul fillers, variation selectors, the combining grapheme joiner.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0xE0000, 0xE0FFF),
)
_IGNORABLE = re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _IGNORABLE_RANGES) + "]")
#: Categories never allowed in an identifier: controls, format characters (zero-width, bidi overrides),
#: surrogates, private use, unassigned, line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
#: Spaces an identifier may hold: the ordinary one and the full-width one a Chinese input method types.
_VISIBLE_SPACES = frozenset({" ", "\u3000"})
#: What the terminal escaping keeps as it is (the command line's own line and column separators).
_LAYOUT = frozenset({"\n", "\t"})


def _ignorable(code: int) -> bool:
    return _IGNORABLE.match(chr(code)) is not None


def char_label(ch: str) -> str:
    """U+200B ZERO WIDTH SPACE: how a message names a character the clerk cannot see."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def hidden_char(text: str) -> str | None:
    """The first character of `text` that is invisible, a control or a look-alike space; None if there is none."""
    for ch in text:
        category = unicodedata.category(ch)
        if category in _HIDDEN_CATEGORIES or _ignorable(ord(ch)):
            return ch
        if category == "Zs" and ch not in _VISIBLE_SPACES:
            return ch
    return None


def identifier_problem(text: str) -> str | None:
    """Why `text` cannot be an identifier (a contract, annex, revision or amendment number), or None."""
    ch = hidden_char(text)
    if ch is None:
        return None
    return _("contains an invisible or control character ({char}); retype it").format(char=char_label(ch))


def check_identifier(text: str, where: str) -> str:
    """`text` unchanged, or UserError naming `where` when it holds a character that cannot be seen."""
    problem = identifier_problem(text)
    if problem:
        raise UserError(problem, where)
    return text


def unstorable_char(text: str) -> str | None:
    """A lone surrogate or NUL in `text` (neither can be stored nor printed), or None."""
    for ch in text:
        if ch == "\x00" or 0xD800 <= ord(ch) <= 0xDFFF:
            return ch
    return None


def check_text(text: str, where: str) -> str:
    """`text` unchanged, or UserError naming `where` when it holds a character no database can store."""
    ch = unstorable_char(text)
    if ch is not None:
        raise UserError(_("contains a character that is not valid text ({char})").format(char=char_label(ch)), where)
    return text


def _strings(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                yield sub, key
            yield from _strings(value, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")


def check_document_text(data: Any) -> None:
    """Every member name and text of a parsed JSON document; UserError naming the first unstorable one."""
    for path, text in _strings(data, ""):
        check_text(text, path or "(document)")


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # as a JSON escape (a surrogate pair), so JSON output stays valid JSON
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def for_terminal(text: str, *, keep_layout: bool = False) -> str:
    r"""`text` with every control, format and invisible character written as a backslash-u escape (\u200b).

    An ANSI escape sequence, a carriage return, a bidi override or a zero-width space in user text is
    shown, not obeyed. `keep_layout` keeps newlines and tabs (a whole printed line), else they are
    escaped too (one cell of a tab-separated line).
    """
    plain = text.replace("\n", "").replace("\t", "") if keep_layout else text
    if plain.isprintable() and _IGNORABLE.search(plain) is None:  # nearly every line: no per-character loop
        return text
    out = []
    for ch in text:
        if keep_layout and ch in _LAYOUT:
            out.append(ch)
        elif (ch.isprintable() and not _ignorable(ord(ch))) or ch in _VISIBLE_SPACES:
            out.append(ch)
        else:
            out.append(_escape(ch))
    return "".join(out)


class TerminalStream:
    """A text stream that escapes what `for_terminal` escapes and passes the rest to `stream`.

    The command line writes through it, so no print of a record's text can steer the terminal.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(for_terminal(text, keep_layout=True))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
