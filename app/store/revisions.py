"""Revisions: a contract as it stood at the moments people name, as compressed canonical JSON.

A revision is kept on a state change, on "mark as reviewed", when a packet is exported or printed, before an
amendment or a cost-table import, on an explicit "save a version", and automatically before the first edit
of an editing session (app.ops decides when). Every edit in between is in the audit trail with its old and new
value, so nothing is lost between revisions.

Cost-table rows are not copied into each revision: they are stored once per content in `revision_tables`
and cited by their SHA-256 (`rows_ref`), so an unchanged 100,000-row table costs nothing however many
revisions cite it, and the annex remembers the digest until its rows change. Revisions kept before that
carry their tables inline and read the same way. Snapshots are our own data: they are read back leniently
(app.codecs.json_codec.contract_from_snapshot), never refused by rules made after they were kept.
Comparing with "current" reads the live contract.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.base.clock import current_user, now_iso
from app.base.errors import NotFound, UserError
from app.base.i18n import N_, _
from app.domain import Contract
from app.store.db import Database
from app.store.schema import AnnexRow, AuditRow, ContractRow, RevisionRow, RevisionTableRow
from app.values.digits import is_ascii_digits
from app.values.text_checks import check_identifier

CURRENT = "current"
#: Revision numbers are database integers (64-bit); a larger one names no revision.
MAX_SEQ = 2**63 - 1


class Reason(StrEnum):
    """Why a revision was kept (stored; labels are translated where shown)."""

    CREATED = "created"
    IMPORTED = "imported"
    SESSION = "session"
    STATE = "state"
    REVIEWED = "reviewed"
    EXPORTED = "exported"
    PRINTED = "printed"
    AMENDMENT = "amendment"
    TABLE_IMPORT = "table-import"
    REPLACED = "replaced"
    SAVED = "saved"
    ANCHORED = "anchored"

    @property
    def label(self) -> str:
        return _(REASON_LABELS[self])


REASON_LABELS = {
    Reason.CREATED: N_("created"),
    Reason.IMPORTED: N_("imported"),
    Reason.SESSION: N_("before editing"),
    Reason.STATE: N_("state changed"),
    Reason.REVIEWED: N_("marked as reviewed"),
    Reason.EXPORTED: N_("packet exported"),
    Reason.PRINTED: N_("packet printed"),
    Reason.AMENDMENT: N_("before an amendment"),
    Reason.TABLE_IMPORT: N_("before a cost-table import"),
    Reason.REPLACED: N_("before being replaced by an import"),
    Reason.SAVED: N_("version saved"),
    Reason.ANCHORED: N_("anchor written for the archive"),
}


@dataclass(frozen=True)
class RevisionInfo:
    seq: int
    version: int
    at: str
    user: str
    name: str | None
    digest: str
    reason: Reason | None = None

    @property
    def reviewed(self) -> bool:
        return self.reason is Reason.REVIEWED or (self.reason is None and self.name is not None)

    @property
    def reason_label(self) -> str:
        return self.reason.label if self.reason is not None else ""


def _compact(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _table_digest(s: Session, annex: AnnexRow) -> str:
    """The digest of the annex's rows as revisions cite them, storing them once if no revision has yet."""
    if annex.rows_digest is not None and s.get(RevisionTableRow, annex.rows_digest) is not None:
        return annex.rows_digest
    from app.codecs.json_codec import table_rows_to_list
    from app.store.contracts import load_cost_rows

    rows = table_rows_to_list(load_cost_rows(s, annex.id))
    text = _compact(rows)
    digest = hashlib.sha256(text).hexdigest()
    if s.get(RevisionTableRow, digest) is None:
        s.add(RevisionTableRow(digest=digest, row_count=len(rows), rows=zlib.compress(text, 6)))
    annex.rows_digest = digest
    s.flush()
    return digest


def snapshot_dict(s: Session, number: str) -> tuple[dict[str, Any], int, int]:
    """The stored contract as a revision keeps it (tables cited by digest), its version and row id."""
    from app.codecs.json_codec import contract_to_dict
    from app.store.contracts import load_in, row_of

    row = row_of(s, number)
    contract, version = load_in(s, number, rows=False)
    data = contract_to_dict(contract)
    annexes = {a.no: a for a in s.scalars(select(AnnexRow).where(AnnexRow.contract_id == row.id))}
    for item in data["annexes"]:
        table = item.get("table")
        if isinstance(table, dict):
            table.pop("rows", None)
            table["rows_ref"] = _table_digest(s, annexes[item["no"]])
    return data, version, row.id


