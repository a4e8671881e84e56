"""Reading typed digits strictly: full-width forms become ASCII, nothing else digit-like gets through.

A Chinese input method types full-width digits and punctuation (１２３，２０２５／５／２２), which are
the same characters to the clerk and are read as ASCII. Unicode's compatibility folding (NFKC) would also
turn superscripts (¹²³), circled numbers (①) and other scripts' digits into ours, so a value could be
read as something the clerk never typed; those are refused instead.
"""

from __future__ import annotations

#: Full-width ASCII (U+FF01–U+FF5E) to ASCII, and the ideographic space to a space.
_WIDE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """`text` with full-width letters, digits, punctuation and spaces written as their ASCII forms."""
    return text.translate(_WIDE)


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0–9 only (str.isdigit() also says yes to ¹²³ and ١٢٣, which int() refuses)."""
    return text.isascii() and text.isdigit()
