"""The append-only audit trail: every change, chained entry to entry with SHA-256.

Each contract number has its own chain: an entry's `prev_hash` is the `hash` of the contract's
previous entry ("0" * 64 for the first), and `hash = sha256(prev_hash + canonical JSON of the
entry)`. Editing, deleting or re-ordering a row directly in the database file breaks the chain at
that entry, which `verify` reports. The log is keyed by number, not by row id, so it outlives a
deleted contract.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.base.clock import current_user, now_iso
from app.store.db import Database
from app.store.schema import AuditRow

GENESIS = "0" * 64
#: Cell-level details beyond this many changed cells are summarised (a 100k-row paste stays small).
MAX_DETAIL_ITEMS = 2000


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    user: str
    contract: str
    what: str
    old: str | None
    new: str | None
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, seq: int, at: str, user: str, contract: str, what: str, old: str | None, new: str | None) -> str:
    body = json.dumps(
        {"seq": seq, "at": at, "user": user, "contract": contract, "what": what, "old": old, "new": new},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def value_text(value: Any) -> str | None:
    """A value as the log stores it: text as is, anything else as compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def details(items: list, limit: int = MAX_DETAIL_ITEMS) -> Any:
    """A list for old/new, cut to `limit` items with a count of the rest."""
    if len(items) <= limit:
        return items
    return [*items[:limit], f"… +{len(items) - limit}"]


def record(session: Session, contract: str, what: str, old: Any = None, new: Any = None, user: str | None = None,
           at: str | None = None) -> int:
    """Append one entry in the caller's transaction; returns its seq. `at` is the time the record it stands for
    carries (a state step), so the two can be compared; by default now."""
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).where(AuditRow.contract == contract).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    prev_hash = last[1] if last else GENESIS
    seq = (session.scalar(select(func.max(AuditRow.seq))) or 0) + 1
    at, who = at or now_iso(), (user if user is not None else current_user())
    old_t, new_t = value_text(old), value_text(new)
    digest = entry_hash(prev_hash, seq, at, who, contract, what, old_t, new_t)
    session.add(
        AuditRow(seq=seq, at=at, user=who, contract=contract, what=what, old=old_t, new=new_t, prev_hash=prev_hash, hash=digest)
    )
    session.flush()
    return seq


def _entries(session: Session, contract: str) -> Iterable[AuditEntry]:
    for r in session.execute(select(AuditRow).where(AuditRow.contract == contract).order_by(AuditRow.seq)).scalars():
        yield AuditEntry(r.seq, r.at, r.user, r.contract, r.what, r.old, r.new, r.prev_hash, r.hash)


def entries(db: Database, contract: str) -> list[AuditEntry]:
    """The contract's log, oldest first."""
    with db.read() as s:
        return list(_entries(s, contract))


def verify_entries(items: Iterable[AuditEntry]) -> int | None:
    """The seq of the first entry whose link or hash does not check out, None when the chain is whole."""
    prev = GENESIS
    last_seq = 0
    for e in items:
        if e.prev_hash != prev or e.seq <= last_seq:
            return e.seq
        if entry_hash(e.prev_hash, e.seq, e.at, e.user, e.contract, e.what, e.old, e.new) != e.hash:
            return e.seq
        prev, last_seq = e.hash, e.seq
    return None


def verify(db: Database, contract: str) -> int | None:
    """Check the contract's chain; returns the first broken seq or None."""
    with db.read() as s:
        return verify_entries(_entries(s, contract))


def audited_numbers(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditRow.contract).distinct().order_by(AuditRow.contract)))
