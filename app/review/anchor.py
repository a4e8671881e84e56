"""The audit trail's anchor outside the database: what a packet or an archive file remembers of its contract.

Whoever can edit the database file can rewrite a contract, its revisions and its audit trail, and recompute every
hash: a chain of plain SHA-256 has no key. What they cannot rewrite is a copy kept elsewhere. So every exported PDF
and Excel packet carries in its document properties the contract's digest (the SHA-256 of the contract as a
revision keeps it, cost-table rows cited by their own SHA-256) and the head of its audit chain (the number and
hash of its last entry) — written before signing, so a signature covers them — and `audit NUMBER --anchor FILE`
writes the same to a small file for the archive. `audit NUMBER --verify --against FILE` then checks that the
database still holds what went out (app.review.integrity.anchor_problems). A map of short per-field digests lets it
name the field that differs; the full digest, not the map, is the proof.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.domain import Contract
from app.errors import UserError
from app.i18n import _
from app.review.audit import GENESIS
from app.review.revisions import digest_of, snapshot_of
from app.store.db import Database
from app.store.schema import AuditRow

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


@dataclass(frozen=True)
class Anchored:
    """A contract read for a packet, with its anchor and its revision form (kept as the packet's revision)."""

    contract: Contract
    anchor: Anchor
    version: int
    data: dict[str, Any]
    tables: dict[str, tuple[int, bytes]]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def field_digests(contract: Contract, data: dict[str, Any]) -> dict[str, str]:
    """Short digests of every field and clause (paths as the audit trail names them) and of each annex (its
    table's rows by their digest), to name what differs; `data` is the contract's revision form."""
    from app.review.diff import audited_fields

    out = {path: _short(value) for path, value in audited_fields(contract).items()}
    for item in data.get("annexes", []):
        out[f"annex:{item.get('no', '')}"] = _short(item)
    return out


def contract_of(data: dict[str, Any]) -> Contract:
    """A revision's contract without its cost-table rows (the trail and the field map never need them)."""
    from app.interchange.json_codec import contract_from_snapshot

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


def head_in(s, number: str) -> tuple[int, str]:
    """The contract's chain head in the caller's session: its last entry's seq and hash (0 and the genesis
    hash when it has none)."""
    last = s.execute(select(AuditRow.seq, AuditRow.hash).where(AuditRow.contract == number)
                     .order_by(AuditRow.seq.desc()).limit(1)).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def take(db: Database, number: str) -> Anchored:
    """The stored contract (with its rows) and its anchor, read in one transaction so they agree."""
    from app.store.contracts import load_in

    with db.read() as s:
        contract, version = load_in(s, number)
        seq, head = head_in(s, number)
    data, tables = snapshot_of(contract)
    anchor = Anchor(number, digest_of(data), seq, head, field_digests(contract, data))
    return Anchored(contract, anchor, version, data, tables)


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


def _pdf_properties(path: Path) -> dict[str, str]:
    import logging
    import warnings

    from pypdf import PdfReader

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its complaints about a damaged file are said in our one line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = PdfReader(path, strict=False).metadata or {}
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


def _xlsx_properties(path: Path) -> dict[str, str]:
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


def _json_anchor(path: Path) -> Anchor:
    from app.fileio import read_input_file

    text = read_input_file(path)
    where = str(path)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UserError(_("is not an anchor file or a contract document (JSON)"), where) from exc
    if isinstance(data, dict) and data.get("format") == FORMAT:
        chain = data.get("chain")
        if not isinstance(chain, dict):
            raise UserError(_("the anchor file is damaged"), where)
        props = {"number": data.get("number"), "digest": data.get("digest"),
                 "chain": f"{chain.get('seq')}:{chain.get('hash')}", "fields": pack_fields(data.get("fields") or {})}
        if not all(isinstance(v, str) for v in props.values()) or not isinstance(data.get("fields"), dict):
            raise UserError(_("the anchor file is damaged"), where)
        anchor = from_properties(props, where)
        assert anchor is not None
        return anchor
    from app.interchange.json_codec import loads_document

    contract, _comments, _amendments = loads_document(text)
    snapshot, _tables = snapshot_of(contract)
    return Anchor(contract.number, digest_of(snapshot), None, None, field_digests(contract, snapshot))


def read_anchor(path: Path) -> Anchor:
    """The anchor a packet (.pdf, .xlsx), an anchor file or a contract document (.json) carries; UserError naming
    the file when it carries none or cannot be read."""
    if not path.is_file():
        raise UserError(_("no such file"), str(path))
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _json_anchor(path)
    if suffix == ".pdf":
        props = _pdf_properties(path)
    elif suffix == ".xlsx":
        props = _xlsx_properties(path)
    else:
        raise UserError(_("give a PDF or Excel packet, an anchor file or a contract document (.json)"), str(path))
    anchor = from_properties(props, str(path))
    if anchor is None:
        raise UserError(_("the file carries no ContractDesk digest (a packet exported before they were added?)"),
                        str(path))
    return anchor
