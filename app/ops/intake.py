"""Storing a contract read from another party's draft (app.codecs.intake): one transaction, the source on record."""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.base.errors import UserError
from app.base.fileio import read_input_file
from app.base.i18n import _
from app.domain import Contract
from app.ops.changes import Done
from app.ops.contracts import insert_in
from app.store.db import Database
from app.store.revisions import Reason


def read_source(path: Path) -> tuple[bytes, str]:
    """The source file's bytes and SHA-256, read once: what is recognised, recorded and attached are one file.
    Call after app.codecs.intake.read_document, which refuses a file too large to be a contract text."""
    data = read_input_file(path)
    return data, hashlib.sha256(data).hexdigest()


def store_intake(db: Database, contract: Contract, *, source_name: str, digest: str, guessed: list[str],
                 arithmetic_errors: int, corrected: list[str] | None = None,
                 source: bytes | None = None) -> Done[Contract]:
    """Add the recognised contract (its number must be free) with an audit entry naming the source file, its
    SHA-256, what was guessed, what the clerk corrected before accepting (the confirmation dialog) and how many
    arithmetic errors the review found; the source file itself (`source`, whose SHA-256 is `digest`) is kept as
    the contract's attachment "the other party's draft". The contract first passes every rule a contractdesk/1
    document must meet, so a refusal names the field and nothing is stored."""
    from app.codecs.json_codec import dumps, loads
    from app.domain.kinds import AttachmentKind
    from app.ops.attachments import attach_in

    contract = loads(dumps(contract))
    details: dict[str, object] = {"file": source_name, "sha256": digest, "guessed": guessed,
                                  "arithmetic_errors": arithmetic_errors}
    if corrected:
        details["corrected"] = corrected
    if source is not None and hashlib.sha256(source).hexdigest() != digest:
        raise UserError(_("the file changed while it was being read; read it again"), source_name)
    with db.transaction() as s:
        u = insert_in(s, contract, Reason.IMPORTED)
        u.audit("intake", None, details)
        if source is not None:
            attach_in(u, AttachmentKind.DRAFT_RECEIVED, source_name, source)
        return Done(u.result(), contract)
