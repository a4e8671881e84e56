"""Naming fonts in a Word file so that Word and WPS both show them.

Word takes a run's Chinese characters from the w:eastAsia font of w:rFonts and Latin text from w:ascii /
w:hAnsi; a *Theme attribute (python-docx's template has asciiTheme="minorHAnsi" in its defaults) overrides
the explicit name, so those are removed. 宋体 and 黑体 are the names both programs list on a Chinese Windows;
the font table gives each its Latin name (SimSun, SimHei) as the alternative for other systems.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

SONG = "宋体"
HEI = "黑体"
LATIN = "Times New Roman"
ALT_NAMES = {SONG: "SimSun", HEI: "SimHei"}
_THEMES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_run_fonts(r_pr, east_asia: str, latin: str = LATIN) -> None:
    """Name the fonts on a w:rPr (a style's or a run's)."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in _THEMES:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def set_default_fonts(document, east_asia: str = SONG) -> None:
    """The document defaults (w:docDefaults) without theme fonts, so every style inherits our names."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        return
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    set_run_fonts(r_pr, east_asia)
    language = r_pr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        r_pr.append(language)
    language.set(qn("w:eastAsia"), "zh-CN")


def add_font_table_entries(document) -> None:
    """宋体 and 黑体 in the font table, with their Latin names as w:altName."""
    from lxml import etree

    part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    table = etree.fromstring(part.blob)
    present = {f.get(qn("w:name")) for f in table.findall(qn("w:font"))}
    for name, alt in ALT_NAMES.items():
        if name in present:
            continue
        font = etree.SubElement(table, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "modern" if name == SONG else "swiss"),
                           ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    # python-docx keeps parts it does not model as bytes; the font table is one of them.
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
