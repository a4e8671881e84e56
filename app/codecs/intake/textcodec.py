"""Decoding a contract saved as plain text: UTF-8 or GB18030/GBK, with or without a byte-order mark.

Order matters. A byte-order mark settles it (UTF-8, UTF-16, GB18030's own). Otherwise strict UTF-8 comes
first: a GBK text of any length is almost never valid UTF-8, while GB18030 decodes nearly any byte
sequence, so it is tried second and its result must look like Chinese text (mostly CJK characters and
punctuation among the non-ASCII ones), else the file is refused rather than shown as mojibake.
"""

from __future__ import annotations

import codecs
import unicodedata

from app.base.errors import UserError
from app.base.i18n import _

GB18030_BOM = b"\x84\x31\x95\x33"
#: Share of the non-ASCII characters that must be CJK (ideographs, punctuation, full-width forms) for a
#: GB18030 decoding to be believed.
MIN_CJK_SHARE = 0.8
#: Control characters (other than tab, newline, carriage return, form feed) allowed per 1,000 characters.
MAX_CONTROLS_PER_MILLE = 2


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF  # unified ideographs
        or 0x3400 <= cp <= 0x4DBF  # extension A
        or 0x20000 <= cp <= 0x2FA1F  # extensions B–F, compatibility supplement
        or 0x3000 <= cp <= 0x303F  # CJK punctuation (、。【】)
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms (，：（）)
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0x2000 <= cp <= 0x206F  # general punctuation (“”…—)
        or 0x2460 <= cp <= 0x24FF  # enclosed numbers ①
        or 0x00B7 == cp or 0x00D7 == cp or 0x00A5 == cp  # · × ¥
        or 0x2160 <= cp <= 0x217F  # Roman numerals Ⅰ
        or 0x25A0 <= cp <= 0x25FF  # geometric shapes □■
        or 0x2100 <= cp <= 0x214F  # letterlike (℃ ㎡ are near)
        or 0x3300 <= cp <= 0x33FF  # CJK compatibility (㎡)
    )


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _looks_like_chinese(text: str) -> bool:
    """Mostly CJK, and mostly the common characters of GB2312: Latin-1 or other bytes read as GB18030 come out
    as rare ideographs from GBK's extension areas."""
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    if not non_ascii:
        return True
    share = MIN_CJK_SHARE * len(non_ascii)
    return sum(map(_is_cjk, non_ascii)) >= share and sum(map(_in_gb2312, non_ascii)) >= share


def _refuse_binary(text: str, where: str) -> None:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    if controls * 1000 > MAX_CONTROLS_PER_MILLE * max(len(text), 1):
        raise UserError(_("this is not a text file (it holds binary data)"), where)


def decode_text(data: bytes, where: str) -> tuple[str, str]:
    """The text and the name of the encoding it was read in; UserError for anything that is not text."""
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
        (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
        (GB18030_BOM, "gb18030", "GB18030 (BOM)"),
    )
    for bom, codec, name in boms:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UserError(_("the text starts with a {encoding} byte-order mark but is not {encoding}").format(
                    encoding=name), where) from exc
            text = text.removeprefix("\ufeff")
            _refuse_binary(text, where)
            return text, name
    if b"\x00" in data[:4096]:
        raise UserError(_("this is not a text file (it holds binary data)"), where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _refuse_binary(text, where)
        return text, "UTF-8"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UserError(_("the text is neither UTF-8 nor GB18030/GBK; save it as UTF-8 and try again"), where) from exc
    _refuse_binary(text, where)
    if not _looks_like_chinese(text):
        raise UserError(_("the text is neither UTF-8 nor GB18030/GBK; save it as UTF-8 and try again"), where)
    return text, "GB18030"