def snapshot_of(contract: Contract) -> tuple[dict[str, Any], dict[str, tuple[int, bytes]]]:
    """A contract held in memory (with its rows) in the form a revision keeps it — the same text, so the same
    digest, as `snapshot_dict` gives for it in the store — and the tables it cites: digest → (rows, their text)."""
    from app.codecs.json_codec import contract_to_dict

    data = contract_to_dict(contract)
    tables: dict[str, tuple[int, bytes]] = {}
    for item in data["annexes"]:
        table = item.get("table")
        if isinstance(table, dict):
            rows = table.pop("rows", [])
            text = _compact(rows)
            digest = hashlib.sha256(text).hexdigest()
            tables[digest] = (len(rows), text)
            table["rows_ref"] = digest
    return data, tables


def digest_of(data: dict[str, Any]) -> str:
    """The SHA-256 a revision of `data` (revision form) is stored under."""
    return hashlib.sha256(_compact(data)).hexdigest()


def keep_snapshot(s: Session, number: str, data: dict[str, Any], tables: dict[str, tuple[int, bytes]], reason: Reason, *,
                  audit_seq: int | None, user: str, version: int) -> int:
    """Keep `data` (from `snapshot_of`) as a revision in the caller's transaction: the contract as it was when the
    trail ended at `audit_seq`, e.g. the packet just exported, even if someone changed the contract meanwhile."""
    contract_id = _contract_row(s, number).id
    for digest, (count, rows) in tables.items():
        if s.get(RevisionTableRow, digest) is None:
            s.add(RevisionTableRow(digest=digest, row_count=count, rows=zlib.compress(rows, 6)))
    text = _compact(data)
    last = s.scalar(select(func.max(RevisionRow.seq)).where(RevisionRow.contract_id == contract_id)) or 0
    s.add(RevisionRow(contract_id=contract_id, seq=last + 1, version=version, at=now_iso(), user=user, name=None,
                      digest=hashlib.sha256(text).hexdigest(), snapshot=zlib.compress(text, 6), reason=reason.value,
                      audit_seq=audit_seq))
    s.flush()
    return last + 1


def keep(s: Session, number: str, reason: Reason, *, name: str | None = None, user: str | None = None,
         unless_unchanged: bool = True) -> int | None:
    """Keep the stored contract as a revision in the caller's transaction; returns its number.

    With `unless_unchanged` a revision identical to the last one is not kept again (None is returned).
    """
    data, version, contract_id = snapshot_dict(s, number)
    text = _compact(data)
    digest = hashlib.sha256(text).hexdigest()
    last = s.execute(
        select(RevisionRow.seq, RevisionRow.digest).where(RevisionRow.contract_id == contract_id)
        .order_by(RevisionRow.seq.desc()).limit(1)
    ).first()
    if unless_unchanged and last is not None and last[1] == digest:
        return None
    seq = (last[0] if last else 0) + 1
    audit_seq = s.scalar(select(func.max(AuditRow.seq)).where(AuditRow.contract == number))
    s.add(RevisionRow(contract_id=contract_id, seq=seq, version=version, at=now_iso(),
                      user=user if user is not None else current_user(), name=name, digest=digest,
                      snapshot=zlib.compress(text, 6), reason=reason.value, audit_seq=audit_seq))
    s.flush()
    return seq


def latest_at(s: Session, contract_id: int) -> str | None:
    """When the contract's last revision was kept (UTC ISO text), None if it has none."""
    return s.scalar(select(func.max(RevisionRow.at)).where(RevisionRow.contract_id == contract_id))


def _decode(s: Session, blob: bytes) -> Contract:
    from app.codecs.json_codec import contract_from_snapshot

    data = json.loads(zlib.decompress(blob))
    for item in data.get("annexes", []):
        table = item.get("table")
        if isinstance(table, dict) and "rows_ref" in table:
            stored = s.get(RevisionTableRow, table.pop("rows_ref"))
            table["rows"] = json.loads(zlib.decompress(stored.rows)) if stored is not None else []
    return contract_from_snapshot(data)


