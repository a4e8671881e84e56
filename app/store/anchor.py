"""A contract's anchor taken from the store: its digest, its audit chain's head and per-field digests, read in one
transaction (app.codecs.anchor writes it into packets and archive files and reads it back)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.base.errors import UserError
from app.base.i18n import _
from app.codecs.anchor import FORMAT, Anchor, from_properties, pack_fields, pdf_properties, xlsx_file_properties
from app.domain import Contract
from app.store.audit import GENESIS
from app.store.db import Database
from app.store.revisions import digest_of, snapshot_of
from app.store.schema import AuditRow


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


def _json_anchor(path: Path) -> Anchor:
    from app.base.fileio import read_input_file

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
        found = {"number": data.get("number"), "digest": data.get("digest"),
                 "chain": f"{chain.get('seq')}:{chain.get('hash')}", "fields": pack_fields(data.get("fields") or {})}
        props = {k: v for k, v in found.items() if isinstance(v, str)}
        if len(props) != len(found) or not isinstance(data.get("fields"), dict):
            raise UserError(_("the anchor file is damaged"), where)
        anchor = from_properties(props, where)
        assert anchor is not None
        return anchor
    from app.codecs.json_codec import loads_document

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
        props = pdf_properties(path)
    elif suffix == ".xlsx":
        props = xlsx_file_properties(path)
    else:
        raise UserError(_("give a PDF or Excel packet, an anchor file or a contract document (.json)"), str(path))
    anchor = from_properties(props, str(path))
    if anchor is None:
        raise UserError(_("the file carries no ContractDesk digest (a packet exported before they were added?)"),
                        str(path))
    return anchor
