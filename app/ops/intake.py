"""Storing a contract read from another party's draft (app.intake): one transaction, the source on record."""

from __future__ import annotations

from app.domain import Contract
from app.ops.changes import Done
from app.ops.contracts import insert_in
from app.review.revisions import Reason
from app.store.db import Database


def store_intake(db: Database, contract: Contract, *, source_name: str, digest: str, guessed: list[str],
                 arithmetic_errors: int) -> Done[Contract]:
    """Add the recognised contract (its number must be free) with an audit entry naming the source file, its
    SHA-256, what was guessed and how many arithmetic errors the review found. The contract first passes
    every rule a contractdesk/1 document must meet."""
    from app.interchange.json_codec import dumps, loads

    contract = loads(dumps(contract))
    with db.transaction() as s:
        u = insert_in(s, contract, Reason.IMPORTED)
        u.audit("intake", None, {"file": source_name, "sha256": digest, "guessed": guessed,
                                 "arithmetic_errors": arithmetic_errors})
        return Done(u.result(), contract)
