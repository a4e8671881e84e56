"""The audit trail's anchor outside the database: what a packet or an archive file remembers of its contract.

Whoever can edit the database file can rewrite a contract, its revisions and its audit trail, and recompute every
hash: a chain of plain SHA-256 has no key. What they cannot rewrite is a copy kept elsewhere. So every exported PDF
and Excel packet carries in its document properties the contract's digest (the SHA-256 of the contract as a
revision keeps it, cost-table rows cited by their own SHA-256) and the head of its audit chain (the number and
hash of its last entry) — written before signing, so a signature covers them — and `audit NUMBER --anchor FILE`
writes the same to a small file for the archive. `audit NUMBER --verify --against FILE` then checks that the
database still holds what went out (app.ops.integrity.anchor_problems). A map of short per-field digests lets it
name the field that differs; the full digest, not the map, is the proof.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Contract

FORMAT = "contractdesk-anchor/1"
#: PDF document-information keys (names) and workbook custom properties carrying each part of an anchor.
PDF_KEYS = {"number": "/ContractDeskNumber", "digest": "/ContractDeskDigest", "chain": "/ContractDeskChain",
            "fields": "/ContractDeskFields"}
XLSX_KEYS = {"number": "ContractDesk contract number", "digest": "ContractDesk contract digest",
             "chain": "ContractDesk audit chain", "fields": "ContractDesk fields"}
#: Office programs show (and some fail on) custom properties longer than this: the field map is split.
XLSX_VALUE_LIMIT = 255
#: Bounds on what an anchor read from a file may unpack to (a hostile file is refused, not decompressed whole).
MAX_FIELDS_BYTES = 4 * 1024 * 1024
MAX_PROPERTIES_BYTES = 8 * 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Anchor:
    """The contract's digest, the chain head when it was taken (None for a plain contract document, which
    carries no chain) and per-field digests (path → 8 hex digits)."""

    number: str
    digest: str
    chain_seq: int | None
    chain_head: str | None
    fields: dict[str, str]

    def properties(self) -> dict[str, str]:
        """The anchor as document properties, by part ("number", "digest", "chain", "fields")."""
        out = {"number": self.number, "digest": self.digest, "fields": pack_fields(self.fields)}
        if self.chain_seq is not None:
            out["chain"] = f"{self.chain_seq}:{self.chain_head}"
        return out


def contract_of(data: dict[str, Any]) -> Contract:
    """A revision's contract without its cost-table rows (the trail and the field map never need them)."""
    from app.codecs.json_codec import contract_from_snapshot

    data = copy.deepcopy(data)
    for item in data.get("annexes", []):
        table = item.get("table")
        if isinstance(table, dict):
            table.pop("rows_ref", None)
            table["rows"] = []
    return contract_from_snapshot(data)


def pack_fields(fields: dict[str, str]) -> str:
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(text, 9)).decode("ascii")


def unpack_fields(packed: str, where: str) -> dict[str, str]:
    """The field map of a file, refused in one line when it is not one (or would unpack to more than 4 MB)."""
    try:
        raw = base64.b64decode(packed.encode("ascii"), validate=True)
        inflate = zlib.decompressobj()
        text = inflate.decompress(raw, MAX_FIELDS_BYTES)
        if inflate.unconsumed_tail:
            raise ValueError("too large")
        fields = json.loads(text)
    except (ValueError, UnicodeError, zlib.error) as exc:
        raise UserError(_("the file's field digests cannot be read"), where) from exc
    if not isinstance(fields, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
        raise UserError(_("the file's field digests cannot be read"), where)
    return fields


# ------------------------------------------------------------------ anchors in files


def anchor_file_text(anchor: Anchor, *, written: str, by: str) -> str:
    """The archive file `audit NUMBER --anchor FILE` writes (JSON, readable)."""
    return json.dumps({"format": FORMAT, "number": anchor.number, "digest": anchor.digest,
                       "chain": {"seq": anchor.chain_seq, "hash": anchor.chain_head}, "written": written, "by": by,
                       "fields": anchor.fields}, ensure_ascii=False, indent=2) + "\n"


def from_properties(props: dict[str, str], where: str) -> Anchor | None:
    """An anchor from a packet's properties by part; None when the packet carries none (an earlier release's)."""
    digest = props.get("digest")
    if digest is None:
        return None
    number = props.get("number", "")
    if not _HEX64.fullmatch(digest) or not number:
        raise UserError(_("the file's ContractDesk properties are damaged"), where)
    chain_seq = chain_head = None
    if "chain" in props:
        seq, _sep, head = props["chain"].partition(":")
        if not (seq.isascii() and seq.isdigit() and len(seq) <= 18) or not _HEX64.fullmatch(head):
            raise UserError(_("the file's ContractDesk properties are damaged"), where)
        chain_seq, chain_head = int(seq), head
    return Anchor(number, digest, chain_seq, chain_head, unpack_fields(props.get("fields", ""), where))


def pdf_properties(path: Path) -> dict[str, str]:
    import logging
    import warnings

    from pypdf import PdfReader

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its complaints about a damaged file are said in our one line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info: Any = PdfReader(path, strict=False).metadata or {}
            return {part: str(info[key]) for part, key in PDF_KEYS.items() if key in info}
    except Exception as exc:  # a damaged or hostile PDF: whatever pypdf raises, one line
        raise UserError(_("cannot read the file as a PDF"), str(path)) from exc
    finally:
        logger.setLevel(level)


def xlsx_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """The custom document properties of a workbook, by name (split values joined)."""
    from defusedxml.ElementTree import fromstring

    try:
        info = archive.getinfo("docProps/custom.xml")
    except KeyError:
        return {}
    if info.file_size > MAX_PROPERTIES_BYTES:
        raise UserError(_("the file's document properties are too large"), "docProps/custom.xml")
    root = fromstring(archive.read(info))
    return {prop.get("name", ""): "".join(prop.itertext()) for prop in root}


def xlsx_values(anchor: Anchor) -> list[tuple[str, str]]:
    """The anchor as custom properties of a workbook (name, value), each value within Office's limit."""
    props = anchor.properties()
    out = [(XLSX_KEYS[part], props[part]) for part in ("digest", "chain") if part in props]
    packed = props["fields"]
    chunks = [packed[i:i + XLSX_VALUE_LIMIT] for i in range(0, len(packed), XLSX_VALUE_LIMIT)] or [""]
    out += [(f"{XLSX_KEYS['fields']} {n}", chunk) for n, chunk in enumerate(chunks, start=1)]
    return out


def xlsx_file_properties(path: Path) -> dict[str, str]:
    try:
        with zipfile.ZipFile(path) as archive:
            named = xlsx_properties(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UserError(_("cannot read the file as an Excel workbook"), str(path)) from exc
    props = {part: named[key] for part, key in XLSX_KEYS.items() if key in named}
    chunks, n = [], 1
    while f"{XLSX_KEYS['fields']} {n}" in named:
        chunks.append(named[f"{XLSX_KEYS['fields']} {n}"])
        n += 1
    if chunks:
        props["fields"] = "".join(chunks)
    return props
