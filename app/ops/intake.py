"""Storing a contract read from another party's draft (app.codecs.intake): one transaction, the source on record."""

from __future__ import annotations

from app.domain import Contract
from app.ops.changes import Done
from app.ops.contracts import insert_in
from app.store.db import Database
from app.store.revisions import Reason


def store_intake(db: Database, contract: Contract, *, source_name: str, digest: str, guessed: list[str],
                 arithmetic_errors: int, corrected: list[str] | None = None) -> Done[Contract]:
    """Add the recognised contract (its number must be free) with an audit entry naming the source file, its
    SHA-256, what was guessed, what the clerk corrected before accepting (the confirmation dialog) and how many
    arithmetic errors the review found. The contract first passes every rule a contractdesk/1 document must
    meet, so a refusal names the field and nothing is stored."""
    from app.codecs.json_codec import dumps, loads

    contract = loads(dumps(contract))
    details: dict[str, object] = {"file": source_name, "sha256": digest, "guessed": guessed,
                                  "arithmetic_errors": arithmetic_errors}
    if corrected:
        details["corrected"] = corrected
    with db.transaction() as s:
        u = insert_in(s, contract, Reason.IMPORTED)
        u.audit("intake", None, details)
        return Done(u.result(), contract)
