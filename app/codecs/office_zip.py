"""The parts of an Office file (.docx, .xlsx) checked before any library unpacks them: their total size, their
compression ratios (a zip bomb unpacks kilobytes into gigabytes) and every XML part's prolog, parsed with
defusedxml so that a DTD or entity declaration (the "billion laughs") is refused before lxml sees the part.
One set of rules for the Word intake and the Excel import; each names its own kind of file in its messages."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from app.base.errors import UserError
from app.base.i18n import _

#: Members larger than 1 MB may not compress better than this (a zip bomb does, by far).
MAX_RATIO = 150


@dataclass(frozen=True)
class PartRules:
    """Bounds for one kind of Office file, and its messages (msgids marked with N_ where they are written)."""

    max_unpacked_bytes: int
    xml_suffixes: tuple[str, ...]
    too_large: str  # {mb}
    bomb: str  # {part}
    entities: str  # {part}
    not_xml: str  # {part}


class _StopAtRoot(Exception):
    pass


class _RootTarget:
    def start(self, tag, attrib):
        raise _StopAtRoot

    def close(self):
        return None


def check_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], rules: PartRules, where: str) -> None:
    """UserError (at `where`) for a file that unpacks too large, a part compressed like a bomb, or an XML part
    declaring a DTD or entities, or not XML at all."""
    if sum(i.file_size for i in infos) > rules.max_unpacked_bytes:
        raise UserError(_(rules.too_large).format(mb=rules.max_unpacked_bytes // (1024 * 1024)), where)
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UserError(_(rules.bomb).format(part=info.filename), where)
    for info in infos:
        if info.filename.endswith(rules.xml_suffixes):
            _refuse_dtd(archive, info, rules, where)


def _refuse_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo, rules: PartRules, where: str) -> None:
    """Parse the prolog up to the root element with DTDs forbidden: entities can only be declared there."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    parser = DefusedXMLParser(target=_RootTarget(), forbid_dtd=True)
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(64 * 1024):
                parser.feed(chunk)
    except _StopAtRoot:
        return
    except DefusedXmlException as exc:
        raise UserError(_(rules.entities).format(part=info.filename), where) from exc
    except ParseError as exc:
        raise UserError(_(rules.not_xml).format(part=info.filename), where) from exc
