"""A ReportLab Paragraph that sets Chinese text the way a contract is printed.

ReportLab's CJK wrapping cuts between any two characters and only knows a few Chinese punctuation marks, so
lines began with "，" or "；" and ended with "（" or "《"; and it treats the ideographic space U+3000 as
collapsible whitespace, so a blank fill-in 【　　】 shrank to 【 】 with no room to write by hand. Here:

- U+3000 is kept as the full-width space it is (a blank fill-in keeps its width);
- line-breaking rules (禁则): closing punctuation never starts a line — it hangs at the end of the previous
  one — and opening punctuation never ends a line — it moves to the next one.
"""

from __future__ import annotations

import html

from reportlab.lib.textsplit import getCharWidths
from reportlab.platypus import Paragraph

#: May not start a line (closing brackets and quotes, stops, commas, pause marks, ellipsis, iteration marks).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…·—%‰℃,.;:?!)]}\u3001\u3002\uff09\u3011")
#: May not end a line (opening brackets and quotes, currency signs before an amount).
NO_LINE_END = frozenset("（《「『【〔〈“‘([{¥￥$")

_KEEP = "\ue000"  # a private-use stand-in for U+3000 while ReportLab cleans up whitespace


def escape_markup(text: str) -> str:
    """`text` as literal paragraph text: & < > written as entities. (What xml.sax.saxutils.escape does; that module
    imports urllib.request, a tenth of a cold export's imports.)"""
    return html.escape(text, quote=False)


def unescape_markup(text: str) -> str:
    """What `escape_markup` wrote, read back: only &lt; &gt; &amp; (as xml.sax.saxutils.unescape)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def break_lines(text: str, widths: list[float], max_widths: list[float]) -> list[list]:
    """[[extra_space, line_text], …] for `text` whose characters are `widths` wide, lines `max_widths` wide."""
    lines: list[list] = []
    n = len(text)
    start = 0
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        i = start
        while i < n and (used + widths[i] <= max_width + 1e-6 or i == start):
            used += widths[i]
            i += 1
        if i < n:  # the line is full: choose where it breaks
            if text[i] in NO_LINE_START and i - 1 > start and (i + 1 >= n or text[i + 1] not in NO_LINE_START):
                i += 1  # hang one closing mark in the margin rather than start a line with it
            else:
                while i - 1 > start and (text[i] in NO_LINE_START or text[i - 1] in NO_LINE_END):
                    i -= 1
        line = text[start:i]
        width = sum(widths[start:i])
        lines.append([max_width - width, line])
        start = i
    return lines


class ChineseParagraph(Paragraph):
    """Paragraph(text, style) for plain or lightly marked-up Chinese text; see the module docstring."""

    def _setup(self, text, style, bulletText, frags, cleaner):  # ReportLab's hook, names as there
        def keep_ideographic_space(raw: str) -> str:
            return cleaner(raw.replace("\u3000", _KEEP)).replace(_KEEP, "\u3000")

        super()._setup(text, style, bulletText, frags, keep_ideographic_space)

    def breakLinesCJK(self, maxWidths):  # ReportLab's name
        frags = self.frags
        single = len(frags) == 1 and not hasattr(frags[0], "cbDefn") and not self.style.endDots and not self.bulletText
        if not single or (hasattr(self, "blPara") and getattr(self, "_splitpara", 0)):
            return super().breakLinesCJK(maxWidths)
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        self.height = 0
        frag = frags[0]
        text = frag.text if hasattr(frag, "text") else "".join(getattr(frag, "words", []))
        widths = getCharWidths(text, frag.fontName, frag.fontSize)
        lines = [(space, [line]) for space, line in break_lines(text, widths, list(maxWidths))]
        return frag.clone(kind=0, lines=lines, ascent=frag.fontSize, descent=-0.2 * frag.fontSize)
