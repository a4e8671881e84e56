"""How the bundled fonts were made: Noto Serif CJK SC (OTF/CFF, SIL OFL 1.1) converted to TrueType outlines.

ReportLab embeds only TrueType (glyf) fonts, and Noto CJK ships with PostScript (CFF) outlines, so the SC face
of the collection is subset to the characters a Chinese contract uses (CJK Unified Ideographs, Latin, general
and CJK punctuation, full-width forms incl. 【】¥“”（）), stripped of layout features and vertical metrics,
and its cubic outlines are converted to quadratic ones with fontTools' cu2qu.

Run once from the project root, with the Noto Serif CJK collections at hand:

    python resources/fonts/make_fonts.py NotoSerifCJK-Regular.ttc NotoSerifCJK-Bold.ttc

It writes NotoSerifCJKsc-Regular.ttf and NotoSerifCJKsc-Bold.ttf beside this script.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

#: Code point ranges kept in the bundled font.
RANGES = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 (¥ § ° ± × ÷)
    (0x2000, 0x206F),  # General punctuation (“” ‘’ — … ‰ ※)
    (0x2100, 0x218F),  # Letterlike symbols, number forms (℃ № Ⅰ Ⅱ)
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed alphanumerics (① ⑴ ⒈)
    (0x2500, 0x257F),  # Box drawing
    (0x25A0, 0x25FF),  # Geometric shapes (□ ■ ○ ●)
    (0x2600, 0x26FF),  # Misc symbols (★ ☆)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。《》【】〔〕)
    (0x3200, 0x32FF),  # Enclosed CJK (㈠)
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xFF00, 0xFFEF),  # Half- and full-width forms (（）：；￥)
)
SC_INDEX = 2  # JP, KR, SC, TC, HK in the Noto Serif CJK collections
OUT = {"Regular": "NotoSerifCJKsc-Regular.ttf", "Bold": "NotoSerifCJKsc-Bold.ttf"}


def _subset(font: TTFont) -> None:
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE", "DSIG"]
    unicodes = [cp for lo, hi in RANGES for cp in range(lo, hi + 1)]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def _to_truetype(font: TTFont) -> None:
    """Replace the CFF table by glyf/loca with quadratic outlines (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        tt_pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(tt_pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def convert(source: Path, weight: str) -> Path:
    font = TTCollection(str(source)).fonts[SC_INDEX]
    _subset(font)
    _to_truetype(font)
    target = Path(__file__).resolve().parent / OUT[weight]
    font.save(str(target))
    return target


if __name__ == "__main__":
    regular, bold = (Path(p) for p in sys.argv[1:3])
    print(convert(regular, "Regular"))
    print(convert(bold, "Bold"))
