"""Revisions: every stored version of a contract, as compressed canonical JSON.

A whole-contract save (import, field edits) stores a snapshot in the same transaction. Cell-level
edits of cost tables are not snapshotted one by one (a 100k-row table would be copied per keystroke):
the audit log keeps them, and "mark as reviewed" takes a full snapshot with a name, who and when.
Comparing with "current" reads the live contract.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.digits import is_ascii_digits
from app.domain import Contract
from app.errors import NotFound, UserError
from app.i18n import _
from app.review import audit
from app.review.clock import current_user, now_iso
from app.store.db import Database
from app.store.schema import ContractRow, RevisionRow
from app.text_checks import check_identifier

CURRENT = "current"
#: Revision numbers are database integers (64-bit); a larger one names no revision.
MAX_SEQ = 2**63 - 1


@dataclass(frozen=True)
class RevisionInfo:
    seq: int
    version: int
    at: str
    user: str
    name: str | None
    digest: str

    @property
    def reviewed(self) -> bool:
        return self.name is not None


def encode(contract: Contract) -> tuple[bytes, str]:
    """Compact contractdesk/1 JSON (no indent: the C encoder, fast on 100k-row tables), zlib-compressed."""
    import json

    from app.interchange.json_codec import contract_to_dict

    text = json.dumps(contract_to_dict(contract), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return zlib.compress(text, 6), hashlib.sha256(text).hexdigest()


def decode(blob: bytes) -> Contract:
    from app.interchange.json_codec import loads

    return loads(zlib.decompress(blob))


def add_snapshot(
    session: Session, contract_id: int, version: int, contract: Contract, *, name: str | None = None, user: str | None = None
) -> int | None:
    """Store a revision in the caller's transaction; an unnamed one identical to the last is skipped."""
    blob, digest = encode(contract)
    last = session.execute(
        select(RevisionRow.seq, RevisionRow.digest).where(RevisionRow.contract_id == contract_id).order_by(RevisionRow.seq.desc()).limit(1)
    ).first()
    if name is None and last is not None and last[1] == digest:
        return None
    seq = (last[0] if last else 0) + 1
    session.add(
        RevisionRow(
            contract_id=contract_id,
            seq=seq,
            version=version,
            at=now_iso(),
            user=user if user is not None else current_user(),
            name=name,
            digest=digest,
            snapshot=blob,
        )
    )
    session.flush()
    return seq


def _contract_row(s: Session, number: str) -> ContractRow:
    row = s.scalar(select(ContractRow).where(ContractRow.number == number))
    if row is None:
        raise NotFound(_("no contract with this number"), number)
    return row


def list_revisions(db: Database, number: str) -> list[RevisionInfo]:
    """The contract's revisions, oldest first (no snapshots loaded)."""
    with db.read() as s:
        cid = _contract_row(s, number).id
        rows = s.execute(
            select(RevisionRow.seq, RevisionRow.version, RevisionRow.at, RevisionRow.user, RevisionRow.name, RevisionRow.digest)
            .where(RevisionRow.contract_id == cid)
            .order_by(RevisionRow.seq)
        )
        return [RevisionInfo(*r) for r in rows]


def mark_reviewed(db: Database, number: str, name: str, *, user: str | None = None) -> int:
    """Freeze the current state as a named revision ("reviewed 2025-06-03"); returns its number."""
    from app.store.contracts import load_in

    name = name.strip()
    if not name:
        raise UserError(_("give the reviewed revision a name"))
    check_identifier(name, name)
    if name.isdigit() or name == CURRENT:
        raise UserError(_("a revision name must not be a number or \"current\""), name)
    who = user if user is not None else current_user()
    with db.transaction() as s:
        row = _contract_row(s, number)
        taken = s.scalar(select(func.count()).where(RevisionRow.contract_id == row.id, RevisionRow.name == name))
        if taken:
            raise UserError(_("a revision with this name already exists"), name)
        contract, version = load_in(s, number)
        seq = add_snapshot(s, row.id, version, contract, name=name, user=who)
        assert seq is not None
        audit.record(s, number, "reviewed", None, {"revision": seq, "name": name}, user=who)
    return seq


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
                select(RevisionRow.seq).where(RevisionRow.contract_id == cid, RevisionRow.name == spec).order_by(RevisionRow.seq.desc()).limit(1)
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
    return decode(blob)


def last_reviewed(db: Database, number: str) -> RevisionInfo | None:
    return next((r for r in reversed(list_revisions(db, number)) if r.reviewed), None)


def compare(db: Database, number: str, old: str | int | None, new: str | int | None = None):
    """The diff between two revisions (`new` None: the current state)."""
    from app.review.diff import diff_contracts

    return diff_contracts(load_revision(db, number, old), load_revision(db, number, new))