def _contract_row(s: Session, number: str) -> ContractRow:
    row = s.scalar(select(ContractRow).where(ContractRow.number == number))
    if row is None:
        raise NotFound(_("no contract with this number"), number)
    return row


def _info(r: Any) -> RevisionInfo:
    try:
        reason = Reason(r.reason) if r.reason else None
    except ValueError:  # a reason written by a newer release
        reason = None
    return RevisionInfo(r.seq, r.version, r.at, r.user, r.name, r.digest, reason)


def list_revisions(db: Database, number: str) -> list[RevisionInfo]:
    """The contract's revisions, oldest first (no snapshots loaded)."""
    with db.read() as s:
        cid = _contract_row(s, number).id
        rows = s.execute(
            select(RevisionRow.seq, RevisionRow.version, RevisionRow.at, RevisionRow.user, RevisionRow.name,
                   RevisionRow.digest, RevisionRow.reason)
            .where(RevisionRow.contract_id == cid)
            .order_by(RevisionRow.seq)
        )
        return [_info(r) for r in rows]


def check_name(s: Session, contract_id: int, name: str) -> str:
    """A revision name as given, refused when empty, a number, "current" or already taken."""
    name = name.strip()
    if not name:
        raise UserError(_("give the reviewed revision a name"))
    check_identifier(name, name)
    check_identifier(name, name)
    if name.isdigit() or name == CURRENT:
        raise UserError(_("a revision name must not be a number or \"current\""), name)
    taken = s.scalar(select(func.count()).where(RevisionRow.contract_id == contract_id, RevisionRow.name == name))
    if taken:
        raise UserError(_("a revision with this name already exists"), name)
    return name


def resolve(db: Database, number: str, spec: str | int | None) -> int | None:
    """A revision named by number or name → its seq; None (or "current") means the live contract."""
    if spec is None or spec == CURRENT or spec == "":
        return None
    with db.read() as s:
        cid = _contract_row(s, number).id
        if isinstance(spec, int) or is_ascii_digits(str(spec)):
            # a number past any revision (99999999999999999999999, or 5,000 digits) finds none, never overflows
            wanted = int(spec) if len(str(spec)) <= 19 else MAX_SEQ + 1
            seq = None if wanted > MAX_SEQ else s.scalar(
                select(RevisionRow.seq).where(RevisionRow.contract_id == cid, RevisionRow.seq == wanted))
        else:
            seq = s.scalar(
                select(RevisionRow.seq).where(RevisionRow.contract_id == cid, RevisionRow.name == spec)
                .order_by(RevisionRow.seq.desc()).limit(1)
            )
    if seq is None:
        raise NotFound(_("no such revision"), str(spec))
    return seq


def load_revision(db: Database, number: str, spec: str | int | None) -> Contract:
    """The contract as it was at a revision (or now, for None/"current")."""
    from app.store.contracts import load

    seq = resolve(db, number, spec)
    if seq is None:
        return load(db, number)
    with db.read() as s:
        cid = _contract_row(s, number).id
        blob = s.scalar(select(RevisionRow.snapshot).where(RevisionRow.contract_id == cid, RevisionRow.seq == seq))
        assert blob is not None
        return _decode(s, blob)


def revision_audit_seq(db: Database, number: str, seq: int) -> int | None:
    """The last audit entry of the contract when revision `seq` was kept (None for revisions kept before
    that was recorded)."""
    with db.read() as s:
        cid = _contract_row(s, number).id
        return s.scalar(select(RevisionRow.audit_seq).where(RevisionRow.contract_id == cid, RevisionRow.seq == seq))


def last_reviewed(db: Database, number: str) -> RevisionInfo | None:
    return next((r for r in reversed(list_revisions(db, number)) if r.reviewed), None)


def compare(db: Database, number: str, old: str | int | None, new: str | int | None = None):
    """The diff between two revisions (`new` None: the current state)."""
    from app.review.diff import diff_contracts

    return diff_contracts(load_revision(db, number, old), load_revision(db, number, new))
