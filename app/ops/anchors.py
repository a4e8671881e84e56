"""Writing the audit trail's anchor to a file kept outside the database (`audit NUMBER --anchor FILE`).

The file names the contract's digest and the head of its audit chain (app.store.anchor); kept in the archive, it
lets `audit --verify --against FILE` show later that nobody rewrote the contract or its trail in the database
file up to that moment. The contract is kept as a revision at the same moment, so the database holds exactly
what the anchor names.
"""

from __future__ import annotations

from pathlib import Path

from app.base.clock import now_iso
from app.codecs.anchor import Anchor, anchor_file_text
from app.ops.changes import Done, Part
from app.ops.unit import contract_unit
from app.store.anchor import take
from app.store.db import Database
from app.store.revisions import Reason, keep_snapshot


def write_anchor(db: Database, number: str, out: Path) -> Done[Anchor]:
    """Write the contract's anchor to `out` (atomically; never onto the database or its backups) and keep the
    contract as a revision ("anchor written for the archive"); the value is the anchor."""
    from app.base.fileio import atomic_path
    from app.store.output_targets import check_output_targets

    check_output_targets({"--anchor": out}, db.path)
    anchored = take(db, number)
    with atomic_path(out) as tmp:
        with contract_unit(db, number) as u:
            keep_snapshot(u.s, number, anchored.data, anchored.tables, Reason.ANCHORED,
                          audit_seq=anchored.anchor.chain_seq, user=u.user, version=anchored.version)
            u.parts.add(Part.REVISIONS)
            tmp.write_text(anchor_file_text(anchored.anchor, written=now_iso(), by=u.user), encoding="utf-8")
            changes = u.result()
    return Done(changes, anchored.anchor)
